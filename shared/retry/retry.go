// Package retry re-runs a read-then-conditional-write that lost a race
// with a concurrent writer: each round lets one writer through, so the
// others read again and retry after a jittered, growing pause, until they
// win, fail otherwise, run out of attempts or their context ends.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Policy bounds the retries: at most Attempts runs, the pause before run
// n (from the second) drawn in [0, min(Max, Base·2^(n-2))].
type Policy struct {
	Attempts int
	Base     time.Duration
	Max      time.Duration
}

// Default allows for a burst of about twenty concurrent writers of one
// item (an admin script, a phone re-requested from several devices), in
// at most about two seconds of pauses.
var Default = Policy{Attempts: 24, Base: 5 * time.Millisecond, Max: 100 * time.Millisecond}

// OnConflict runs f under the Default policy (see Policy.Do).
func OnConflict(ctx context.Context, conflict error, f func() error) error {
	return Default.Do(ctx, conflict, f)
}

// Do runs f until it returns anything but an error matching conflict
// (errors.Is), and returns that. After the last attempt it returns the
// conflict; when ctx ends during a pause, ctx's error.
func (p Policy) Do(ctx context.Context, conflict error, f func() error) error {
	var err error
	for attempt := 0; attempt < p.Attempts; attempt++ {
		if attempt > 0 {
			if werr := p.pause(ctx, attempt); werr != nil {
				return werr
			}
		}
		if err = f(); !errors.Is(err, conflict) {
			return err
		}
	}
	return err
}

// pause waits before the attempt-th retry (attempt ≥ 1).
func (p Policy) pause(ctx context.Context, attempt int) error {
	ceiling := p.ceiling(attempt)
	if ceiling <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(rand.N(ceiling + 1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ceiling is the longest pause before the attempt-th retry: Base doubled
// each retry, up to Max.
func (p Policy) ceiling(attempt int) time.Duration {
	if shift := attempt - 1; shift < 30 && p.Base<<shift < p.Max {
		return p.Base << shift
	}
	return p.Max
}
