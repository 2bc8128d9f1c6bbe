//go:build integration

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// PUT /api/accounts/{id}: FlexiAPI's full replacement, without
// its 500s and its self-conflicts.
func TestAdminUpdate(t *testing.T) {
	e := newEnv(t, map[string]string{"ACCOUNT_EMAIL_UNIQUE": "true"})
	created := e.create(`{"username":"original","algorithm":"MD5","password":"123456","email":"orig@example.org","phone":"+3360001",` +
		`"display_name":"Orig","dtmf_protocol":"rfc2833","admin":true,"dictionary":{"k":"v"}}`).JSON(t)
	id := int64(created["id"].(float64))
	path := fmt.Sprintf("/api/accounts/%d", id)
	other := e.create(`{"username":"neighbour","algorithm":"MD5","password":"123456","email":"other@example.org","phone":"+3360002"}`).JSON(t)
	otherID := int64(other["id"].(float64))

	t.Run("re-submitting its own email and phone is no conflict", func(t *testing.T) {
		r := e.do("PUT", path, header{"X-Api-Key": e.admin.Key, "User-Agent": "admin-script/1"},
			`{"username":"original","algorithm":"MD5","password":"123456","email":"orig@example.org","phone":"+3360001","display_name":"Orig","dtmf_protocol":"rfc2833","admin":true,"activated":true}`)
		expect(t, r, 200)
		m := r.JSON(t)
		if m["email"] != "orig@example.org" || m["phone"] != "+3360001" || m["user_agent"] != "admin-script/1" {
			t.Fatal(r.Body)
		}
		if m["activated"] != false {
			t.Fatalf("activated is validated but ignored: %s", r.Body)
		}
		if _, ok := m["admin"].(map[string]any); !ok {
			t.Fatal(r.Body)
		}
		// Kept: what the update does not own.
		if m["provisioning_token"] != created["provisioning_token"] || m["confirmation_key"] != created["confirmation_key"] ||
			m["dictionary"].(map[string]any)["k"] != "v" || m["created_at"] != created["created_at"] {
			t.Fatalf("kept fields changed: %s", r.Body)
		}
	})

	t.Run("conflicts are 422 and change nothing", func(t *testing.T) {
		before := e.snapshot()
		for _, c := range []struct{ body, field, msg string }{
			{`{"username":"neighbour","algorithm":"MD5","password":"123456"}`, "username", "The username has already been taken."},
			{`{"username":"original","algorithm":"MD5","password":"123456","email":"OTHER@example.org"}`, "email", "The email has already been taken."},
			{`{"username":"original","algorithm":"MD5","password":"123456","phone":"+3360002"}`, "phone", "The phone has already been taken."},
		} {
			r := e.asAdmin("PUT", path, c.body)
			expect(t, r, 422)
			if firstError(t, r, c.field) != c.msg {
				t.Fatalf("%s: %s", c.body, r.Body)
			}
		}
		e.expectUnchanged(before)
	})

	t.Run("validation with FlexiAPI's messages, nothing written", func(t *testing.T) {
		before := e.snapshot()
		for _, c := range []struct{ body, field, msg string }{
			{`{"username":"+33612121212","algorithm":"MD5","password":"123456"}`, "username", "The username should not be a phone number"},
			{`{"username":"Original","algorithm":"MD5","password":"123456"}`, "username", "No uppercase letters are allowed."},
			{`{"username":"bla bla","algorithm":"MD5","password":"123456"}`, "username", "The username should be a valid SIP username"},
			{`{"username":"short","algorithm":"MD5","password":"123456"}`, "username", "The username must be at least 6 characters."},
			{`{"username":["original"],"algorithm":"MD5","password":"123456"}`, "username", "The username must be a string."},
			{`{"username":"original","algorithm":"MD5"}`, "password", "The password field is required."},
			{`{"username":"original","algorithm":"MD5","password":"12345"}`, "password", "The password must be at least 6 characters."},
			{`{"username":"original","algorithm":"MD5","password":"123456","email":"gnap"}`, "email", "The email must be a valid email address."},
			{`{"username":"original","algorithm":"MD5","password":"123456","role":"boss"}`, "role", "The selected role is invalid."},
			{`{"username":"original","algorithm":"MD5","password":"123456","dtmf_protocol":"dtmf"}`, "dtmf_protocol", "The selected dtmf protocol is invalid."},
			{`{"username":"original","algorithm":"MD5","password":"123456","phone":"0612"}`, "phone", "The phone must start with one of the following: +"},
			{`{"username":"original","algorithm":"MD5","password":"123456","phone":"+33 6"}`, "phone", "The phone contains spaces"},
			{`{"username":"original","algorithm":"sha1","password":"123456"}`, "algorithm", "The password algorithm must be in MD5, SHA-256"},
			{`{"username":"original","algorithm":"MD5","password":"123456","admin":"yes"}`, "admin", "The admin field must be true or false."},
			{`{"username":"original","algorithm":"MD5","password":"123456","activated":2}`, "activated", "The activated field must be true or false."},
			{`{"username":"original","algorithm":"MD5","password":"123456","display_name":{"a":1}}`, "display_name", "The display name must be a string."},
			{`{"username":"original","algorithm":"MD5","password":"123456","display_name":"` + strings.Repeat("n", 256) + `"}`, "display_name", "The display name must not be greater than 255 characters."},
		} {
			r := e.asAdmin("PUT", path, c.body)
			expect(t, r, 422)
			if firstError(t, r, c.field) != c.msg {
				t.Errorf("%s: %s", c.body, r.Body)
			}
		}
		for _, c := range []struct {
			body   string
			status int
		}{
			{`{"username":"original",`, 400},
			{`["original"]`, 400},
			{``, 422},
		} {
			expect(t, e.asAdmin("PUT", path, c.body), c.status)
		}
		// Validation comes before the lookup: an unknown id with a bad body
		// is a 422, with a good one a 404; a non-numeric id a 404.
		expect(t, e.asAdmin("PUT", "/api/accounts/999999", `{}`), 422)
		expectMessage(t, e.asAdmin("PUT", "/api/accounts/999999", `{"username":"ghosty","algorithm":"MD5","password":"123456"}`), 404, "Missing elements to perform the request")
		expect(t, e.asAdmin("PUT", "/api/accounts/abc", `{"username":"ghosty","algorithm":"MD5","password":"123456"}`), 404)
		e.expectUnchanged(before)
	})

	t.Run("full replacement: rename, omitted fields cleared, markers moved", func(t *testing.T) {
		before := e.snapshot()
		r := e.asAdmin("PUT", path, `{"username":"renamed","algorithm":"SHA-256","password":"newpass"}`)
		expect(t, r, 200)
		m := r.JSON(t)
		if m["username"] != "renamed" || m["email"] != nil || m["phone"] != nil || m["display_name"] != nil ||
			m["dtmf_protocol"] != nil || m["admin"] != nil || m["domain"] != domain {
			t.Fatalf("omitted fields are cleared: %s", r.Body)
		}
		if m["user_agent"] == "admin-script/1" {
			t.Fatalf("user_agent is the request's: %s", r.Body)
		}
		after := e.snapshot()
		for _, gone := range []string{`"SIP#original"`, `"EMAIL#orig@example.org"`, `"PHONE#+3360001"`} {
			for k := range after {
				if strings.HasPrefix(k, gone) {
					t.Errorf("%s remains", k)
				}
			}
		}
		if len(after.keysWithPrefix("SIP#renamed")) != 1 {
			t.Fatalf("new SIP identity: %v", after.keysWithPrefix("SIP#"))
		}
		if len(after.keysWithPrefix("TOMBSTONE#")) != len(before.keysWithPrefix("TOMBSTONE#")) {
			t.Fatal("a rename writes no tombstone (FlexiAPI)")
		}
		// The new identity authenticates with the new password; the old
		// one is unknown; the freed email and phone can be used again.
		d, _ := e.digest("GET", "/api/accounts/me", "renamed", "newpass", "")
		expect(t, d, 200)
		expect(t, e.do("GET", "/api/accounts/me", header{"From": "sip:original@" + domain}, ""), 404)
		r = e.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", otherID), `{"username":"neighbour","algorithm":"MD5","password":"123456","email":"orig@example.org","phone":"+3360001"}`)
		expect(t, r, 200)
		// The old username is free (no tombstone on rename).
		expect(t, e.create(`{"username":"original","algorithm":"MD5","password":"123456"}`), 200)
	})

	t.Run("removing the admin role reaches the account's API key", func(t *testing.T) {
		boss := e.newAccount("bossman", "secret1", "SHA-256", true)
		expect(t, e.withKey(boss.Key, "GET", "/api/accounts", ""), 200)
		r := e.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", boss.ID), `{"username":"bossman2","algorithm":"SHA-256","password":"secret1"}`)
		expect(t, r, 200)
		expectMessage(t, e.withKey(boss.Key, "GET", "/api/accounts", ""), 403, "Unauthorized area")
		me := e.withKey(boss.Key, "GET", "/api/accounts/me", "")
		expect(t, me, 200)
		if me.JSON(t)["username"] != "bossman2" {
			t.Fatal(me.Body)
		}
	})
}

