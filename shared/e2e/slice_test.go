//go:build integration

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestPing(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/api/ping", nil, "")
	if r.Status != 200 || r.Body != "pong" || r.Header.Get("Content-Type") != "text/html; charset=UTF-8" {
		t.Fatalf("%d %q %q", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if r := e.do("HEAD", "/api/ping", nil, ""); r.Status != 200 || r.Body != "" {
		t.Fatalf("HEAD: %d %q", r.Status, r.Body)
	}
}

// keysOf lists the keys of a JSON object in order.
func keysOf(t *testing.T, body string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		t.Fatalf("not an object: %q", body)
	}
	var keys []string
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return keys
}

const fullKeys = "id username domain email activated ip_address user_agent created_at display_name dtmf_protocol updated_at blocked realm phone confirmation_key_expires provisioning_token dictionary passwords admin activation_expiration email_change_code types actions"

func TestAccountsMe(t *testing.T) {
	e := newEnv(t, nil)
	r := e.asAdmin("GET", "/api/accounts/me", "")
	expect(t, r, 200)
	if got := strings.Join(keysOf(t, r.Body), " "); got != fullKeys {
		t.Fatalf("keys (FlexiAPI's full account JSON):\n got %s\nwant %s", got, fullKeys)
	}
	m := r.JSON(t)
	if m["id"] != float64(e.admin.ID) || m["username"] != "admin" || m["domain"] != domain || m["activated"] != true ||
		m["blocked"] != false || m["realm"] != nil || m["email"] != nil {
		t.Fatalf("%v", m)
	}
	if _, ok := m["admin"].(map[string]any)["created_at"]; !ok {
		t.Fatalf("admin is the role object, not a boolean: %v", m["admin"])
	}
	if d, ok := m["dictionary"].(map[string]any); !ok || len(d) != 0 {
		t.Fatalf("empty dictionary is {}, not PHP's []: %v", m["dictionary"])
	}
	if p := m["passwords"].([]any); len(p) != 1 || p[0].(map[string]any)["algorithm"] != "SHA-256" || len(p[0].(map[string]any)) != 1 {
		t.Fatalf("passwords show the algorithm only: %v", p)
	}
	if !strings.HasSuffix(m["created_at"].(string), ".000000Z") {
		t.Fatalf("created_at format: %v", m["created_at"])
	}
	// The key also works as a cookie, and a bad key is a 401 without challenge.
	expect(t, e.do("GET", "/api/accounts/me", header{"Cookie": "x-api-key=" + e.admin.Key}, ""), 200)
	bad := e.do("GET", "/api/accounts/me", header{"X-Api-Key": "nope", "From": "sip:admin@" + domain}, "")
	expectMessage(t, bad, 401, "Invalid API Key")
	if h := bad.Header.Values("WWW-Authenticate"); len(h) != 0 {
		t.Fatalf("an API-key 401 carries no challenge: %q", h)
	}
	// ACCOUNT_REALM shows as realm.
	e2 := newEnv(t, map[string]string{"ACCOUNT_REALM": "realm.example.org"})
	if got := e2.asAdmin("GET", "/api/accounts/me", "").JSON(t)["realm"]; got != "realm.example.org" {
		t.Fatalf("realm %v", got)
	}
}

func (e *env) create(body string) response {
	e.t.Helper()
	return e.asAdmin("POST", "/api/accounts", body)
}

func TestAdminCreate(t *testing.T) {
	e := newEnv(t, nil)
	t.Run("testAdminOk", func(t *testing.T) {
		r := e.create(`{"username":"foobar","algorithm":"SHA-256","password":"123456","dtmf_protocol":"sipinfo","domain":"ignored.example.org"}`)
		expect(t, r, 200) // FlexiAPI answers 200 here, not 201
		m := r.JSON(t)
		if m["username"] != "foobar" || m["domain"] != domain || m["activated"] != false || m["dtmf_protocol"] != "sipinfo" || m["admin"] != nil {
			t.Fatalf("%v", m)
		}
		if k, _ := m["confirmation_key"].(string); len(k) != 13 {
			t.Fatalf("an unactivated account gets a 13-character confirmation_key: %v", m["confirmation_key"])
		}
		if k, _ := m["provisioning_token"].(string); len(k) != 13 {
			t.Fatalf("provisioning_token: %v", m["provisioning_token"])
		}
		if keysOf(t, r.Body)[5] != "confirmation_key" {
			t.Fatalf("confirmation_key comes right after activated: %v", keysOf(t, r.Body))
		}
	})
	t.Run("Linphone's string values", func(t *testing.T) {
		r := e.create(`{"activated":"1","admin":"0","algorithm":"MD5","domain":"sip.example.org","password":"secret","username":"stringly"}`)
		expect(t, r, 200)
		m := r.JSON(t)
		if m["activated"] != true || m["confirmation_key"] != nil || m["admin"] != nil {
			t.Fatalf("%v", m)
		}
	})
	t.Run("testAdmin with dictionary and email", func(t *testing.T) {
		r := e.create(`{"username":"bossbob","password":"123456","algorithm":"SHA-256","admin":true,"email":"bob@example.org","display_name":"Bob","phone":"+33612345678","dictionary":{"zeta":"1","alpha":"2"}}`)
		expect(t, r, 200)
		m := r.JSON(t)
		if _, ok := m["admin"].(map[string]any); !ok {
			t.Fatalf("admin: %v", m["admin"])
		}
		if m["email"] != "bob@example.org" || m["display_name"] != "Bob" || m["phone"] != "+33612345678" {
			t.Fatalf("%v", m)
		}
		if !strings.Contains(r.Body, `"dictionary":{"zeta":"1","alpha":"2"}`) {
			t.Fatalf("dictionary keeps the body's order: %s", r.Body)
		}
	})
	t.Run("testCodeExpires", func(t *testing.T) {
		r := e.create(`{"username":"expiring","password":"123456","algorithm":"SHA-256","confirmation_key_expires":"2040-12-12 12:12:12"}`)
		expect(t, r, 200)
		if m := r.JSON(t); m["confirmation_key_expires"] != "2040-12-12 12:12:12" || m["activation_expiration"].(map[string]any)["expires"] != "2040-12-12 12:12:12" {
			t.Fatalf("%v", m)
		}
		r = e.create(`{"username":"expiring2","password":"123456","algorithm":"SHA-256","activated":true,"confirmation_key_expires":"2040-12-12 12:12:12"}`)
		if m := r.JSON(t); m["confirmation_key_expires"] != nil {
			t.Fatalf("an activated account has no expiry: %v", m)
		}
		expect(t, e.create(`{"username":"expiring3","password":"123456","algorithm":"SHA-256","confirmation_key_expires":"2040-12-12"}`), 422)
	})
	t.Run("validation", func(t *testing.T) {
		for _, c := range []struct {
			body, field, msg string
		}{
			{`{"password":"123456","algorithm":"SHA-256"}`, "username", "The username field is required."},
			{`{"username":"","password":"123456","algorithm":"SHA-256"}`, "username", "The username field is required."},
			{`{"username":"+33612121212","password":"123456","algorithm":"SHA-256"}`, "username", "The username should not be a phone number"},
			{`{"username":"0612345678","password":"123456","algorithm":"SHA-256"}`, "username", "The username should not be a phone number"},
			{`{"username":"blabla🔥","password":"123456","algorithm":"SHA-256"}`, "username", "The username should be a valid SIP username"},
			{`{"username":"bla bla hop","password":"123456","algorithm":"SHA-256"}`, "username", "The username should be a valid SIP username"},
			{`{"username":"FooBar","password":"123456","algorithm":"SHA-256"}`, "username", "No uppercase letters are allowed."},
			{`{"username":"short","password":"123456","algorithm":"SHA-256"}`, "username", "The username must be at least 6 characters."},
			{`{"username":"goodname","password":"12345","algorithm":"SHA-256"}`, "password", "The password must be at least 6 characters."},
			{`{"username":"goodname","password":"123456","algorithm":"SHA-256","email":"gnap"}`, "email", "The email must be a valid email address."},
			{`{"username":"goodname","password":"123456","algorithm":"SHA-256","dtmf_protocol":"dtmf"}`, "dtmf_protocol", "The selected dtmf protocol is invalid."},
			{`{"username":"goodname","password":"123456","algorithm":"SHA-256","phone":"0612"}`, "phone", "The phone must start with one of the following: +"},
			{`{"username":"goodname","password":"123456","algorithm":"SHA-256","dictionary":{"a":{"b":"c"}}}`, "dictionary", "The dictionary must be an assiocative dictionary of strings"},
			{`{"username":"goodname","password":"123456","algorithm":"SHA-256","dictionary":"hop"}`, "dictionary", "The dictionary must be an assiocative dictionary of strings"},
			{`{"username":"goodname","password":"123456"}`, "algorithm", "The algorithm field is required."},
			{`{"username":"goodname","password":"123456","algorithm":"sha1"}`, "algorithm", "The password algorithm must be in MD5, SHA-256"},
			{`{"username":"goodname","password":"123456","algorithm":"MD5","activated":"yes"}`, "activated", "The activated field must be true or false."},
			{`{"username":"goodname","password":"123456","algorithm":"MD5","admin":2}`, "admin", "The admin field must be true or false."},
			{`{"username":["goodname"],"password":"123456","algorithm":"MD5"}`, "username", "The username must be a string."},
			{`{"username":"goodname","password":{"a":1},"algorithm":"MD5"}`, "password", "The password must be a string."},
		} {
			r := e.create(c.body)
			expect(t, r, 422)
			if got := r.errorsOf(t, c.field); got[0] != c.msg {
				t.Errorf("%s: %s errors %q, want %q first", c.body, c.field, got, c.msg)
			}
		}
	})
	t.Run("uniqueness", func(t *testing.T) {
		expect(t, e.create(`{"username":"taken1","password":"123456","algorithm":"MD5","phone":"+3311"}`), 200)
		r := e.create(`{"username":"taken1","password":"123456","algorithm":"MD5"}`)
		expect(t, r, 422)
		if got := r.errorsOf(t, "username"); got[0] != "The username has already been taken." {
			t.Fatalf("%q", got)
		}
		r = e.create(`{"username":"taken2","password":"123456","algorithm":"MD5","phone":"+3311"}`)
		if got := r.errorsOf(t, "phone"); got[0] != "The phone has already been taken." {
			t.Fatalf("%q", got)
		}
	})
	t.Run("testUsernameNotPhone with the toggle", func(t *testing.T) {
		e2 := newEnv(t, map[string]string{"APP_ALLOW_PHONE_NUMBER_USERNAME_ADMIN_API": "true"})
		expect(t, e2.create(`{"username":"+33612121212","password":"123456","algorithm":"SHA-256"}`), 200)
	})
	t.Run("testUsernameNotSIP with a custom regex", func(t *testing.T) {
		e2 := newEnv(t, map[string]string{"ACCOUNT_USERNAME_REGEX": `^[a-z0-9🔥+_.-]*$`})
		expect(t, e2.create(`{"username":"blabla🔥","password":"123456","algorithm":"SHA-256"}`), 200)
	})
	t.Run("blacklist", func(t *testing.T) {
		e2 := newEnv(t, map[string]string{"ACCOUNT_BLACKLISTED_USERNAMES": "foobar,blacklisted,username-.*"})
		for name, status := range map[string]int{"blacklisted": 422, "username-gnap": 422, "valid-username": 200} {
			r := e2.create(fmt.Sprintf(`{"username":%q,"password":"123456","algorithm":"SHA-256"}`, name))
			expect(t, r, status)
			if status == 422 && r.errorsOf(t, "username")[0] != "Username already used." {
				t.Fatalf("%s: %s", name, r.Body)
			}
		}
	})
	t.Run("testUniqueEmailAdmin", func(t *testing.T) {
		e2 := newEnv(t, map[string]string{"ACCOUNT_EMAIL_UNIQUE": "true"})
		expect(t, e2.create(`{"username":"mailer1","password":"123456","algorithm":"SHA-256","email":"same@example.org"}`), 200)
		r := e2.create(`{"username":"mailer2","password":"123456","algorithm":"SHA-256","email":"same@example.org"}`)
		expect(t, r, 422)
		if r.errorsOf(t, "email")[0] != "The email has already been taken." {
			t.Fatal(r.Body)
		}
	})
	t.Run("testNonAsciiPasswordAdmin", func(t *testing.T) {
		expect(t, e.create(`{"username":"nonascii","password":"nonascii€","algorithm":"SHA-256"}`), 200)
		r, _ := e.digest("GET", "/api/accounts/me", "nonascii", "nonascii€", "")
		expect(t, r, 200)
	})
}

func TestAdminMultiDomains(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
	expect(t, e.create(`{"username":"same-user","password":"123456","algorithm":"SHA-256","domain":"one.example.org"}`), 200)
	r := e.create(`{"username":"same-user","password":"123456","algorithm":"SHA-256","domain":"two.example.org"}`)
	expect(t, r, 200)
	if r.JSON(t)["domain"] != "two.example.org" {
		t.Fatal(r.Body)
	}
	list := e.asAdmin("GET", "/api/accounts", "").JSON(t)
	data := list["data"].([]any)
	if list["total"] != float64(3) || len(data) != 3 {
		t.Fatalf("%v", list)
	}
	for i, want := range []string{domain, "one.example.org", "two.example.org"} {
		if got := data[i].(map[string]any)["domain"]; got != want {
			t.Fatalf("item %d: domain %v, want %v (creation order)", i, got, want)
		}
	}
}

func TestAdminShowListDelete(t *testing.T) {
	e := newEnv(t, nil)
	created := e.create(`{"username":"showme","password":"123456","algorithm":"SHA-256"}`).JSON(t)
	id := int(created["id"].(float64))
	r := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", id), "")
	expect(t, r, 200)
	keys := strings.Join(keysOf(t, r.Body), " ")
	if strings.Contains(keys, "passwords") || strings.Contains(keys, " admin ") || !strings.Contains(keys, "confirmation_key ") {
		t.Fatalf("admin show: no passwords nor admin, with confirmation_key: %s", keys)
	}
	if r.JSON(t)["confirmation_key"] != created["confirmation_key"] || r.JSON(t)["phone"] != nil {
		t.Fatal(r.Body)
	}

	for i := 0; i < 21; i++ {
		expect(t, e.create(fmt.Sprintf(`{"username":"bulk%02d","password":"123456","algorithm":"SHA-256"}`, i)), 200)
	}
	page1 := e.asAdmin("GET", "/api/accounts", "").JSON(t)
	if page1["total"] != float64(23) || page1["per_page"] != float64(20) || page1["last_page"] != float64(2) || len(page1["data"].([]any)) != 20 {
		t.Fatalf("page 1: %v", page1)
	}
	if page1["next_page_url"] != e.url+"/api/accounts?page=2" || page1["path"] != e.url+"/api/accounts" {
		t.Fatalf("URLs: %v %v", page1["next_page_url"], page1["path"])
	}
	item := page1["data"].([]any)[0].(map[string]any)
	if _, ok := item["passwords"]; ok {
		t.Fatal("list items have no passwords")
	}
	if _, ok := item["confirmation_key"]; ok {
		t.Fatal("list items have no confirmation_key")
	}
	page2 := e.asAdmin("GET", "/api/accounts?page=2", "").JSON(t)
	if len(page2["data"].([]any)) != 3 || page2["from"] != float64(21) || page2["to"] != float64(23) {
		t.Fatalf("page 2: %v", page2)
	}

	r = e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", id), "")
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("delete: %d %q", r.Status, r.Body)
	}
	expectMessage(t, e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", id), ""), 404, "Missing elements to perform the request")
	expectMessage(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", id), ""), 404, "Missing elements to perform the request")
	// The tombstone keeps the username reserved.
	r = e.create(`{"username":"showme","password":"123456","algorithm":"SHA-256"}`)
	expect(t, r, 422)
	if got := e.asAdmin("GET", "/api/accounts", "").JSON(t)["total"]; got != float64(22) {
		t.Fatalf("total after delete: %v", got)
	}
}

func TestGuard(t *testing.T) {
	e := newEnv(t, nil)
	user := e.newAccount("plainuser", "secret", "SHA-256", false)
	expect(t, e.withKey(user.Key, "GET", "/api/accounts/me", ""), 200)
	expectMessage(t, e.withKey(user.Key, "GET", "/api/accounts", ""), 403, "Unauthorized area")
	expectMessage(t, e.withKey(user.Key, "POST", "/api/accounts", `{"username":"x"}`), 403, "Unauthorized area")
	r, _ := e.digest("GET", "/api/accounts", "plainuser", "secret", "")
	expectMessage(t, r, 403, "Unauthorized area")

	// AccountBlockingTest::testAdminBlocking
	r = e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/block", user.ID), "")
	expect(t, r, 200)
	if r.JSON(t)["blocked"] != true {
		t.Fatal(r.Body)
	}
	expectMessage(t, e.withKey(user.Key, "GET", "/api/accounts/me", ""), 403, "Account blocked")
	r, _ = e.digest("GET", "/api/accounts/me", "plainuser", "secret", "")
	expectMessage(t, r, 403, "Account blocked")
	r = e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/unblock", user.ID), "")
	if r.JSON(t)["blocked"] != false {
		t.Fatal(r.Body)
	}
	expect(t, e.withKey(user.Key, "GET", "/api/accounts/me", ""), 200)

	// testActivateDeactivate (the state changes)
	if m := e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/deactivate", user.ID), "").JSON(t); m["activated"] != false {
		t.Fatal(m)
	}
	if m := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", user.ID), "").JSON(t); m["activated"] != false {
		t.Fatal(m)
	}
	if m := e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/activate", user.ID), "").JSON(t); m["activated"] != true {
		t.Fatal(m)
	}
	expect(t, e.asAdmin("POST", "/api/accounts/999999/block", ""), 404)
}

