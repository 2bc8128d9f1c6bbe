package account_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
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