// FlexiAPI: a phone must not be the username of an account of the domain.
func TestAdminUpdatePhoneIsAUsername(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_ALLOW_PHONE_NUMBER_USERNAME_ADMIN_API": "true"})
	expect(t, e.create(`{"username":"+3360009","algorithm":"MD5","password":"123456"}`), 200)
	id := idOf(t, e.create(`{"username":"phoneless","algorithm":"MD5","password":"123456"}`))
	before := e.snapshot()
	r := e.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", id), `{"username":"phoneless","algorithm":"MD5","password":"123456","phone":"+3360009"}`)
	expect(t, r, 422)
	if firstError(t, r, "phone") != "The phone has already been taken." {
		t.Fatal(r.Body)
	}
	e.expectUnchanged(before)
	// The admin toggle is for creation only: an update refuses a phone
	// number as username.
	r = e.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", id), `{"username":"+3360010","algorithm":"MD5","password":"123456"}`)
	expect(t, r, 422)
	if firstError(t, r, "username") != "The username should not be a phone number" {
		t.Fatal(r.Body)
	}
}

// An update by a multi-domain admin moves the account between domains
// (and, without a domain in the body, back to APP_SIP_DOMAIN, as FlexiAPI).
func TestAdminUpdateMultiDomain(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
	id := idOf(t, e.create(`{"username":"traveller","algorithm":"SHA-256","password":"123456","domain":"one.example.org"}`))
	path := fmt.Sprintf("/api/accounts/%d", id)
	r := e.asAdmin("PUT", path, `{"username":"traveller","algorithm":"SHA-256","password":"123456","domain":"two.example.org"}`)
	expect(t, r, 200)
	if r.JSON(t)["domain"] != "two.example.org" {
		t.Fatal(r.Body)
	}
	expect(t, e.asAdmin("GET", "/api/accounts/traveller@two.example.org/search", ""), 200)
	expect(t, e.asAdmin("GET", "/api/accounts/traveller@one.example.org/search", ""), 404)
	// The same username in the new domain is taken.
	expect(t, e.create(`{"username":"traveller","algorithm":"SHA-256","password":"123456","domain":"two.example.org"}`), 422)
	r = e.asAdmin("PUT", path, `{"username":"traveller","algorithm":"SHA-256","password":"123456"}`)
	expect(t, r, 200)
	if r.JSON(t)["domain"] != domain {
		t.Fatalf("an update without domain moves the account to APP_SIP_DOMAIN: %s", r.Body)
	}
	if total := e.asAdmin("GET", "/api/accounts", "").JSON(t)["total"]; total != float64(2) {
		t.Fatalf("total %v", total)
	}
}

