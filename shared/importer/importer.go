package importer

import (
	"context"
	"fmt"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/resource"
)

// Options control a run.
type Options struct {
	// DryRun reads both sides and reports what a run would do, writing
	// nothing.
	DryRun bool
	// WithStatistics also brings the statistics tables.
	WithStatistics bool
	// PageSize is how many rows one page reads (default 500).
	PageSize int
	// Workers bounds the concurrent table requests (default 8).
	Workers int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Progress is told where the run is after each page.
	Progress func(Progress)
}

// Progress is where a run is: a phase, its rows done of the source's
// total, and what became of them so far.
type Progress struct {
	Phase                 string
	Done, Total           int64
	New, Existing, Listed int64
	Elapsed               time.Duration
}

// counters are the id counters the API allocates from, and the FlexiAPI
// table whose ids they continue.
var counters = []struct{ counter, table string }{
	{"account_id", "accounts"}, {"type_id", "account_types"},
	{"contacts_list_id", "contacts_lists"}, {"action_id", "account_actions"},
}

// Run imports src into dst. It checks the target table first and raises
// the id counters before anything else is written; it then brings the
// account types and contacts lists, the accounts page by page, the links
// between them, the tombstones and (WithStatistics) the statistics. A run
// after an interrupted or complete one writes only what is missing.
func Run(ctx context.Context, src Source, dst Target, set Settings, o Options) (*Report, error) {
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = func(Progress) {}
	}
	start := o.Now()
	if err := dst.CheckTable(ctx); err != nil {
		return nil, err
	}
	rows, err := src.Rows(ctx)
	if err != nil {
		return nil, err
	}
	maxIDs, err := src.MaxIDs(ctx)
	if err != nil {
		return nil, err
	}
	run := &run{src: src, dst: dst, set: set, o: o, start: start, rep: newReport(rows, o),
		wo:    WriteOptions{DryRun: o.DryRun, EmailUnique: set.EmailUnique, Workers: o.Workers},
		types: map[int64]string{}, lists: map[int64]bool{}, accounts: newAccountIndex()}
	if !o.DryRun {
		for _, c := range counters {
			if err := dst.RaiseCounter(ctx, c.counter, maxIDs[c.table]); err != nil {
				return nil, fmt.Errorf("raise the %s counter: %w", c.counter, err)
			}
		}
	}
	steps := []func(context.Context) error{run.importTypes, run.importLists, run.importAccounts,
		run.importLinks(Contacts), run.importLinks(AttachedLists), run.importLinks(ListMemberships), run.importTombstones}
	if o.WithStatistics {
		steps = append(steps, run.importMessages, run.importCalls)
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	run.rep.Elapsed = o.Now().Sub(start)
	return run.rep, nil
}

type run struct {
	src   Source
	dst   Target
	set   Settings
	o     Options
	wo    WriteOptions
	start time.Time
	rep   *Report
	// What is in the table after the run: types (id → key), lists, and
	// accounts (with their domains, which list memberships count by).
	types    map[int64]string
	lists    map[int64]bool
	accounts *accountIndex
}

func (r *run) progress(phase, table string) {
	c := r.rep.Counts[table]
	r.o.Progress(Progress{Phase: phase, Done: c.New + c.Existing + c.Listed + c.Skipped, Total: c.Source,
		New: c.New, Existing: c.Existing, Listed: c.Listed, Elapsed: r.o.Now().Sub(r.start)})
}

// tally records one thing's outcome in a table's counts.
func (r *run) tally(table string, res Result, key string) {
	c := r.rep.Counts[table]
	switch res.Status {
	case New:
		c.New++
	case Existing:
		c.Existing++
	default:
		c.Listed++
		r.rep.Listed = append(r.rep.Listed, Listed{Table: table, Key: key, Reason: res.Reason})
	}
}

func (r *run) listed(l Listed) {
	r.rep.Counts[l.Table].Listed++
	r.rep.Listed = append(r.rep.Listed, l)
}

