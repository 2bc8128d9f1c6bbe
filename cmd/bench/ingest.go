package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// adminContext is an authorizer context of an admin (Flexisip's API key).
func adminContext(principal map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range principal {
		out[k] = v
	}
	out[api.CtxAdmin] = "true"
	return out
}

// withBody gives a proxy event a body.
func withBody(event []byte, body string) []byte {
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(event, &ev); err != nil {
		panic(err) // built by proxyEvent
	}
	ev.Body = body
	b, _ := json.Marshal(ev)
	return b
}

// coldCallBody is Flexisip's call announcement (docs/flexisip.md, section 3); a
// second cold start re-posts it: 200, nothing stored twice.
const coldCallBody = `{"id":"c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00","from":"tony@` + domain +
	`","to":"mike@` + domain + `","devices":{"\"<urn:uuid:00000000-0000-0000-0000-000000000001>\"":null},` +
	`"initiated_at":"2024-03-25T10:11:12Z","ended_at":null,"conference_id":null}`

// The ingestion benchmark: Flexisip's sequence (docs/flexisip.md, section 3) for N
// calls, each with two callee devices, and N messages to two recipients;
// the capacity units and authorizer invocations per event as the log
// lines report them; the cost per million events.

// ingestEvent is one request of the sequence and its kind.
type ingestEvent struct {
	kind, method, path, body string
}

// Kinds, in the order of the sequence.
var ingestKinds = []string{
	"POST /statistics/calls", "PATCH call device: ringing", "PATCH call device: invite terminated",
	"PATCH /statistics/calls/{id}: end", "POST /statistics/messages", "PATCH message device",
}

// ingestRoutes are the route-table rows of the kinds.
var ingestRoutes = map[string]string{
	ingestKinds[0]: "POST /api/statistics/calls",
	ingestKinds[1]: "PATCH /api/statistics/calls/{call_id}/devices/{device_id}",
	ingestKinds[2]: "PATCH /api/statistics/calls/{call_id}/devices/{device_id}",
	ingestKinds[3]: "PATCH /api/statistics/calls/{call_id}",
	ingestKinds[4]: "POST /api/statistics/messages",
	ingestKinds[5]: "PATCH /api/statistics/messages/{message_id}/to/{to}/devices/{device_id}",
}