// Search by SIP address and by email, scoped.
func TestAdminSearch(t *testing.T) {
	e := newEnv(t, nil)
	first := idOf(t, e.create(`{"username":"searched","algorithm":"SHA-256","password":"123456","email":"Shared@Example.org"}`))
	idOf(t, e.create(`{"username":"searched2","algorithm":"SHA-256","password":"123456","email":"shared@example.org"}`))
	r := e.asAdmin("GET", "/api/accounts/searched@"+domain+"/search", "")
	expect(t, r, 200)
	if got := strings.Join(keysOf(t, r.Body), " "); got != fullKeys {
		t.Fatalf("search answers the full account without confirmation_key: %s", got)
	}
	r = e.asAdmin("GET", "/api/accounts/searched@SIP.Example.org/search", "")
	expect(t, r, 200) // domains compare case-insensitively
	// The lowest id first, case-insensitively (FlexiAPI's collation).
	r = e.asAdmin("GET", "/api/accounts/SHARED@example.org/search-by-email", "")
	expect(t, r, 200)
	if idOf(t, r) != first {
		t.Fatal(r.Body)
	}
	if got := strings.Join(keysOf(t, r.Body), " "); got != fullKeys {
		t.Fatalf("%s", got)
	}
	for _, p := range []string{
		"/api/accounts/searched/search", "/api/accounts/searched@/search", "/api/accounts/@" + domain + "/search",
		"/api/accounts/nobody@" + domain + "/search", "/api/accounts/Searched@" + domain + "/search",
		"/api/accounts/nobody@example.org/search-by-email", "/api/accounts/gnap/search-by-email",
	} {
		expectMessage(t, e.asAdmin("GET", p, ""), 404, "Missing elements to perform the request")
	}
	user := e.newAccount("plainsearcher", "secret1", "SHA-256", false)
	expectMessage(t, e.withKey(user.Key, "GET", "/api/accounts/searched@"+domain+"/search", ""), 403, "Unauthorized area")
	expectMessage(t, e.withKey(user.Key, "GET", "/api/accounts/shared@example.org/search-by-email", ""), 403, "Unauthorized area")
}

