//go:build integration

package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// Ports of FlexiAPI's tests/Feature/ApiAccountTest.php for the admin
// endpoints: one Go test per reference method, named
// TestApiAccountTest_<method>. The public and /accounts/me methods of that
// class (testSimpleAccount, testActivateEmail, testRecover*, testCreatePublic*,
// testActivatePhone, testChangeEmail, testChangePassword) belong to those
// areas' files.

func idOf(t *testing.T, r response) int64 {
	t.Helper()
	id, ok := r.JSON(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id: %s", r.Body)
	}
	return int64(id)
}

func firstError(t *testing.T, r response, field string) string {
	t.Helper()
	errs := r.errorsOf(t, field)
	if len(errs) == 0 {
		t.Fatalf("no error on %s: %s", field, r.Body)
	}
	return errs[0]
}

func TestApiAccountTest_testMandatoryFrom(t *testing.T) {
	e := newEnv(t, nil)
	before := e.snapshot()
	r := e.do("POST", "/api/accounts", nil, `{"username":"hello","password":"123456","algorithm":"SHA-256"}`)
	expect(t, r, 422)
	if firstError(t, r, "from") != "The from field is required." {
		t.Fatal(r.Body)
	}
	e.expectUnchanged(before)
}

func TestApiAccountTest_testNotAdminForbidden(t *testing.T) {
	e := newEnv(t, nil)
	e.newAccount("notadmin", "secret1", "SHA-256", false)
	before := e.snapshot()
	r, _ := e.digest("POST", "/api/accounts", "notadmin", "secret1", `{"username":"hello","password":"123456","algorithm":"SHA-256"}`)
	expectMessage(t, r, 403, "Unauthorized area")
	e.expectUnchanged(before)
}

