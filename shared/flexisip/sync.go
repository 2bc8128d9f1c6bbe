package flexisip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Source reads the current state of an account (strongly consistent);
// account.ErrNotFound when it does not exist (deleted).
type Source interface {
	AccountByID(ctx context.Context, id int64) (*account.Account, error)
}

// Target is Flexisip's database.
type Target interface {
	// Apply makes the database hold exactly p for account id (nil: no row
	// at all), in one transaction, idempotently. Rows of other accounts
	// that hold p's username and domain, or p's alias, are removed first
	// (their accounts changed meanwhile, and their own changes are still on
	// their way); their ids are returned so that they are synced again.
	Apply(ctx context.Context, id int64, p *Projection) (evicted []int64, err error)
	// Read returns the projections held for the accounts with
	// after < id <= through (through 0: no upper bound).
	Read(ctx context.Context, after, through int64) (map[int64]*Projection, error)
}

// ErrUnavailable wraps a Target error that means the database cannot be
// reached (down, refusing connections, timing out): the change is retried
// rather than given up.
var ErrUnavailable = errors.New("flexisip database unavailable")

// Change is one write of an account as the table's stream carries it:
// the account before and after (nil when absent).
type Change struct {
	AccountID int64
	Old, New  *account.Account
}

// Syncer keeps the Target in step with the Source.
type Syncer struct {
	Source Source
	Target Target
	// AliasDomain is the domain of every alias row (APP_SIP_DOMAIN).
	AliasDomain string
	Logger      *slog.Logger
	// Now and Sleep are the clock (tests replace them).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Syncer) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (s *Syncer) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Relevant reports whether a change can alter what Flexisip sees: most
// writes of an account (its dictionary, types, pending changes...) do not.
func (s *Syncer) Relevant(c Change) bool {
	var before, after *Projection
	if c.Old != nil {
		before = Project(c.Old, s.AliasDomain)
	}
	if c.New != nil {
		after = Project(c.New, s.AliasDomain)
	}
	return !Equal(before, after)
}

// maxEvictionDepth bounds the chain of accounts synced again because their
// rows held a name another account now holds. A chain longer than this
// means two current accounts collide under the database's collation.
const maxEvictionDepth = 4

// Sync makes the Target hold the current state of account id: it reads
// the account (a change carries the state at its time; the current state
// is what must be visible, and reading it makes redelivery and order
// between accounts harmless), writes it, and syncs again the accounts
// whose rows it displaced.
func (s *Syncer) Sync(ctx context.Context, id int64) (applied int, err error) {
	return s.sync(ctx, id, 0, []int64{id})
}

func (s *Syncer) sync(ctx context.Context, id int64, depth int, chain []int64) (int, error) {
	a, err := s.Source.AccountByID(ctx, id)
	var p *Projection
	switch {
	case errors.Is(err, account.ErrNotFound):
	case err != nil:
		return 0, fmt.Errorf("read account %d: %w", id, err)
	default:
		p = Project(a, s.AliasDomain)
		if err := p.Check(); err != nil {
			return 0, err
		}
	}
	evicted, err := s.Target.Apply(ctx, id, p)
	if err != nil {
		return 0, fmt.Errorf("write account %d: %w", id, err)
	}
	applied := 1
	for _, other := range evicted {
		if depth+1 >= maxEvictionDepth || slices.Contains(chain, other) {
			return applied, fmt.Errorf("accounts %d and %d both hold the same username or phone in Flexisip's tables "+
				"(they differ only by case or accents, which the utf8mb4_unicode_ci collation does not tell apart): rename one", id, other)
		}
		n, err := s.sync(ctx, other, depth+1, append(chain, other))
		applied += n
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// Outcome is what SyncChanges did with a batch.
type Outcome struct {
	// Failed is the index of the first change not synced (-1: all were).
	// Changes after it were not attempted, or will be retried anyway.
	Failed int
	Err    error
	// Accounts synced, and changes skipped as not relevant.
	Synced, Skipped int
}

// SyncChanges syncs a batch of changes in order. Changes of one account
// collapse into one sync (the current state covers them all). It stops at
// the first account that fails. While the database is unavailable it
// waits and tries again, until ctx's deadline is near (keep lets the
// caller answer before its own deadline): an outage delays the batch, and
// the caller's retries carry it further.
func (s *Syncer) SyncChanges(ctx context.Context, changes []Change, keep time.Duration) Outcome {
	out := Outcome{Failed: -1}
	done := map[int64]bool{}
	for i, c := range changes {
		if done[c.AccountID] {
			continue
		}
		relevant := false
		for _, later := range changes[i:] {
			if later.AccountID == c.AccountID && s.Relevant(later) {
				relevant = true
				break
			}
		}
		done[c.AccountID] = true
		if !relevant {
			out.Skipped++
			continue
		}
		if err := s.syncPatiently(ctx, c.AccountID, keep); err != nil {
			out.Failed, out.Err = i, err
			return out
		}
		out.Synced++
	}
	return out
}

// syncPatiently retries Sync while the database is unavailable, with a
// growing pause, as long as ctx leaves more than keep.
func (s *Syncer) syncPatiently(ctx context.Context, id int64, keep time.Duration) error {
	pause := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		_, err := s.Sync(ctx, id)
		if err == nil || !errors.Is(err, ErrUnavailable) {
			return err
		}
		deadline, ok := ctx.Deadline()
		if !ok || deadline.Sub(s.now()) < keep+pause {
			return err
		}
		if attempt == 1 || attempt%10 == 0 {
			s.log().Warn("flexisip database unavailable, waiting", "account_id", id, "attempt", attempt, "error", err.Error())
		}
		if err := s.sleep(ctx, pause); err != nil {
			return err
		}
		pause = min(pause*2, 5*time.Second)
	}
}
