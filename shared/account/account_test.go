package account_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

func cfg(t *testing.T, vars map[string]string) *config.Config {
	t.Helper()
	base := map[string]string{"APP_KEY": "k", "APP_SIP_DOMAIN": "sip.example.org"}
	for k, v := range vars {
		base[k] = v
	}
	c, err := config.Load(func(k string) string { return base[k] })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sp(s string) *string { return &s }

func sample() *account.Account {
	at := time.Date(2024, 3, 25, 10, 11, 12, 0, time.UTC)
	return &account.Account{
		ID: 7, Username: "bob", Domain: "sip.example.com", Email: sp("bob@example.com"), Activated: true,
		ConfirmationKey: sp("abcdefghijklm"), IPAddress: "203.0.113.9", UserAgent: "FlexiAPI",
		CreatedAt: at, UpdatedAt: at, ProvisioningToken: sp("Xk2m9QpL0aZ3v"),
		Passwords:  map[string]string{"SHA-256": "h", "MD5": "m"},
		Dictionary: []account.DictionaryEntry{{Key: "b", Value: "1"}, {Key: "a", Value: "\"quoted\"\n"}},
	}
}

func TestRenderViews(t *testing.T) {
	realm := "realm.example.org"
	for _, c := range []struct {
		view       account.View
		wantKeys   []string
		absentKeys []string
	}{
		{account.ViewFull, []string{"passwords", "admin"}, []string{"confirmation_key"}},
		{account.ViewWithConfirmationKey, []string{"passwords", "admin", "confirmation_key"}, nil},
		{account.ViewAdminShow, []string{"confirmation_key"}, []string{"passwords", "admin"}},
		{account.ViewAdminList, nil, []string{"passwords", "admin", "confirmation_key"}},
	} {
		b := account.Render(sample(), c.view, &realm)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("view %d: invalid JSON %s", c.view, b)
		}
		for _, k := range c.wantKeys {
			if _, ok := m[k]; !ok {
				t.Errorf("view %d: %s missing", c.view, k)
			}
		}
		for _, k := range c.absentKeys {
			if _, ok := m[k]; ok {
				t.Errorf("view %d: %s present", c.view, k)
			}
		}
		if m["realm"] != realm || m["created_at"] != "2024-03-25T10:11:12.000000Z" || m["blocked"] != false {
			t.Errorf("view %d: %v", c.view, m)
		}
	}
	b := string(account.Render(sample(), account.ViewFull, nil))
	if !strings.Contains(b, `"passwords":[{"algorithm":"MD5"},{"algorithm":"SHA-256"}]`) {
		t.Errorf("passwords in FlexiAPI's order: %s", b)
	}
	if !strings.Contains(b, `"dictionary":{"b":"1","a":"\"quoted\"\n"}`) {
		t.Errorf("dictionary in order, escaped: %s", b)
	}
}

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