func TestApiAccountTest_testAdminOk(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"foobar","algorithm":"SHA-256","password":"123456","dtmf_protocol":"sipinfo"}`)
	expect(t, r, 200)
	m := r.JSON(t)
	if m["id"] != float64(2) || m["username"] != "foobar" || m["activated"] != false || m["dtmf_protocol"] != "sipinfo" {
		t.Fatal(r.Body)
	}
	// The account exists and authenticates with its password.
	d, _ := e.digest("GET", "/api/accounts/me", "foobar", "123456", "")
	expect(t, d, 200)
}

func TestApiAccountTest_testUsernameNotPhone(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"+33612121212","algorithm":"SHA-256","password":"123456"}`)
	expect(t, r, 422)
	if firstError(t, r, "username") != "The username should not be a phone number" {
		t.Fatal(r.Body)
	}
	e2 := newEnv(t, map[string]string{"APP_ALLOW_PHONE_NUMBER_USERNAME_ADMIN_API": "true"})
	r = e2.create(`{"username":"+33612121212","algorithm":"SHA-256","password":"123456"}`)
	expect(t, r, 200)
	if r.JSON(t)["username"] != "+33612121212" {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testUsernameNotSIP(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"blabla🔥","algorithm":"SHA-256","password":"123456"}`)
	expect(t, r, 422)
	if firstError(t, r, "username") != "The username should be a valid SIP username" {
		t.Fatal(r.Body)
	}
	e2 := newEnv(t, map[string]string{"ACCOUNT_USERNAME_REGEX": `^[a-z0-9🔥+_.-]*$`})
	expect(t, e2.create(`{"username":"blabla🔥","algorithm":"SHA-256","password":"123456"}`), 200)
	expect(t, e2.create(`{"username":"blabla hop","algorithm":"SHA-256","password":"123456"}`), 422)
}

func TestApiAccountTest_testDomain(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"subdomain","algorithm":"SHA-256","password":"123456","domain":"sub.example.org"}`)
	expect(t, r, 200)
	m := r.JSON(t)
	if m["domain"] != domain {
		t.Fatalf("multi-domain off: the body domain is ignored: %s", r.Body)
	}
	if k, _ := m["confirmation_key"].(string); k == "" {
		t.Fatal(r.Body)
	}
	if k, _ := m["provisioning_token"].(string); k == "" {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testAdminMultiDomains(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
	body := `{"username":"foobar","algorithm":"SHA-256","password":"123456","domain":%q}`
	expect(t, e.create(fmt.Sprintf(body, "sip.example.com")), 200)
	expect(t, e.create(fmt.Sprintf(body, "sip2.example.com")), 200)
	list := e.asAdmin("GET", "/api/accounts", "").JSON(t)
	if list["total"] != float64(3) || len(list["data"].([]any)) != 3 {
		t.Fatalf("%v", list)
	}
}

func TestApiAccountTest_testDomainInTestDeployment(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
	r := e.create(`{"username":"foobar","algorithm":"SHA-256","password":"123456","domain":"sip.test.org"}`)
	expect(t, r, 200)
	if r.JSON(t)["domain"] != "sip.test.org" {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testUsernameNoDomain(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"nodomain","algorithm":"SHA-256","password":"123456"}`)
	expect(t, r, 200)
	if r.JSON(t)["domain"] != domain {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testUsernameEmpty(t *testing.T) {
	e := newEnv(t, nil)
	before := e.snapshot()
	r := e.create(`{"username":"","algorithm":"SHA-256","password":"2"}`)
	expect(t, r, 422)
	if firstError(t, r, "username") != "The username field is required." {
		t.Fatal(r.Body)
	}
	e.expectUnchanged(before)
}

func TestApiAccountTest_testAdmin(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"administrator","algorithm":"SHA-256","password":"123456","admin":true}`)
	expect(t, r, 200)
	m := r.JSON(t)
	// Not a boolean but the admin JSON object, as FlexiAPI's test says.
	if admin, ok := m["admin"].(map[string]any); !ok || admin["created_at"] == nil {
		t.Fatal(r.Body)
	}
	if m["confirmation_key"] == nil || m["provisioning_token"] == nil {
		t.Fatal(r.Body)
	}
	// The new admin can use the admin endpoints.
	d, _ := e.digest("GET", "/api/accounts", "administrator", "123456", "")
	expect(t, d, 200)
}

func TestApiAccountTest_testAdminWithDictionary(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"dictuser","algorithm":"SHA-256","password":"123456","dictionary":{"foo":"bar"}}`)
	expect(t, r, 200)
	if d, _ := r.JSON(t)["dictionary"].(map[string]any); d["foo"] != "bar" || len(d) != 1 {
		t.Fatal(r.Body)
	}
	before := e.snapshot()
	const msg = "The dictionary must be an assiocative dictionary of strings"
	for _, dict := range []string{`{"foo":{"bar":"baz"}}`, `"hop"`, `null`, `{"foo":1}`} {
		r = e.create(`{"username":"dictuser2","algorithm":"SHA-256","password":"123456","dictionary":` + dict + `}`)
		expect(t, r, 422)
		if firstError(t, r, "dictionary") != msg {
			t.Fatalf("%s: %s", dict, r.Body)
		}
	}
	e.expectUnchanged(before)
}

func TestApiAccountTest_testActivated(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"activated","algorithm":"SHA-256","password":"123456","activated":true}`)
	expect(t, r, 200)
	if m := r.JSON(t); m["activated"] != true || m["confirmation_key"] != nil {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testNotActivated(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"notactivated","algorithm":"SHA-256","password":"123456","activated":false}`)
	expect(t, r, 200)
	if m := r.JSON(t); m["activated"] != false || m["confirmation_key"] == nil || m["provisioning_token"] == nil {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testUniqueEmailAdmin(t *testing.T) {
	e := newEnv(t, map[string]string{"ACCOUNT_EMAIL_UNIQUE": "true"})
	expect(t, e.create(`{"username":"hopper1","algorithm":"SHA-256","password":"123456","email":"hop@example.org"}`), 200)
	before := e.snapshot()
	r := e.create(`{"username":"hopper2","algorithm":"SHA-256","password":"123456","email":"hop@example.org"}`)
	expect(t, r, 422)
	if firstError(t, r, "email") != "The email has already been taken." {
		t.Fatal(r.Body)
	}
	// Only the id counter moved (a cancelled creation consumes an id, as
	// an auto-increment does).
	e.expectUnchangedExcept(before, "COUNTER#")
}

func TestApiAccountTest_testNonAsciiPasswordAdmin(t *testing.T) {
	e := newEnv(t, nil)
	expect(t, e.create(`{"username":"nonascii","algorithm":"SHA-256","password":"nonascii€"}`), 200)
	d, _ := e.digest("GET", "/api/accounts/me", "nonascii", "nonascii€", "")
	expect(t, d, 200)
}

func TestApiAccountTest_testEditAdmin(t *testing.T) {
	e := newEnv(t, nil)
	id := idOf(t, e.create(`{"username":"edited","algorithm":"MD5","password":"123456","display_name":"Name","email":"a@example.org"}`))
	path := fmt.Sprintf("/api/accounts/%d", id)
	before := e.snapshot()

	r := e.asAdmin("PUT", path, `{}`)
	expect(t, r, 422)
	if firstError(t, r, "username") != "The username field is required." {
		t.Fatal(r.Body)
	}
	// Username only: the algorithm (and, here, the password) are missing.
	r = e.asAdmin("PUT", path, `{"username":"edited2"}`)
	expect(t, r, 422)
	if firstError(t, r, "password") != "The password field is required." {
		t.Fatal(r.Body)
	}
	r = e.asAdmin("PUT", path, `{"username":"edited2","password":"123456"}`)
	expect(t, r, 422)
	if firstError(t, r, "algorithm") != "The algorithm field is required." {
		t.Fatal(r.Body)
	}
	e.expectUnchanged(before)

	r = e.asAdmin("PUT", path, `{"username":"edited2","algorithm":"SHA-256","password":"654321"}`)
	expect(t, r, 200)
	m := r.JSON(t)
	if m["username"] != "edited2" || m["display_name"] != nil || m["email"] != nil {
		t.Fatalf("omitted fields are cleared: %s", r.Body)
	}
	if p := m["passwords"].([]any); len(p) != 1 || p[0].(map[string]any)["algorithm"] != "SHA-256" {
		t.Fatalf("the password row has the new algorithm: %s", r.Body)
	}
	if _, ok := m["confirmation_key"]; !ok {
		t.Fatalf("the update answers confirmation_key: %s", r.Body)
	}
	// The stored account says the same, and the new identity authenticates.
	if got := e.asAdmin("GET", path, "").JSON(t); got["username"] != "edited2" || got["display_name"] != nil {
		t.Fatal(got)
	}
	d, _ := e.digest("GET", "/api/accounts/me", "edited2", "654321", "")
	expect(t, d, 200)
	expect(t, e.do("GET", "/api/accounts/me", header{"From": "sip:edited@" + domain}, ""), 404)
}

func TestApiAccountTest_testActivateDeactivate(t *testing.T) {
	e := newEnv(t, nil)
	id := idOf(t, e.create(`{"username":"switchy","algorithm":"SHA-256","password":"123456","email":"switchy@example.org"}`))
	r := e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/deactivate", id), "")
	expect(t, r, 200)
	if r.JSON(t)["activated"] != false {
		t.Fatal(r.Body)
	}
	if m := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", id), "").JSON(t); m["activated"] != false {
		t.Fatal(m)
	}
	r = e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/activate", id), "")
	if r.JSON(t)["activated"] != true {
		t.Fatal(r.Body)
	}
	if m := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", id), "").JSON(t); m["activated"] != true {
		t.Fatal(m)
	}
	r = e.asAdmin("GET", "/api/accounts/switchy@"+domain+"/search", "")
	expect(t, r, 200)
	if idOf(t, r) != id {
		t.Fatal(r.Body)
	}
	r = e.asAdmin("GET", "/api/accounts/switchy@example.org/search-by-email", "")
	expect(t, r, 200)
	if idOf(t, r) != id {
		t.Fatal(r.Body)
	}
	expectMessage(t, e.asAdmin("GET", "/api/accounts/nobody@example.org/search-by-email", ""), 404, "Missing elements to perform the request")
}

func TestApiAccountTest_testGetAll(t *testing.T) {
	e := newEnv(t, nil)
	expect(t, e.create(`{"username":"getall","algorithm":"SHA-256","password":"123456"}`), 200)
	if total := e.asAdmin("GET", "/api/accounts", "").JSON(t)["total"]; total != float64(2) {
		t.Fatalf("total %v", total)
	}
	r := e.asAdmin("GET", "/api/accounts/1", "")
	expect(t, r, 200)
	if m := r.JSON(t); m["id"] != float64(1) || m["phone"] != nil {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testCodeExpires(t *testing.T) {
	e := newEnv(t, nil)
	r := e.create(`{"username":"expires1","algorithm":"SHA-256","password":"123456","activated":true,"confirmation_key_expires":"2040-12-12 12:12:12"}`)
	expect(t, r, 200)
	if r.JSON(t)["confirmation_key_expires"] != nil {
		t.Fatal(r.Body)
	}
	r = e.create(`{"username":"expires2","algorithm":"SHA-256","password":"123456","confirmation_key_expires":"abc"}`)
	expect(t, r, 422)
	if firstError(t, r, "confirmation_key_expires") != "The confirmation key expires does not match the format Y-m-d H:i:s." {
		t.Fatal(r.Body)
	}
	r = e.create(`{"username":"expires3","algorithm":"SHA-256","password":"123456","confirmation_key_expires":"2040-12-12 12:12:12"}`)
	expect(t, r, 200)
	if r.JSON(t)["confirmation_key_expires"] != "2040-12-12 12:12:12" {
		t.Fatal(r.Body)
	}
	// FlexiAPI answers 500 to a present null (NOT NULL column); it means
	// no expiry here.
	r = e.create(`{"username":"expires4","algorithm":"SHA-256","password":"123456","confirmation_key_expires":null}`)
	expect(t, r, 200)
	if m := r.JSON(t); m["confirmation_key_expires"] != nil || m["activation_expiration"] != nil {
		t.Fatal(r.Body)
	}
}

func TestApiAccountTest_testDelete(t *testing.T) {
	e := newEnv(t, nil)
	id := idOf(t, e.create(`{"username":"deleteme","algorithm":"SHA-256","password":"123456"}`))
	r := e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", id), "")
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	if tombs := e.snapshot().keysWithPrefix("TOMBSTONE#"); len(tombs) != 1 || !strings.Contains(tombs[0], "deleteme") {
		t.Fatalf("tombstones %v", tombs)
	}
	expect(t, e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", id), ""), 404)
}

// The validation rules of admin creation not covered by slice_test.go, with
// FlexiAPI's messages (and ours for the bounds), each writing nothing.
func TestAdminCreateValidation(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_ALLOW_PHONE_NUMBER_USERNAME_ADMIN_API": "true"})
	expect(t, e.create(`{"username":"+3361111","algorithm":"SHA-256","password":"123456"}`), 200)
	manyEntries := make([]string, 101)
	for i := range manyEntries {
		manyEntries[i] = fmt.Sprintf(`"k%d":"v"`, i)
	}
	before := e.snapshot()
	for _, c := range []struct{ body, field, msg string }{
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","phone":"+33 6 11"}`, "phone", "The phone contains spaces"},
		// A phone that is a username in any domain (FlexiAPI's check on creation).
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","phone":"+3361111"}`, "phone", "The phone has already been taken."},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","phone":["+33"]}`, "phone", "The phone must be a string."},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","email":"a@b@c"}`, "email", "The email must be a valid email address."},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","email":"` + strings.Repeat("e", 250) + `@x.org"}`, "email", "The email must not be greater than 254 characters."},
		{`{"username":"` + strings.Repeat("u", 65) + `","algorithm":"SHA-256","password":"123456"}`, "username", "The username must not be greater than 64 characters."},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","display_name":"` + strings.Repeat("n", 256) + `"}`, "display_name", "The display name must not be greater than 255 characters."},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","domain":"a b"}`, "domain", "The domain contains spaces"},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","dictionary":{` + strings.Join(manyEntries, ",") + `}}`, "dictionary", "The dictionary must not have more than 100 items."},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","dictionary":{"k":"` + strings.Repeat("v", 256) + `"}}`, "dictionary", "The dictionary keys and values must not be greater than 255 characters."},
		{`{"username":"validname","algorithm":"SHA-256","password":"123456","confirmation_key_expires":"2040-12-12T12:12:12Z"}`, "confirmation_key_expires", "The confirmation key expires does not match the format Y-m-d H:i:s."},
	} {
		r := e.create(c.body)
		expect(t, r, 422)
		if got := firstError(t, r, c.field); got != c.msg {
			t.Errorf("%.80s: %s %q, want %q", c.body, c.field, got, c.msg)
		}
	}
	e.expectUnchanged(before)
}

// TestAccountIndexPageBounds: a page number whose offset would overflow
// is a 422 on page (it once answered page 1's accounts with from -39),
// and the last accepted page is an empty page past the end.
func TestAccountIndexPageBounds(t *testing.T) {
	e := newEnv(t, nil)
	for _, page := range []string{"9223372036854775807", "10000001", "99999999999999999999"} {
		r := e.asAdmin("GET", "/api/accounts?page="+page, "")
		expect(t, r, 422)
		if got := r.errorsOf(t, "page"); len(got) != 1 || got[0] != "The page must not be greater than 10000000." {
			t.Fatalf("page %s: %s", page, r.Body)
		}
	}
	r := e.asAdmin("GET", "/api/accounts?page=10000000", "")
	expect(t, r, 200)
	if m := r.JSON(t); m["current_page"] != float64(10000000) || m["from"] != nil || m["to"] != nil || len(m["data"].([]any)) != 0 {
		t.Fatalf("last page: %s", r.Body)
	}
	if m := e.asAdmin("GET", "/api/accounts?page=abc", "").JSON(t); m["current_page"] != float64(1) || len(m["data"].([]any)) != 1 {
		t.Fatalf("page=abc is the first page, as Laravel reads it: %v", m)
	}
}