func (r *run) importTypes(ctx context.Context) error {
	src, err := r.src.AccountTypes(ctx)
	if err != nil {
		return err
	}
	now := r.o.Now()
	types := make([]resource.AccountType, 0, len(src))
	for _, t := range src {
		types = append(types, mapType(t, now))
	}
	res, err := r.dst.ImportTypes(ctx, types, r.wo)
	if err != nil {
		return fmt.Errorf("import account types: %w", err)
	}
	for i, t := range types {
		r.tally("account_types", res[i], fmt.Sprintf("id=%d", t.ID))
		if res[i].Status != Conflict {
			r.types[t.ID] = t.Key
		}
	}
	r.progress("account types", "account_types")
	return nil
}

func (r *run) importLists(ctx context.Context) error {
	src, err := r.src.ContactsLists(ctx)
	if err != nil {
		return err
	}
	now := r.o.Now()
	lists := make([]resource.ContactsList, 0, len(src))
	for _, l := range src {
		lists = append(lists, mapList(l, now))
	}
	res, err := r.dst.ImportLists(ctx, lists, r.wo)
	if err != nil {
		return fmt.Errorf("import contacts lists: %w", err)
	}
	for i, l := range lists {
		r.tally("contacts_lists", res[i], fmt.Sprintf("id=%d", l.ID))
		if res[i].Status != Conflict {
			r.lists[l.ID] = true
		}
	}
	r.progress("contacts lists", "contacts_lists")
	return nil
}

// importAccounts reads the next page while the current one is written.
func (r *run) importAccounts(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan []Account, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(pages)
		after := int64(0)
		for {
			page, err := r.src.Accounts(ctx, after, r.o.PageSize)
			if err != nil {
				readErr <- err
				return
			}
			if len(page) == 0 {
				return
			}
			select {
			case pages <- page:
			case <-ctx.Done():
				return
			}
			after = page[len(page)-1].ID
		}
	}()
	for page := range pages {
		if err := r.accountPage(ctx, page); err != nil {
			return err
		}
		r.progress("accounts", "accounts")
	}
	select {
	case err := <-readErr:
		return err
	default:
		return ctx.Err()
	}
}

func (r *run) accountPage(ctx context.Context, page []Account) error {
	now := r.o.Now()
	var imps []AccountImport
	var ms []*mapped
	for i := range page {
		src := &page[i]
		m := mapAccount(src, r.set, r.types, now)
		for _, l := range m.listed {
			r.listed(l)
		}
		if m.imp.Account == nil { // listed as a whole: so are its rows
			for t, n := range rowsOf(src) {
				r.rep.Counts[t].Listed += int64(n)
			}
			continue
		}
		imps = append(imps, m.imp)
		ms = append(ms, m)
	}
	if len(imps) == 0 {
		return nil
	}
	results, err := r.dst.ImportAccounts(ctx, imps, r.wo)
	if err != nil {
		return fmt.Errorf("import accounts %d to %d: %w", page[0].ID, page[len(page)-1].ID, err)
	}
	for i, res := range results {
		m, a := ms[i], ms[i].imp.Account
		for _, d := range res.Dropped {
			if l, ok := m.drop(d); ok {
				r.listed(l)
			}
		}
		r.tally("accounts", res.Result, fmt.Sprintf("id=%d", a.ID))
		for t, n := range m.carried {
			c := r.rep.Counts[t]
			switch res.Status {
			case New:
				c.New += int64(n)
			case Existing:
				c.Existing += int64(n)
			default:
				c.Listed += int64(n) // with their account
			}
		}
		for t, n := range m.skipped {
			r.rep.Counts[t].Skipped += int64(n)
		}
		r.rep.Notes = append(r.rep.Notes, m.notes...)
		if res.Status == Conflict {
			continue
		}
		r.accounts.add(a.ID, a.Domain)
		if res.Status == New {
			r.rep.Converted += m.converted
			if m.keyExpired {
				r.rep.ExpiredKeys++
			}
		}
		if res.KeyRefreshed {
			r.rep.KeysRefreshed++
		}
	}
	return nil
}
