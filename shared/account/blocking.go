package account

import (
	"context"
	"log/slog"
	"time"
)

// abuseEvents returns the account's events still inside the
// BlockingService window (BLOCKING_TIME_PERIOD_CHECK), oldest first.
func (s *Service) abuseEvents(a *Account, now time.Time) []time.Time {
	since := now.Add(-s.cfg.BlockingPeriod)
	var out []time.Time
	for _, t := range a.AbuseEvents {
		if t.After(since) {
			out = append(out, t)
		}
	}
	return out
}

// checkBlocking is FlexiAPI's BlockingService (automatic blocking), run
// by the phone and email change requests on the account they already
// read: the events of the window (each new phone or email change code) plus
// one when the account was updated within it. At the limit the account is
// blocked for good (an admin unblocks it) and the request is refused.
func (s *Service) checkBlocking(ctx context.Context, a *Account) error {
	if a.Blocked {
		return ErrAccountBlocked
	}
	limit := s.cfg.BlockingEvents
	if limit <= 0 {
		return nil
	}
	now := s.Now()
	count := len(s.abuseEvents(a, now))
	if a.UpdatedAt.After(now.Add(-s.cfg.BlockingPeriod)) {
		count++
	}
	if count < limit {
		return nil
	}
	blocked := true
	if _, err := s.store.SetAccountFlags(ctx, a, nil, &blocked, now); err != nil {
		return err
	}
	slog.WarnContext(ctx, "account blocked by the blocking service", "account_id", a.ID, "events", count)
	return ErrAccountBlocked
}