func ingestSequence(i int) []ingestEvent {
	callID := fmt.Sprintf("%064x", 0xca11<<32+i)
	msgID := fmt.Sprintf("%064x", 0x3e55<<32+i)
	d1 := url.PathEscape(fmt.Sprintf(`"<urn:uuid:00000000-0000-4000-8000-%012d>"`, 2*i))
	d2 := url.PathEscape(fmt.Sprintf(`"<urn:uuid:00000000-0000-4000-8000-%012d>"`, 2*i+1))
	at := time.Date(2024, 3, 25, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	ts := func(d time.Duration) string { return at.Add(d).Format(time.RFC3339) }
	return []ingestEvent{
		{ingestKinds[0], "POST", "/api/statistics/calls", `{"id":"` + callID + `","from":"tony@` + domain + `","to":"mike@` + domain +
			`","devices":{"d1":null,"d2":null},"initiated_at":"` + ts(0) + `","ended_at":null,"conference_id":null}`},
		{ingestKinds[1], "PATCH", "/api/statistics/calls/" + callID + "/devices/" + d1, `{"rang_at":"` + ts(time.Second) + `"}`},
		{ingestKinds[1], "PATCH", "/api/statistics/calls/" + callID + "/devices/" + d2, `{"rang_at":"` + ts(time.Second) + `"}`},
		{ingestKinds[2], "PATCH", "/api/statistics/calls/" + callID + "/devices/" + d1, `{"invite_terminated":{"at":"` + ts(5*time.Second) + `","state":"accepted"}}`},
		{ingestKinds[2], "PATCH", "/api/statistics/calls/" + callID + "/devices/" + d2, `{"invite_terminated":{"at":"` + ts(5*time.Second) + `","state":"accepted_elsewhere"}}`},
		{ingestKinds[3], "PATCH", "/api/statistics/calls/" + callID, `{"ended_at":"` + ts(65*time.Second) + `"}`},
		{ingestKinds[4], "POST", "/api/statistics/messages", `{"id":"` + msgID + `","from":"alice@` + domain + `","to":{"bob@` + domain +
			`":{"d1":null},"carol@` + domain + `":{"d2":null}},"sent_at":"` + ts(0) + `","encrypted":false,"conference_id":null}`},
		{ingestKinds[5], "PATCH", "/api/statistics/messages/" + msgID + "/to/bob@" + domain + "/devices/" + d1, `{"last_status":200,"received_at":"` + ts(time.Second) + `"}`},
		{ingestKinds[5], "PATCH", "/api/statistics/messages/" + msgID + "/to/carol@" + domain + "/devices/" + d2, `{"last_status":200,"received_at":"` + ts(time.Second) + `"}`},
	}
}

type ingestKindResult struct {
	kind string
	n    int
	u    units
}

type ingestResult struct {
	calls, events int
	kinds         []*ingestKindResult
	total         units
	took          time.Duration
	err           error
}

// ingestRun says where a replay of the sequence goes: its path prefix
// (FlexiAPI's /api/statistics/ when empty), the first index of its ids
// (each replay stores its own events), and the log lines each event has.
type ingestRun struct {
	prefix string
	offset int
	expect func(reply) expect
}

// runIngest sends the sequence through the REST API.
func runIngest(ctx context.Context, c *apiClient, adminKey string, sink *logSink, n int) *ingestResult {
	return runIngestWith(ctx, c, adminKey, sink, n, ingestRun{expect: allowed})
}

// runIngestWith sends the sequence for n calls (and n messages), one
// call's events in order as Flexisip does, then reads the units from the
// logs.
func runIngestWith(ctx context.Context, c *apiClient, adminKey string, sink *logSink, n int, run ingestRun) *ingestResult {
	res := &ingestResult{calls: n}
	byKind := map[string]*ingestKindResult{}
	for _, k := range ingestKinds {
		kr := &ingestKindResult{kind: k}
		byKind[k] = kr
		res.kinds = append(res.kinds, kr)
	}
	ids := map[string][]expect{}
	var all []expect
	h := map[string]string{"X-Api-Key": adminKey}
	t0 := time.Now()
	for i := 0; i < n; i++ {
		for _, ev := range ingestSequence(run.offset + i) {
			if run.prefix != "" {
				ev.path = run.prefix + strings.TrimPrefix(ev.path, "/api/statistics/")
			}
			r, err := c.do(ctx, ev.method, ev.path, h, ev.body)
			if err == nil && r.status != 200 && r.status != 201 {
				err = fmt.Errorf("%s %s: status %d: %.200s", ev.method, ev.path, r.status, r.body)
			}
			if err != nil {
				res.err = err
				return res
			}
			ids[ev.kind] = append(ids[ev.kind], run.expect(r))
			all = append(all, run.expect(r))
			byKind[ev.kind].n++
			res.events++
		}
	}
	res.took = time.Since(t0)
	if !sink.wait(ctx, all, 30*time.Second) {
		res.err = fmt.Errorf("the log lines of %d events did not all arrive", len(all))
	}
	for k, e := range ids {
		byKind[k].u = sink.units(e)
	}
	res.total = sink.units(all)
	return res
}

// ingestCost prices one event of the measured mix on AWS.
func ingestCost(r *ingestResult, mem map[string]int) costLine {
	ev := float64(r.events)
	k := costKind{name: "Flexisip event (mix of the sequence)", fn: api.GroupStatistics,
		gwRequests: 1, authzCalls: float64(r.total.AuthCalls) / ev, fnCalls: float64(r.total.FnCalls) / ev,
		rcu: (r.total.AuthRCU + r.total.FnRCU) / ev, wcu: (r.total.AuthWCU + r.total.FnWCU) / ev,
		logBytes: float64(r.total.LogBytes) / ev}
	if r.total.AuthCalls > 0 {
		k.authzMS = r.total.AuthBilledMS / float64(r.total.AuthCalls)
	}
	if r.total.FnCalls > 0 {
		k.fnMS = r.total.FnBilledMS / float64(r.total.FnCalls)
	}
	return price(k, mem)
}

func renderIngest(b *strings.Builder, r *ingestResult, mem map[string]int) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## 5. Statistics ingestion (Flexisip)\n\n")
	if r == nil {
		p("Not run.\n\n")
		return
	}
	if r.err != nil {
		p("Failed: %s\n\n", r.err)
		return
	}
	p("Flexisip's sequence (docs/flexisip.md, section 3) for %d calls, each with two callee devices (ringing, one accepts, the other is accepted elsewhere, then the end), "+
		"and %d messages to two recipients (one device each, status 200): %d events, sent one after the other with Flexisip's admin API key, in %s. "+
		"Units as the log lines report them: DynamoDB Local's, asked with `ReturnConsumedCapacity` INDEXES, so that each write's units are split "+
		"into the table's (`wcu` − `wcu_index`: the item, under 1 KB) and the index entries' (`wcu_index`: GSI5 and GSI2 on an announcement, "+
		"GSI5 when an outcome or `ended_at` changes; docs/access-patterns.md, \"Statistics\"), as AWS charges them.\n\n",
		r.calls, r.calls, r.events, r.took.Round(time.Millisecond))
	p("| Event | Events | Authorizer invocations per event | Authorizer RCU per event | Function write requests per event | Function WCU per event | of which table | of which indexes | Function RCU per event |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, k := range r.kinds {
		if k.n == 0 {
			continue
		}
		n := float64(k.n)
		p("| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", k.kind, k.n, num(float64(k.u.AuthCalls)/n), num(k.u.AuthRCU/n),
			num(float64(k.u.FnCalls)/n), num(k.u.FnWCU/n), num(k.u.FnTableWCU/n), num(k.u.FnIndexWCU/n), num(k.u.FnRCU/n))
	}
	ev := float64(r.events)
	p("| **all** | %d | %s | %s | %s | %s | %s | %s | %s |\n\n", r.events, num(float64(r.total.AuthCalls)/ev), num(r.total.AuthRCU/ev),
		num(float64(r.total.FnCalls)/ev), num(r.total.FnWCU/ev), num(r.total.FnTableWCU/ev), num(r.total.FnIndexWCU/ev), num(r.total.FnRCU/ev))
	p("Acceptance lines (every event, not the mean):\n\n| What | Measured | Limit | Verdict |\n|---|---|---|---|\n")
	for _, l := range ingestBudgets(r) {
		m := l.measured
		if l.na != "" {
			m = l.na
		}
		p("| %s | %s | %s | %s |\n", l.what, m, l.limit, l.verdict())
	}
	p("\n")
	l := ingestCost(r, mem)
	p("Cost per million events on AWS (prices of section 4): API Gateway %s, Lambda requests %s, Lambda GB-s %s, DynamoDB %s, WAF %s: **%s** "+
		"(logs apart: %s).\n\n", usd(l.gateway), usd(l.lambdaReq), usd(l.lambdaGBs), usd(l.dynamo), usd(l.waf), usd(l.total), usd(l.logs))
	p("FlexiAPI stores each event with one SQL statement (an INSERT, or an upsert for a device), after its API-key SELECT and `last_used_at` UPDATE, " +
		"on the operator's own server: its cost is that server's, fixed whatever the traffic, not a price per event. Here the per-event price is mostly " +
		"API Gateway and the authorizer's invocation (no cache: see docs/compatibility.md, \"Statistics\"), not DynamoDB.\n\n")
}

