package importer

import (
	"context"
	"fmt"
	"strings"
)

// accountIndex is every account in the table after the account phase
// (imported or already there), with its domain: the links need both ends
// there, and list memberships are counted by domain. Domains are few, so
// an account costs a map entry and a small index.
type accountIndex struct {
	ids     map[int64]uint32
	domains []string
	byName  map[string]uint32
}

func newAccountIndex() *accountIndex {
	return &accountIndex{ids: map[int64]uint32{}, byName: map[string]uint32{}}
}

func (x *accountIndex) add(id int64, domain string) {
	d := strings.ToLower(domain)
	i, ok := x.byName[d]
	if !ok {
		i = uint32(len(x.domains))
		x.domains = append(x.domains, d)
		x.byName[d] = i
	}
	x.ids[id] = i
}

func (x *accountIndex) domain(id int64) (string, bool) {
	i, ok := x.ids[id]
	if !ok {
		return "", false
	}
	return x.domains[i], true
}

// importLinks brings a pivot table whose two ends are in the table; a row
// with an end that is not (a listed account or list) is listed too.
func (r *run) importLinks(table LinkTable) func(context.Context) error {
	return func(ctx context.Context) error {
		name := string(table)
		after := Link{}
		for {
			page, err := r.src.Links(ctx, table, after, r.o.PageSize)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				return nil
			}
			after = page[len(page)-1]
			var links []TargetLink
			for _, l := range page {
				domain, ok := r.accounts.domain(l.Account)
				why := ""
				switch {
				case !ok:
					why = fmt.Sprintf("account %d is not in the table (see accounts)", l.Account)
				case table == Contacts:
					if _, ok := r.accounts.domain(l.Other); !ok {
						why = fmt.Sprintf("account %d is not in the table (see accounts)", l.Other)
					}
				case !r.lists[l.Other]:
					why = fmt.Sprintf("contacts list %d is not in the table (see contacts_lists)", l.Other)
				}
				if why != "" {
					r.listed(Listed{Table: name, Key: linkKey(table, l), Reason: why})
					continue
				}
				links = append(links, TargetLink{Link: l, Domain: domain})
			}
			if len(links) > 0 {
				res, err := r.dst.ImportLinks(ctx, table, links, r.wo)
				if err != nil {
					return fmt.Errorf("import %s: %w", name, err)
				}
				for i, l := range links {
					r.tally(name, res[i], linkKey(table, l.Link))
				}
			}
			r.progress(name, name)
		}
	}
}

func (r *run) importTombstones(ctx context.Context) error {
	after := int64(0)
	for {
		page, err := r.src.Tombstones(ctx, after, r.o.PageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].ID
		now := r.o.Now()
		var ts []TargetTombstone
		var keys []string
		for _, t := range page {
			key := fmt.Sprintf("id=%d", t.ID)
			if t.Username == "" || t.Domain == "" {
				r.listed(Listed{"accounts_tombstones", key, "an empty username or domain reserves nothing"})
				continue
			}
			tt, expired := mapTombstone(t, r.set, now)
			if expired { // past ACCOUNT_TOMBSTONE_DAYS: it reserves nothing any more
				r.rep.Counts["accounts_tombstones"].Skipped++
				continue
			}
			ts = append(ts, tt)
			keys = append(keys, key)
		}
		if len(ts) > 0 {
			res, err := r.dst.ImportTombstones(ctx, ts, r.wo)
			if err != nil {
				return fmt.Errorf("import tombstones: %w", err)
			}
			for i := range ts {
				r.tally("accounts_tombstones", res[i], keys[i])
			}
		}
		r.progress("tombstones", "accounts_tombstones")
	}
}

// importMessages and importCalls bring the statistics with their devices
// (each event is one item, its devices go with it). An event past
// STATISTICS_RETENTION_DAYS is not brought: the TTL would remove it.
func (r *run) importMessages(ctx context.Context) error {
	after := ""
	for {
		page, err := r.src.Messages(ctx, after, r.o.PageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].ID
		now := r.o.Now()
		var ms []StatsMessage
		for _, src := range page {
			m, expired := mapMessage(src, r.set, now)
			if expired {
				r.rep.Counts["statistics_messages"].Skipped++
				r.rep.Counts["statistics_message_devices"].Skipped += int64(len(src.Devices))
				continue
			}
			ms = append(ms, m)
		}
		if len(ms) > 0 {
			res, err := r.dst.ImportMessages(ctx, ms, r.wo)
			if err != nil {
				return fmt.Errorf("import statistics messages: %w", err)
			}
			for i, m := range ms {
				r.tally("statistics_messages", res[i], "id="+m.Message.ID)
				r.tallyDevices("statistics_message_devices", res[i], len(m.Devices))
			}
		}
		r.progress("statistics messages", "statistics_messages")
	}
}

func (r *run) importCalls(ctx context.Context) error {
	after := ""
	for {
		page, err := r.src.Calls(ctx, after, r.o.PageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].ID
		now := r.o.Now()
		var cs []StatsCall
		for _, src := range page {
			c, expired := mapCall(src, r.set, now)
			if expired {
				r.rep.Counts["statistics_calls"].Skipped++
				r.rep.Counts["statistics_call_devices"].Skipped += int64(len(src.Devices))
				continue
			}
			cs = append(cs, c)
		}
		if len(cs) > 0 {
			res, err := r.dst.ImportCalls(ctx, cs, r.wo)
			if err != nil {
				return fmt.Errorf("import statistics calls: %w", err)
			}
			for i, c := range cs {
				r.tally("statistics_calls", res[i], "id="+c.Call.ID)
				r.tallyDevices("statistics_call_devices", res[i], len(c.Devices))
			}
		}
		r.progress("statistics calls", "statistics_calls")
	}
}

// tallyDevices counts an event's devices with their event.
func (r *run) tallyDevices(table string, res Result, n int) {
	c := r.rep.Counts[table]
	switch res.Status {
	case New:
		c.New += int64(n)
	case Existing:
		c.Existing += int64(n)
	default:
		c.Listed += int64(n)
	}
}
