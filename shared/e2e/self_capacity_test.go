//go:build integration

package e2e

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// TestSelfCapacity measures the function units of the account's own
// routes (DynamoDB Local's accounting; docs/access-patterns.md).
func TestSelfCapacity(t *testing.T) {
	e := newEnv(t, map[string]string{"FLEXISIP_REDIS_URL": testenv.Endpoint(t, "FLEXISIP_REDIS_URL")})
	u := e.user(`{"username":"measured","algorithm":"SHA-256","password":"123456"}`)
	phone := selfPhone()
	address := testenv.UniqueName("cap") + "@example.org"
	cases := []struct {
		name, method, path, route string
		body                      func() string
		read, write               float64
	}{
		{"phone request", "POST", "/api/accounts/me/phone/request", "POST /api/accounts/me/phone/request",
			func() string { return `{"phone":"` + phone + `"}` }, 1.5, 2},
		{"phone confirm", "POST", "/api/accounts/me/phone", "POST /api/accounts/me/phone",
			func() string { return `{"code":"` + selfCode(t, last(selfSMS(t, phone))) + `"}` }, 1, 12},
		{"email request", "POST", "/api/accounts/me/email/request", "POST /api/accounts/me/email/request",
			func() string { return `{"email":"` + address + `"}` }, 1, 1},
		{"email confirm", "POST", "/api/accounts/me/email", "POST /api/accounts/me/email",
			func() string { return `{"code":"` + selfCode(t, selfEmails(t, address)[0].Body.Text) + `"}` }, 1, 2},
		{"password change", "POST", "/api/accounts/me/password", "POST /api/accounts/me/password",
			func() string { return `{"algorithm":"MD5","password":"234567","old_password":"123456"}` }, 1, 4},
		{"devices", "GET", "/api/accounts/me/devices", "GET /api/accounts/me/devices", func() string { return "" }, 0, 0},
		{"device delete", "DELETE", "/api/accounts/me/devices/urn:uuid:x", "DELETE /api/accounts/me/devices/{uuid}", func() string { return "" }, 0, 0},
		{"delete me", "DELETE", "/api/accounts/me", "DELETE /api/accounts/me", func() string { return "" }, 1, 22},
	}
	for _, c := range cases {
		r := e.withKey(u.Key, c.method, c.path, c.body())
		expect(t, r, 200)
		read, write := functionUnits(t, e, c.route)
		t.Logf("%s: %.1f RCU, %.1f WCU", c.name, read, write)
		if c.name == "delete me" {
			// The deletion transaction is the admin deletion's (shared);
			// its figure belongs to that test. Ours: one read, a write.
			if read != c.read || write == 0 {
				t.Errorf("%s: %.1f RCU, %.1f WCU", c.name, read, write)
			}
			continue
		}
		if read != c.read || write != c.write {
			t.Errorf("%s: %.1f RCU, %.1f WCU; measured before: %.1f RCU, %.1f WCU (update docs/access-patterns.md if this changed on purpose)",
				c.name, read, write, c.read, c.write)
		}
	}
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
