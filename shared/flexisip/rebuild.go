package flexisip

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Lister pages through every account of the table by ascending id.
type Lister interface {
	// AccountsAfter returns up to limit accounts whose id is above after,
	// in id order; fewer than limit means there are no more.
	AccountsAfter(ctx context.Context, after int64, limit int) ([]*account.Account, error)
}

// Drift is one account whose rows differ from what they should be.
type Drift struct {
	AccountID int64
	// Kind: "missing" (no row, the account exists), "extra" (rows, no
	// account), "changed" (Columns differ).
	Kind    string
	Columns []string
	// Fixed is false in a dry run, or when the fix failed (Err).
	Fixed bool
	Err   error
}

func (d Drift) String() string {
	s := fmt.Sprintf("account %d: %s", d.AccountID, d.Kind)
	if len(d.Columns) > 0 {
		s += " (" + strings.Join(d.Columns, ", ") + ")"
	}
	switch {
	case d.Err != nil:
		s += ": not fixed: " + d.Err.Error()
	case d.Fixed:
		s += ": fixed"
	}
	return s
}

// Report sums up a rebuild.
type Report struct {
	Checked                 int // accounts of the table
	Missing, Changed, Extra int
	Fixed, Failed           int
}

// Drifted is the number of accounts found out of step.
func (r Report) Drifted() int { return r.Missing + r.Changed + r.Extra }

// Rebuild reconciles the Target with the whole table, page by page: each
// account's rows are compared with its projection, rows of accounts that
// no longer exist are found by id range, and each drift is fixed through
// Sync (which reads the account again, so a change landing meanwhile is
// not undone) unless dryRun. onDrift sees every drift as it is handled.
func (s *Syncer) Rebuild(ctx context.Context, lister Lister, pageSize int, dryRun bool, onDrift func(Drift)) (Report, error) {
	var rep Report
	if pageSize <= 0 {
		pageSize = 200
	}
	handle := func(d Drift) {
		switch d.Kind {
		case "missing":
			rep.Missing++
		case "changed":
			rep.Changed++
		case "extra":
			rep.Extra++
		}
		if !dryRun {
			if _, err := s.Sync(ctx, d.AccountID); err != nil {
				d.Err = err
				rep.Failed++
			} else {
				d.Fixed = true
				rep.Fixed++
			}
		}
		if onDrift != nil {
			onDrift(d)
		}
	}
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		page, err := lister.AccountsAfter(ctx, after, pageSize)
		if err != nil {
			return rep, fmt.Errorf("list accounts after %d: %w", after, err)
		}
		last := len(page) < pageSize
		var through int64 // 0: the last page reaches every higher id
		if !last {
			through = page[len(page)-1].ID
		}
		held, err := s.Target.Read(ctx, after, through)
		if err != nil {
			return rep, fmt.Errorf("read Flexisip's rows after id %d: %w", after, err)
		}
		for _, a := range page {
			rep.Checked++
			want := Project(a, s.AliasDomain)
			have, ok := held[a.ID]
			delete(held, a.ID)
			switch {
			case !ok:
				handle(Drift{AccountID: a.ID, Kind: "missing"})
			default:
				if cols := Differences(have, want); len(cols) > 0 {
					handle(Drift{AccountID: a.ID, Kind: "changed", Columns: cols})
				}
			}
		}
		// Rows in this id range whose account is not on the page: deleted
		// accounts, or one created since the page was read (Sync reads it
		// again, so it is written back rather than removed).
		for _, id := range sortedIDs(held) {
			if _, err := s.Source.AccountByID(ctx, id); err == nil {
				continue // it exists: created after the page was read
			} else if !errors.Is(err, account.ErrNotFound) {
				return rep, fmt.Errorf("read account %d: %w", id, err)
			}
			handle(Drift{AccountID: id, Kind: "extra"})
		}
		if last {
			return rep, nil
		}
		after = through
	}
}

func sortedIDs(m map[int64]*Projection) []int64 { return slices.Sorted(maps.Keys(m)) }