// ingestOnly is `go run ./cmd/bench -only-ingest`: the gateway on the
// emulators and the ingestion benchmark alone, printed, no document.
func ingestOnly(ctx context.Context, bins *binaries, dep *deployment, f *fixtures, opts options) error {
	sink := newLogSink()
	warnings := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	gw, err := devstack.NewGateway(devstack.GatewayOptions{Bootstraps: bins.local, Env: dep.fnEnv, Logger: warnings, Output: sink})
	if err != nil {
		return err
	}
	defer gw.Close()
	gwURL, stopServer, err := serve(gw)
	if err != nil {
		return err
	}
	defer stopServer()
	client := newAPIClient(gwURL, 1)
	defer client.close()
	// The key's last use is written at most once a minute: prime it.
	if _, err := client.do(ctx, "GET", "/api/accounts/me", map[string]string{"X-Api-Key": f.admin.Key}, ""); err != nil {
		return err
	}
	progress(fmt.Sprintf("statistics ingestion (%d calls and messages)", opts.ingestCalls))
	res := runIngest(ctx, client, f.admin.Key, sink, opts.ingestCalls)
	if res.err != nil {
		return res.err
	}
	m := machineRun(ctx, gw, dep, f, sink, opts.ingestCalls, sipChecks(opts))
	mem, _ := memorySizes()
	var b strings.Builder
	renderIngest(&b, res, mem)
	renderMachine(&b, res, m, mem)
	for _, l := range machineBudgets(res, m, mem) {
		fmt.Fprintf(&b, "%s: %s %s (limit %s)\n", l.verdict(), l.what, l.measured+l.na, l.limit)
	}
	fmt.Print(b.String())
	return nil
}

// ingestOK says whether the ingestion ran and logged every event.
func ingestOK(r *ingestResult) bool {
	return r != nil && r.err == nil && r.events > 0
}

