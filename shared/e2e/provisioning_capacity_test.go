//go:build integration

package e2e

import (
	"fmt"
	"testing"
)

// TestProvisioningCapacity measures the function units of the
// provisioning and vCard routes (DynamoDB Local's accounting, which counts
// transactions its own way: docs/access-patterns.md).
func TestProvisioningCapacity(t *testing.T) {
	e := newEnv(t, nil)
	user := e.newAccount("capprov", "secret", "SHA-256", false)
	me := header{"X-Api-Key": user.Key}
	token := func() string {
		a := e.storedAccount(float64(user.ID))
		if a.ProvisioningToken == nil {
			r := e.withKey(user.Key, "GET", "/api/accounts/me/provision", "")
			return r.JSON(t)["provisioning_token"].(string)
		}
		return *a.ProvisioningToken
	}
	authToken := func() string {
		tok := e.do("POST", "/api/accounts/auth_token", nil, "").JSON(t)["token"].(string)
		expect(t, e.withKey(user.Key, "GET", "/api/accounts/auth_token/"+tok+"/attach", ""), 200)
		return tok
	}
	for _, id := range []string{"capc01", "capc02", "capc03"} {
		c := e.newAccount(id, "secret", "SHA-256", false)
		expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", user.ID, c.ID), ""), 200)
	}
	cases := []struct {
		name, route string
		send        func() response
		status      int
		read, write float64
	}{
		{"base", "GET /provisioning", func() response { return e.provision("/provisioning", nil) }, 200, 0, 0},
		{"header missing", "GET /provisioning/{provisioning_token}", func() response { return e.do("GET", "/provisioning/"+token(), nil, "") }, 400, 0, 0},
		{"unknown token", "GET /provisioning/{provisioning_token}", func() response { return e.provision("/provisioning/unknown000000", nil) }, 404, 1, 0},
		{"qrcode", "GET /provisioning/qrcode/{provisioning_token}", func() response { return e.do("GET", "/provisioning/qrcode/"+token(), nil, "") }, 200, 2, 0},
		{"token", "GET /provisioning/{provisioning_token}", func() response { return e.provision("/provisioning/"+token(), nil) }, 200, 2, 4},
		{"token, reset_password", "GET /provisioning/{provisioning_token}", func() response { return e.provision("/provisioning/"+token()+"?reset_password", nil) }, 200, 2, 4},
		{"me", "GET /provisioning/me", func() response { return e.provision("/provisioning/me", me) }, 200, 1, 0},
		{"me, reset_password", "GET /provisioning/me", func() response { return e.provision("/provisioning/me?reset_password", me) }, 200, 1, 4},
		{"auth token", "GET /provisioning/auth_token/{auth_token}", func() response { return e.provision("/provisioning/auth_token/"+authToken(), nil) }, 200, 2, 1},
		{"renew (user)", "GET /api/accounts/me/provision", func() response { return e.withKey(user.Key, "GET", "/api/accounts/me/provision", "") }, 200, 1, 4},
		{"renew (admin)", "GET /api/accounts/{id}/provision", func() response { return e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d/provision", user.ID), "") }, 200, 1, 4},
		{"vCards of 3 contacts", "GET /contacts/vcard", func() response { return e.withKey(user.Key, "GET", "/contacts/vcard", "") }, 200, 2.5, 0},
	}
	for _, c := range cases {
		u := e.unitsOf(t, c.route, c.send, c.status)
		read, write := u.RCU, u.WCU
		t.Logf("%s: %.1f RCU, %.1f WCU", c.name, read, write)
		if read != c.read || write != c.write {
			t.Errorf("%s: %.1f RCU, %.1f WCU; measured before: %.1f RCU, %.1f WCU (update docs/access-patterns.md if this changed on purpose)",
				c.name, read, write, c.read, c.write)
		}
	}
}