// TestBadInput: every bad request gets a 4xx JSON error and changes nothing.
func TestBadInput(t *testing.T) {
	e := newEnv(t, nil)
	count := func() float64 { return e.asAdmin("GET", "/api/accounts", "").JSON(t)["total"].(float64) }
	before := count()
	for _, c := range []struct {
		name, method, path, body string
		status                   int
	}{
		{"malformed JSON", "POST", "/api/accounts", `{"username":"abcdef",`, 400},
		{"JSON array", "POST", "/api/accounts", `["abcdef"]`, 400},
		{"JSON string", "POST", "/api/accounts", `"abcdef"`, 400},
		{"wrong types", "POST", "/api/accounts", `{"username":123,"password":true,"algorithm":["MD5"],"activated":"yes"}`, 422},
		{"nested values", "POST", "/api/accounts", `{"username":{"a":"b"},"password":"123456","algorithm":"MD5"}`, 422},
		{"empty body", "POST", "/api/accounts", ``, 422},
		{"unknown route", "GET", "/api/nothing/here", "", 404},
		{"unknown route outside /api", "GET", "/nothing", "", 404},
		{"wrong method", "PUT", "/api/accounts/me", "", 405},
		{"wrong method on the collection", "PATCH", "/api/accounts", `{}`, 405},
		{"non-numeric id (show)", "GET", "/api/accounts/abc", "", 404},
		{"non-numeric id (delete)", "DELETE", "/api/accounts/abc", "", 404},
		{"huge id", "GET", "/api/accounts/99999999999999999999999", "", 404},
		{"negative id", "DELETE", "/api/accounts/-1", "", 404},
		{"non-numeric id (block)", "POST", "/api/accounts/abc/block", "", 422},
		{"non-numeric id (activate)", "POST", "/api/accounts/1e3/activate", "", 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.asAdmin(c.method, c.path, c.body)
			expect(t, r, c.status)
		})
	}
	r := e.do("POST", "/api/accounts", header{"X-Api-Key": e.admin.Key, "Content-Type": "application/x-www-form-urlencoded"}, "username=formuser&password=123456&algorithm=MD5")
	expect(t, r, 200) // a form body is input too, as in Laravel
	if got := count(); got != before+1 {
		t.Fatalf("accounts: %v, want %v: a bad request wrote something", got, before+1)
	}
	r = e.asAdmin("PUT", "/api/accounts/me", "")
	if allow := r.Header.Get("Allow"); allow != "GET, HEAD, DELETE" {
		t.Fatalf("Allow %q", allow)
	}
	if msg := r.JSON(t)["message"]; msg != "The PUT method is not supported for route api/accounts/me. Supported methods: GET, HEAD, DELETE." {
		t.Fatalf("%v", msg)
	}
	if msg := e.do("GET", "/api/nothing", nil, "").JSON(t)["message"]; msg != "The route api/nothing could not be found." {
		t.Fatalf("%v", msg)
	}
	if r := e.do("OPTIONS", "/api/accounts", nil, ""); r.Status != 200 || r.Header.Get("Allow") != "GET,HEAD,POST" {
		t.Fatalf("OPTIONS: %d %v", r.Status, r.Header)
	}
}

// TestConcurrentCreation: 20 admins create the same username at once.
func TestConcurrentCreation(t *testing.T) {
	e := newEnv(t, nil)
	var wg sync.WaitGroup
	results := make([]response, 20)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = e.create(`{"username":"racer1","password":"123456","algorithm":"SHA-256"}`)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		switch r.Status {
		case http.StatusOK:
			ok++
		case http.StatusUnprocessableEntity:
			if got := r.errorsOf(t, "username"); len(got) != 1 || got[0] != "The username has already been taken." {
				t.Errorf("422 %s", r.Body)
			}
		default:
			t.Errorf("status %d: %s", r.Status, r.Body)
		}
	}
	if ok != 1 {
		t.Fatalf("%d creations succeeded, want exactly 1", ok)
	}
	if total := e.asAdmin("GET", "/api/accounts", "").JSON(t)["total"]; total != float64(2) {
		t.Fatalf("total %v, want 2 (admin + racer1)", total)
	}
}