// Domain scope: for a single-domain admin, an account of another domain
// does not exist, on every admin lookup; a multi-domain admin sees it.
func TestAdminDomainScoping(t *testing.T) {
	for _, multi := range []bool{false, true} {
		t.Run(fmt.Sprintf("multi-domain %v", multi), func(t *testing.T) {
			e := newEnv(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": fmt.Sprint(multi)})
			ctx := context.Background()
			a, _, err := e.svc.EnsureAdmin(ctx, "foreigner", "other.example.org", "123456", "SHA-256")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.st.SetAdmin(ctx, a, false, a.UpdatedAt); err != nil {
				t.Fatal(err)
			}
			// An email, for search-by-email.
			id := a.ID
			path := fmt.Sprintf("/api/accounts/%d", id)
			put := `{"username":"foreigner","algorithm":"SHA-256","password":"123456","email":"foreign@example.org","domain":"other.example.org"}`
			before := e.snapshot()
			cases := []struct{ method, path, body string }{
				{"GET", path, ""},
				{"PUT", path, put},
				{"POST", path + "/activate", ""},
				{"POST", path + "/deactivate", ""},
				{"POST", path + "/block", ""},
				{"POST", path + "/unblock", ""},
				{"GET", "/api/accounts/foreigner@other.example.org/search", ""},
				{"DELETE", path, ""},
			}
			if !multi {
				for _, c := range cases {
					expectMessage(t, e.asAdmin(c.method, c.path, c.body), 404, "Missing elements to perform the request")
				}
				if total := e.asAdmin("GET", "/api/accounts", "").JSON(t)["total"]; total != float64(1) {
					t.Fatalf("the list shows the domain only: %v", total)
				}
				e.expectUnchanged(before)
				// search-by-email needs an email on it: set it as a
				// multi-domain deployment would have.
				b := *a
				email := "foreign@example.org"
				b.Email = &email
				if _, err := e.st.UpdateAccount(ctx, a, &b, false); err != nil {
					t.Fatal(err)
				}
				expect(t, e.asAdmin("GET", "/api/accounts/foreign@example.org/search-by-email", ""), 404)
				return
			}
			for _, c := range cases {
				r := e.asAdmin(c.method, c.path, c.body)
				expect(t, r, 200)
			}
		})
	}
}

// Deleting an account removes everything it owns (no scan): its SIP
// identity, markers, provisioning token, API key, attached auth token and
// partition; only the tombstone and the counts remain changed.
func TestAdminDeleteRemovesEverything(t *testing.T) {
	e := newEnv(t, map[string]string{"ACCOUNT_EMAIL_UNIQUE": "true"})
	before := e.snapshot()
	created := e.create(`{"username":"ephemeral","algorithm":"SHA-256","password":"123456","email":"eph@example.org","phone":"+3369999","dictionary":{"a":"b"}}`).JSON(t)
	id := int64(created["id"].(float64))
	// The account gets an API key too.
	key, err := e.svc.RefreshAPIKey(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, e.withKey(key, "GET", "/api/accounts/me", ""), 200)
	// And an auth token it attached (FlexiAPI's cascade deletes it).
	tok := e.do("POST", "/api/accounts/auth_token", nil, "").JSON(t)["token"].(string)
	expect(t, e.withKey(key, "GET", "/api/accounts/auth_token/"+tok+"/attach", ""), 200)
	if len(e.snapshot().keysWithPrefix("AUTHTOKEN#")) != 1 {
		t.Fatal("no auth token item")
	}
	r := e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", id), "")
	expect(t, r, 200)
	after := e.snapshot()
	diff := before.diff(after)
	for _, line := range strings.Split(diff, "\n") {
		switch {
		case strings.HasPrefix(line, `+ "TOMBSTONE#ephemeral"`):
		case strings.HasPrefix(line, `~ "COUNT#accounts"`), strings.HasPrefix(line, `~ "COUNTER#account_id"`),
			strings.HasPrefix(line, `+ "COUNTER#auth_token_id"`):
		case strings.HasPrefix(line, "    "): // detail of a ~ line
		default:
			t.Errorf("left behind: %s", line)
		}
	}
	expectMessage(t, e.withKey(key, "GET", "/api/accounts/me", ""), 401, "Invalid API Key")
	// The email and phone are free again; the username is reserved.
	expect(t, e.create(`{"username":"ephemeral2","algorithm":"SHA-256","password":"123456","email":"eph@example.org","phone":"+3369999"}`), 200)
	expect(t, e.create(`{"username":"ephemeral","algorithm":"SHA-256","password":"123456"}`), 422)
}

// TestConcurrentRename: ten accounts renamed to one free username at once:
// exactly one 200, the others FlexiAPI's 422, and one SIP identity.
func TestConcurrentRename(t *testing.T) {
	e := newEnv(t, nil)
	ids := make([]int64, 10)
	for i := range ids {
		ids[i] = idOf(t, e.create(fmt.Sprintf(`{"username":"renamer%02d","algorithm":"SHA-256","password":"123456"}`, i)))
	}
	results := make([]response, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id int64) {
			defer wg.Done()
			results[i] = e.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", id), `{"username":"thewinner","algorithm":"SHA-256","password":"123456"}`)
		}(i, id)
	}
	wg.Wait()
	won := 0
	for _, r := range results {
		switch r.Status {
		case 200:
			won++
		case 422:
			if firstError(t, r, "username") != "The username has already been taken." {
				t.Errorf("422 %s", r.Body)
			}
		default:
			t.Errorf("status %d: %s", r.Status, r.Body)
		}
	}
	if won != 1 {
		t.Fatalf("%d renames succeeded, want 1", won)
	}
	if n := len(e.snapshot().keysWithPrefix("SIP#")); n != len(ids)+1 {
		t.Fatalf("%d SIP identities, want %d (one per account)", n, len(ids)+1)
	}
}
