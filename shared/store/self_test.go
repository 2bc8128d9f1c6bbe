//go:build integration

package store_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

func TestSMSQuotaIsAtomic(t *testing.T) {
	st := testenv.Table(t)
	hour := time.Now().UTC().Truncate(time.Hour)
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch err := st.TakeSMSQuota(ctx, "+33600000001", hour, 5); {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, account.ErrSMSQuota):
				refused.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 5 || refused.Load() != 7 {
		t.Fatalf("%d taken, %d refused; want 5 and 7", ok.Load(), refused.Load())
	}
	// Another number, another hour: their own quota.
	if err := st.TakeSMSQuota(ctx, "+33600000002", hour, 5); err != nil {
		t.Fatal(err)
	}
	if err := st.TakeSMSQuota(ctx, "+33600000001", hour.Add(time.Hour), 5); err != nil {
		t.Fatal(err)
	}
}

func TestPendingChangeAndConfirmation(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "changer", "sip.example.org")
	a.Phone = sp("+33611111111")
	if err := st.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	ch := &account.PendingChange{Value: "+33622222222", Code: "1234", IP: "192.0.2.1", CreatedAt: now, UpdatedAt: now}
	if err := st.SetPendingChange(ctx, a, account.ChangePhone, ch, []time.Time{now}); err != nil {
		t.Fatal(err)
	}
	// A second writer that read the account before the first write loses.
	if err := st.SetPendingChange(ctx, a, account.ChangePhone, ch, []time.Time{now}); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("stale pending change write: %v", err)
	}
	fresh, err := st.AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.PhoneChange == nil || *fresh.PhoneChange != *ch || len(fresh.AbuseEvents) != 1 || !fresh.AbuseEvents[0].Equal(now) {
		t.Fatalf("read back %+v %v", fresh.PhoneChange, fresh.AbuseEvents)
	}
	// Reused with a new code: the events read must still be there.
	ch2 := *ch
	ch2.Code = "5678"
	if err := st.SetPendingChange(ctx, fresh, account.ChangePhone, &ch2, fresh.AbuseEvents); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmPhoneChange(ctx, fresh, now); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("confirmation with the replaced code: %v", err)
	}
	fresh, _ = st.AccountByID(ctx, a.ID)
	done, err := st.ConfirmPhoneChange(ctx, fresh, now)
	if err != nil {
		t.Fatal(err)
	}
	if *done.Phone != "+33622222222" || !done.Activated || done.PhoneChange != nil {
		t.Fatalf("%+v", done)
	}
	for phone, want := range map[string]bool{"+33611111111": false, "+33622222222": true} {
		if used, err := st.AliasInUse(ctx, phone); err != nil || used != want {
			t.Fatalf("%s in use: %v %v, want %v", phone, used, err, want)
		}
	}
	reread, _ := st.AccountByID(ctx, a.ID)
	if *reread.Phone != "+33622222222" || reread.PhoneChange != nil || !reread.Activated {
		t.Fatalf("%+v", reread)
	}
}

func TestChangePasswordIsConditionedOnTheOldOne(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "pwchanger", "sip.example.org")
	if err := st.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	if _, err := st.ChangePassword(ctx, a, map[string]string{"MD5": "new"}, now); err != nil {
		t.Fatal(err)
	}
	// A concurrent change checked against the old rows loses.
	if _, err := st.ChangePassword(ctx, a, map[string]string{"MD5": "other"}, now); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("stale change: %v", err)
	}
	card, err := st.CardBySIP(ctx, "pwchanger", "sip.example.org")
	if err != nil || card.Passwords["MD5"] != "new" {
		t.Fatalf("what Digest reads: %+v %v", card, err)
	}
}
