package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

var errConflict = errors.New("changed concurrently")

var quick = Policy{Attempts: 5, Base: time.Microsecond, Max: 10 * time.Microsecond}

func TestRetriesConflictsUntilSuccess(t *testing.T) {
	runs := 0
	err := quick.Do(context.Background(), errConflict, func() error {
		runs++
		if runs < 3 {
			return errConflict
		}
		return nil
	})
	if err != nil || runs != 3 {
		t.Fatalf("err %v after %d runs, want nil after 3", err, runs)
	}
}

func TestOtherErrorsAreNotRetried(t *testing.T) {
	other := errors.New("not found")
	runs := 0
	err := quick.Do(context.Background(), errConflict, func() error { runs++; return other })
	if !errors.Is(err, other) || runs != 1 {
		t.Fatalf("err %v after %d runs", err, runs)
	}
}

// A wrapped conflict is a conflict; after the last attempt it is returned.
func TestGivesUpAfterTheAttempts(t *testing.T) {
	runs := 0
	err := quick.Do(context.Background(), errConflict, func() error {
		runs++
		return errors.Join(errors.New("update account 7"), errConflict)
	})
	if !errors.Is(err, errConflict) || runs != quick.Attempts {
		t.Fatalf("err %v after %d runs, want the conflict after %d", err, runs, quick.Attempts)
	}
}

// An ended context stops the retries at the next pause.
func TestHonoursTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	slow := Policy{Attempts: 10, Base: time.Hour, Max: time.Hour}
	err := slow.Do(ctx, errConflict, func() error {
		runs++
		cancel()
		return errConflict
	})
	if !errors.Is(err, context.Canceled) || runs != 1 {
		t.Fatalf("err %v after %d runs, want context.Canceled after 1", err, runs)
	}
}

// The pauses grow from Base to Max and stay there.
func TestPauseCeilings(t *testing.T) {
	p := Policy{Base: 4 * time.Millisecond, Max: 20 * time.Millisecond}
	for attempt, want := range map[int]time.Duration{1: 4 * time.Millisecond, 2: 8 * time.Millisecond,
		3: 16 * time.Millisecond, 4: 20 * time.Millisecond, 40: 20 * time.Millisecond} {
		if got := p.ceiling(attempt); got != want {
			t.Errorf("attempt %d: ceiling %s, want %s", attempt, got, want)
		}
	}
	if d := Default.ceiling(Default.Attempts); d != Default.Max {
		t.Errorf("the default's last pause is at most %s, want %s", d, Default.Max)
	}
}
