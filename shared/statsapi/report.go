package statsapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// The read-back (our addition: FlexiAPI only draws charts in its web
// panel). Query parameters are read from the query string only.

// MaxPerPage bounds an export page: a Lambda answer is whole, so a period
// is exported as bounded pages linked by a cursor.
const MaxPerPage = 1000

func (h handlers) period(r *api.Request) (stats.Period, *validate.Errors) {
	errs := &validate.Errors{}
	q := func(name string) string { return strings.TrimSpace(r.Query.Get(name)) }
	var p stats.Period
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &p.From}, {"to", &p.To}} {
		v := q(f.name)
		if v == "" {
			errs.Add(f.name, fmt.Sprintf("The %s field is required.", f.name))
			continue
		}
		t, ok := stats.ParseISODate(v)
		if !ok {
			errs.Add(f.name, stats.ISODateMessage)
			continue
		}
		*f.dst = t
	}
	switch q("by") {
	case "", "day":
	case "hour":
		p.ByHour = true
	default:
		errs.Add("by", "The selected by is invalid.")
	}
	p.Domain = q("domain")
	switch {
	case p.Domain == "":
		p.Domain = h.cfg.SIPDomain
	case len(p.Domain) > stats.MaxAddressLength:
		errs.Add("domain", fmt.Sprintf("The domain must not be greater than %d characters.", stats.MaxAddressLength))
	case !h.cfg.AdminsManageMultiDomains && !strings.EqualFold(p.Domain, h.cfg.SIPDomain):
		// Without multi-domain administration an admin sees its own domain
		// only, as in FlexiAPI's panel.
		errs.Add("domain", "The selected domain is invalid.")
	}
	if errs.Empty() {
		if err := p.Check(); err != nil {
			errs.Add("to", err.Error())
		}
	}
	if !errs.Empty() {
		return p, errs
	}
	return p, nil
}

type callCounts struct {
	Total      int `json:"total"`
	Answered   int `json:"answered"`
	Missed     int `json:"missed"`
	Failed     int `json:"failed"`
	InProgress int `json:"in_progress"`
}

type messageCounts struct {
	Total     int `json:"total"`
	Delivered int `json:"delivered"`
	Failed    int `json:"failed"`
	Pending   int `json:"pending"`
}

type bucketJSON struct {
	Moment   string        `json:"moment"`
	Calls    callCounts    `json:"calls"`
	Messages messageCounts `json:"messages"`
}

type countsJSON struct {
	Domain string       `json:"domain"`
	From   string       `json:"from"`
	To     string       `json:"to"`
	By     string       `json:"by"`
	Data   []bucketJSON `json:"data"`
}

func (h handlers) counts(ctx context.Context, r *api.Request) (*api.Response, error) {
	p, errs := h.period(r)
	if errs != nil {
		return nil, api.Invalid(errs)
	}
	buckets, err := h.svc.Counts(ctx, p)
	if err != nil {
		return nil, err
	}
	out := countsJSON{Domain: p.Domain, From: ts(p.From), To: ts(p.To), By: "day", Data: make([]bucketJSON, len(buckets))}
	if p.ByHour {
		out.By = "hour"
	}
	for i, b := range buckets {
		out.Data[i] = bucketJSON{Moment: b.Moment,
			Calls:    callCounts{b.Calls, b.CallsAnswered, b.CallsMissed, b.CallsFailed, b.CallsInProgress},
			Messages: messageCounts{b.Messages, b.MessagesDelivered, b.MessagesFailed, b.MessagesPending}}
	}
	return api.JSON(http.StatusOK, out), nil
}

func (h handlers) page(r *api.Request) (stats.Period, string, int, error) {
	p, errs := h.period(r)
	if errs == nil {
		errs = &validate.Errors{}
	}
	perPage := MaxPerPage
	if v := strings.TrimSpace(r.Query.Get("per_page")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPerPage {
			errs.Add("per_page", fmt.Sprintf("The per page must be between 1 and %d.", MaxPerPage))
		}
		perPage = n
	}
	cursor := r.Query.Get("cursor")
	if len(cursor) > 200 {
		errs.Add("cursor", "The cursor is invalid.")
	}
	if !errs.Empty() {
		return p, "", 0, api.Invalid(errs)
	}
	return p, cursor, perPage, nil
}

// csvPage answers one page of an export, with the link to the next one.
func csvPage(r *api.Request, name string, rows [][]string, next string) *api.Response {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, row := range rows {
		for i, cell := range row {
			row[i] = inertCell(cell)
		}
	}
	_ = w.WriteAll(rows) // a bytes.Buffer does not fail
	resp := &api.Response{Status: http.StatusOK, Body: b.Bytes(), Header: http.Header{
		"Content-Type":        {"text/csv; charset=UTF-8"},
		"Content-Disposition": {"attachment; filename=" + name + ".csv"},
		"Cache-Control":       {"no-cache, no-store, must-revalidate"},
	}}
	if next != "" {
		q := url.Values{}
		for k, v := range r.Query {
			q[k] = v
		}
		q.Set("cursor", next)
		resp.Header.Set("Link", "<"+r.BaseURL+r.Path+"?"+q.Encode()+`>; rel="next"`)
		resp.Header.Set("X-Next-Cursor", next)
	}
	return resp
}

// inertCell keeps a spreadsheet from reading a cell as a formula: the
// addresses and ids come from Flexisip's clients, and a cell such as
// `=HYPERLINK(...)` would run when an operator opens the export (OWASP's
// CSV injection advice: a leading quote). Numbers stay numbers.
func inertCell(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil {
		return cell
	}
	return "'" + cell
}

func at(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (h handlers) exportCalls(ctx context.Context, r *api.Request) (*api.Response, error) {
	p, cursor, perPage, err := h.page(r)
	if err != nil {
		return nil, err
	}
	calls, next, err := h.svc.CallLog(ctx, p, cursor, perPage)
	if err != nil {
		return nil, domainError(err)
	}
	rows := [][]string{{"id", "from", "to", "initiated_at", "ended_at", "duration_seconds", "outcome"}}
	for i := range calls {
		c := &calls[i]
		duration := ""
		if c.EndedAt != nil {
			duration = strconv.FormatInt(int64(c.EndedAt.Sub(c.InitiatedAt)/time.Second), 10)
		}
		rows = append(rows, []string{c.ID, c.FromUsername + "@" + c.FromDomain, c.ToUsername + "@" + c.ToDomain,
			at(&c.InitiatedAt), at(c.EndedAt), duration, c.Outcome()})
	}
	return csvPage(r, "calls", rows, next), nil
}

func (h handlers) exportMessages(ctx context.Context, r *api.Request) (*api.Response, error) {
	p, cursor, perPage, err := h.page(r)
	if err != nil {
		return nil, err
	}
	msgs, next, err := h.svc.MessageLog(ctx, p, cursor, perPage)
	if err != nil {
		return nil, domainError(err)
	}
	rows := [][]string{{"id", "from", "sent_at", "encrypted", "outcome"}}
	for i := range msgs {
		m := &msgs[i]
		rows = append(rows, []string{m.ID, m.FromUsername + "@" + m.FromDomain, at(&m.SentAt),
			strconv.FormatBool(m.Encrypted), m.Outcome()})
	}
	return csvPage(r, "messages", rows, next), nil
}
