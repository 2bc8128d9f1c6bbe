//go:build integration

package e2e

import (
	"fmt"
	"testing"
)

// TestAdminAccountsCapacity measures the function units of the admin
// account routes (DynamoDB Local's accounting; docs/access-patterns.md).
func TestAdminAccountsCapacity(t *testing.T) {
	e := newEnv(t, map[string]string{"ACCOUNT_EMAIL_UNIQUE": "true"})
	id := idOf(t, e.create(`{"username":"measured","algorithm":"SHA-256","password":"123456","email":"m@example.org","phone":"+3312"}`))
	path := fmt.Sprintf("/api/accounts/%d", id)
	cases := []struct {
		name, method, path, route, body string
		read, write                     float64
	}{
		{"update, same identity and markers", "PUT", path, "PUT /api/accounts/{id}",
			`{"username":"measured","algorithm":"SHA-256","password":"123456","email":"m@example.org","phone":"+3312"}`, 2, 4},
		{"update, renamed with new email and phone", "PUT", path, "PUT /api/accounts/{id}",
			`{"username":"measured2","algorithm":"SHA-256","password":"123456","email":"m2@example.org","phone":"+3313"}`, 2, 16},
		{"search", "GET", "/api/accounts/measured2@" + domain + "/search", "GET /api/accounts/{sip}/search", "", 2, 0},
		{"search by email", "GET", "/api/accounts/m2@example.org/search-by-email", "GET /api/accounts/{email}/search-by-email", "", 1.5, 0},
		{"delete", "DELETE", path, "DELETE /api/accounts/{id}", "", 1, 24},
	}
	// Attaching an auth token also writes the account's reference to it
	// (deleted with the account): a two-item transaction.
	tok := e.do("POST", "/api/accounts/auth_token", nil, "").JSON(t)["token"].(string)
	cases = append([]struct {
		name, method, path, route, body string
		read, write                     float64
	}{{"attach an auth token", "GET", "/api/accounts/auth_token/" + tok + "/attach", "GET /api/accounts/auth_token/{auth_token}/attach", "", 1, 4}}, cases...)
	for _, c := range cases {
		r := e.asAdmin(c.method, c.path, c.body)
		expect(t, r, 200)
		read, write := functionUnits(t, e, c.route)
		t.Logf("%s: %.1f RCU, %.1f WCU", c.name, read, write)
		if read != c.read || write != c.write {
			t.Errorf("%s: %.1f RCU, %.1f WCU; measured before: %.1f RCU, %.1f WCU (update docs/access-patterns.md if this changed on purpose)",
				c.name, read, write, c.read, c.write)
		}
	}
}
