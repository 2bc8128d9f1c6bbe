//go:build integration

package account_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

func TestClearUnconfirmed(t *testing.T) {
	st := testenv.Table(t)
	c := cfg(t, nil)
	now := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	svc := account.NewService(st, c).WithClock(func() time.Time { return now })
	create := func(username, domain string, activated bool, age time.Duration) *account.Account {
		in := map[string]any{"username": username, "password": "secret1", "algorithm": "SHA-256", "activated": activated, "domain": domain}
		old := svc.WithClock(func() time.Time { return now.Add(-age) })
		if d := c.AdminsManageMultiDomains; !d && domain != c.SIPDomain {
			cm := cfg(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
			old = account.NewService(st, cm).WithClock(func() time.Time { return now.Add(-age) })
		}
		a, err := old.Create(context.Background(), account.CreateRequest{Input: validate.NewInput(in), CallerAdmin: true})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	oldPending := create("oldpending", "sip.example.org", false, 31*24*time.Hour)
	oldActive := create("oldactive", "sip.example.org", true, 31*24*time.Hour)
	newPending := create("newpending", "sip.example.org", false, 29*24*time.Hour)
	otherDomain := create("elsewhere", "other.example.org", false, 31*24*time.Hour)
	reactivated := create("reactivated", "sip.example.org", false, 40*24*time.Hour)
	yes := true
	if _, err := svc.SetFlags(context.Background(), reactivated.ID, "", &yes, nil); err != nil {
		t.Fatal(err)
	}
	n, err := svc.ClearUnconfirmed(context.Background(), 30*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("deleted %d, %v; want 1", n, err)
	}
	for _, a := range []*account.Account{oldActive, newPending, otherDomain, reactivated} {
		if _, err := st.AccountByID(context.Background(), a.ID); err != nil {
			t.Errorf("%s should remain: %v", a.Username, err)
		}
	}
	if _, err := st.AccountByID(context.Background(), oldPending.ID); err == nil {
		t.Fatal("oldpending should be gone")
	}
	// A bulk delete leaves no tombstone: the username is free again.
	create("oldpending", "sip.example.org", true, 0)
}

// TestConcurrentKeyRefresh: refreshes racing on one account all succeed
// (a lost race is retried from a fresh read), and exactly one key is left.
func TestConcurrentKeyRefresh(t *testing.T) {
	st := testenv.Table(t)
	svc := account.NewService(st, cfg(t, nil))
	a, _, err := svc.EnsureAdmin(context.Background(), "racer", "sip.example.org", "secret1", "SHA-256")
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 4) // at most 3 lost races each: within retryChanged's attempts
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			keys[i], errs[i] = svc.RefreshAPIKey(context.Background(), a.ID)
		}(i)
	}
	wg.Wait()
	valid := 0
	for i, k := range keys {
		if errs[i] != nil {
			t.Fatalf("refresh %d: %v", i, errs[i])
		}
		if _, err := st.APIKey(context.Background(), auth.HashAPIKey(k)); err == nil {
			valid++
		}
	}
	final, _ := st.AccountByID(context.Background(), a.ID)
	if valid != 1 || final.APIKeyHash == "" {
		t.Fatalf("%d valid keys, account names %q; want exactly one", valid, final.APIKeyHash)
	}
}