// ingestMeasured says whether a route of the table is one the ingestion
// measured (section 5), so section 3 does not call it unmeasured.
func ingestMeasured(r *ingestResult, routeID string) bool {
	if !ingestOK(r) {
		return false
	}
	for _, id := range ingestRoutes {
		if id == routeID {
			return true
		}
	}
	return false
}

// ingestBudgets are the acceptance's lines (each event: 1 write unit on
// the table, at most 1 read unit to authenticate), about every event,
// not the mean; the index units are shown beside, with no limit: they are
// what the no-scan read-back (GSI5) and the deletion by sender (GSI2)
// cost.
func ingestBudgets(r *ingestResult) []budgetLine {
	table := budgetLine{what: "statistics event: table write units per event (function)", limit: "≤ 1 WCU"}
	index := budgetLine{what: "statistics event: index write units per event (GSI5, GSI2; beside the table's)", limit: "–", info: true}
	authz := budgetLine{what: "statistics event: authentication read units per event (authorizer)", limit: "≤ 1 RCU"}
	lines := []*budgetLine{&table, &index, &authz}
	out := func() []budgetLine {
		var o []budgetLine
		for _, l := range lines {
			o = append(o, *l)
		}
		return o
	}
	switch {
	case r == nil:
		for _, l := range lines {
			l.na = "not run"
		}
		return out()
	case r.err != nil || r.events == 0:
		for _, l := range lines {
			l.na = fmt.Sprintf("ingestion failed: %v", r.err)
		}
		return out()
	}
	u, ev := r.total, float64(r.events)
	if u.FnUnsplit > 0 || u.FnCalls != r.events {
		table.na = fmt.Sprintf("%d of %d function lines without wcu_index", u.FnUnsplit+r.events-u.FnCalls, r.events)
		index.na = table.na
	} else {
		table.measured = fmt.Sprintf("%s WCU at most, %s on average (%d events of Flexisip's sequence, section 5)", num(u.FnTableWCUMax), num(u.FnTableWCU/ev), r.events)
		table.pass = u.FnTableWCUMax <= 1
		var kinds []string
		for _, k := range r.kinds {
			if k.n > 0 {
				kinds = append(kinds, k.kind+" "+num(k.u.FnIndexWCU/float64(k.n)))
			}
		}
		index.measured = fmt.Sprintf("%s WCU on average (%s)", num(u.FnIndexWCU/ev), strings.Join(kinds, ", "))
	}
	if u.AuthCalls != r.events {
		authz.na = fmt.Sprintf("%d authorizer decisions for %d events", u.AuthCalls, r.events)
	} else {
		authz.measured = fmt.Sprintf("%s RCU at most, %s on average; %s WCU on average", num(u.AuthRCUMax), num(u.AuthRCU/ev), num(u.AuthWCU/ev))
		authz.pass = u.AuthRCUMax <= 1
	}
	return out()
}

// renderIngestCapacity writes section 3's rows of the ingestion routes,
// from the ingestion run (one row per kind of event).
func renderIngestCapacity(b *strings.Builder, r *ingestResult) {
	if !ingestOK(r) {
		fmt.Fprintf(b, "| statistics ingestion routes | Flexisip's sequence | API key | – | not measured: see section 5 | | | | | |\n")
		return
	}
	am := authMinimums[authAPIKey]
	for _, k := range r.kinds {
		if k.n == 0 {
			continue
		}
		n := float64(k.n)
		u := k.u
		fmt.Fprintf(b, "| %s | %s, %d in Flexisip's sequence (section 5) | %s | 200 or 201 | %s / %s | %s / %s | %s / %s (table %s, indexes %s) | 0 / 1 (table) | %s | "+
			"one write request, no read: the item (under 1 KB) on the table; index entries only where the read-back (GSI5) or the deletion by sender (GSI2) needs them |\n",
			ingestRoutes[k.kind], k.kind, k.n, authAPIKey, num(u.AuthRCU/n), num(u.AuthWCU/n), num(am.RCU), num(am.WCU),
			num(u.FnRCU/n), num(u.FnWCU/n), num(u.FnTableWCU/n), num(u.FnIndexWCU/n),
			excess(u.AuthRCU/n-am.RCU, u.AuthWCU/n-am.WCU, u.FnRCU/n, u.FnTableWCU/n-1)+indexNote(u.FnIndexWCU/n))
	}
}

func indexNote(index float64) string {
	if index <= 1e-9 {
		return ""
	}
	return "; index entries " + num(index) + " WCU"
}
