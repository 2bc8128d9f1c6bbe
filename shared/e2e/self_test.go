//go:build integration

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// The authenticated account's own endpoints: deletion, password, email and
// phone changes (with the codes the SMS and emails really carried), the
// BlockingService, the SMS quota, and the devices of a real redis-server.

// user creates an account through the admin API and gives it an API key.
func (e *env) user(body string) creds {
	e.t.Helper()
	r := e.create(body)
	expect(e.t, r, 200)
	id := idOf(e.t, r)
	key, err := e.svc.RefreshAPIKey(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	m := r.JSON(e.t)
	return creds{ID: id, Username: m["username"].(string), Key: key}
}

func (e *env) me(c creds) map[string]any {
	e.t.Helper()
	r := e.withKey(c.Key, "GET", "/api/accounts/me", "")
	expect(e.t, r, 200)
	return r.JSON(e.t)
}

// requestPhone asks for a phone change and returns the code of the SMS
// moto recorded for it.
func (e *env) requestPhone(c creds, phone string) string {
	e.t.Helper()
	before := len(selfSMS(e.t, phone))
	r := e.withKey(c.Key, "POST", "/api/accounts/me/phone/request", `{"phone":"`+phone+`"}`)
	if r.Status != 200 || r.Body != "" {
		e.t.Fatalf("phone request: %d %q", r.Status, r.Body)
	}
	sms := selfSMS(e.t, phone)
	if len(sms) != before+1 {
		e.t.Fatalf("%d SMS to %s, want %d", len(sms), phone, before+1)
	}
	text := sms[len(sms)-1]
	code := selfCode(e.t, text)
	if want := "Your Account Manager validation code is " + code; text != want {
		e.t.Fatalf("SMS %q, want %q", text, want)
	}
	return code
}

func TestApiAccountPhoneChangeTest_testRequest(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"phoneuser","algorithm":"SHA-256","password":"123456"}`)
	r := e.withKey(u.Key, "POST", "/api/accounts/me/phone/request", `{"phone":"blabla"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "phone"); got != "The phone must start with one of the following: +" {
		t.Fatal(got)
	}
}

func TestApiAccountPhoneChangeTest_testConfirmLongCode(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"phoneuser","algorithm":"SHA-256","password":"123456"}`)
	r := e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"wrong"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "code"); got != "The code must be 4 digits." {
		t.Fatal(got)
	}
}

func TestApiAccountPhoneChangeTest_testConfirmGoodCode(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"phoneuser","algorithm":"SHA-256","password":"123456"}`)
	if m := e.me(u); m["phone"] != nil || m["activated"] != false {
		t.Fatal(m)
	}
	phone := selfPhone()
	code := e.requestPhone(u, phone)
	r := e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+code+`"}`)
	expect(t, r, 200)
	if m := r.JSON(t); m["phone"] != phone || m["activated"] != true || m["username"] != "phoneuser" {
		t.Fatal(r.Body)
	}
	if m := e.me(u); m["phone"] != phone || m["activated"] != true {
		t.Fatal(m)
	}
	// The code is consumed.
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+code+`"}`), 404, "Missing elements to perform the request")
}

// The rest of the phone flow: a pending change reused, a wrong code, the
// phone uniqueness rules, the alias moved.
func TestPhoneChangeRules(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"phoneuser","algorithm":"SHA-256","password":"123456"}`)
	other := e.user(`{"username":"otheruser","algorithm":"SHA-256","password":"123456"}`)

	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"1234"}`), 404, "Missing elements to perform the request")

	phone := selfPhone()
	first := e.requestPhone(u, phone)
	second := e.requestPhone(u, phone) // the pending change is reused, with a new code
	if first != second {
		expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+first+`"}`), 403, "")
	}
	wrong := "1000"
	if second == wrong {
		wrong = "1001"
	}
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+wrong+`"}`), 403, "")
	// A wrong code does not consume the right one (FlexiAPI has no attempt counter).
	expect(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+second+`"}`), 200)

	// An account (of any domain) whose username is a phone number.
	phoneUsername := selfPhone()
	if _, _, err := e.svc.EnsureAdmin(context.Background(), phoneUsername, "other.example.org", "secret", "SHA-256"); err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	for name, c := range map[string]struct{ body, msg string }{
		"own alias":            {`{"phone":"` + phone + `"}`, "The phone has already been taken."},
		"a username":           {`{"phone":"` + phoneUsername + `"}`, "The phone has already been taken."},
		"spaces":               {`{"phone":"+33 6 12"}`, "The phone contains spaces"},
		"missing":              {`{}`, "The phone field is required."},
		"null":                 {`{"phone":null}`, "The phone field is required."},
		"not a string":         {`{"phone":["+336"]}`, "The phone must be a string."},
		"over 64 characters":   {`{"phone":"+` + strings.Repeat("1", 64) + `"}`, "The phone must not be greater than 64 characters."},
		"over DynamoDB's keys": {`{"phone":"+` + strings.Repeat("1", 3000) + `"}`, "The phone must not be greater than 64 characters."},
	} {
		r := e.withKey(other.Key, "POST", "/api/accounts/me/phone/request", c.body)
		expect(t, r, 422)
		if got := firstError(t, r, "phone"); got != c.msg {
			t.Errorf("%s: %q, want %q", name, got, c.msg)
		}
	}
	e.expectUnchanged(before)
	if n := len(selfSMS(t, phone)); n != 2 {
		t.Fatalf("%d SMS to %s, want the 2 requested", n, phone)
	}
	// The other account takes u's old number after u moves to a new one.
	phone2 := selfPhone()
	code := e.requestPhone(u, phone2)
	expect(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+code+`"}`), 200)
	code = e.requestPhone(other, phone)
	r := e.withKey(other.Key, "POST", "/api/accounts/me/phone", `{"code":"`+code+`"}`)
	expect(t, r, 200)
	if r.JSON(t)["phone"] != phone || e.me(u)["phone"] != phone2 {
		t.Fatal(r.Body)
	}
}

// A confirmation racing another account for the same number: the second
// confirmation finds the number taken (422), never a 500.
func TestPhoneChangeConfirmRace(t *testing.T) {
	e := newEnv(t, nil)
	a := e.user(`{"username":"racer-a","algorithm":"SHA-256","password":"123456"}`)
	b := e.user(`{"username":"racer-b","algorithm":"SHA-256","password":"123456"}`)
	phone := selfPhone()
	codeA := e.requestPhone(a, phone)
	codeB := e.requestPhone(b, phone) // both pending: the number is nobody's alias yet
	expect(t, e.withKey(a.Key, "POST", "/api/accounts/me/phone", `{"code":"`+codeA+`"}`), 200)
	r := e.withKey(b.Key, "POST", "/api/accounts/me/phone", `{"code":"`+codeB+`"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "phone"); got != "The phone has already been taken." {
		t.Fatal(got)
	}
	if e.me(b)["phone"] != nil {
		t.Fatal("b got the number")
	}
}

func TestAccountBlockingTest_testBlocking(t *testing.T) {
	e := newEnv(t, map[string]string{"BLOCKING_AMOUNT_EVENTS_AUTHORIZED_DURING_PERIOD": "2"})
	u := e.user(`{"username":"blockme","algorithm":"SHA-256","password":"123456"}`)
	e.requestPhone(u, selfPhone())
	address := testenv.UniqueName("blocked") + "@example.org"
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/email/request", `{"email":"`+address+`"}`), 403, "Account blocked")
	if n := len(selfEmails(t, address)); n != 0 {
		t.Fatalf("%d emails sent to a blocked account's request", n)
	}
	// Blocked for good: every authenticated request is refused.
	expectMessage(t, e.withKey(u.Key, "GET", "/api/accounts/me", ""), 403, "Account blocked")
	if m := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", u.ID), "").JSON(t); m["blocked"] != true {
		t.Fatal(m)
	}
}

func TestAccountBlockingTest_testAdminBlocking(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"blockme","algorithm":"SHA-256","password":"123456"}`)
	expect(t, e.withKey(u.Key, "GET", "/api/accounts/me", ""), 200)
	expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/block", u.ID), ""), 200)
	expectMessage(t, e.withKey(u.Key, "GET", "/api/accounts/me", ""), 403, "Account blocked")
	expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/unblock", u.ID), ""), 200)
	expect(t, e.withKey(u.Key, "GET", "/api/accounts/me", ""), 200)
}

// Repeated requests reuse the pending change: no new event, so the limit
// is not reached however often the code is asked again.
func TestBlockingCountsNewChangesOnly(t *testing.T) {
	e := newEnv(t, map[string]string{"BLOCKING_AMOUNT_EVENTS_AUTHORIZED_DURING_PERIOD": "3"})
	u := e.user(`{"username":"patient","algorithm":"SHA-256","password":"123456"}`)
	phone := selfPhone()
	for i := 0; i < 4; i++ {
		e.requestPhone(u, phone)
	}
	// updated_at (1) + the phone change (1) + a new email change (1) = 3.
	expect(t, e.withKey(u.Key, "POST", "/api/accounts/me/email/request", `{"email":"`+testenv.UniqueName("p")+`@example.org"}`), 200)
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/email/request", `{"email":"`+testenv.UniqueName("p")+`@example.org"}`), 403, "Account blocked")
}

// SMS_MAX_PER_PHONE_PER_HOUR (our addition): the sixth SMS to one number
// within the hour is refused, whoever asks, and nothing is sent.
func TestSMSQuotaPerPhone(t *testing.T) {
	awayFromHourBoundary(2 * 60e9)
	e := newEnv(t, nil)
	a := e.user(`{"username":"quotaa","algorithm":"SHA-256","password":"123456"}`)
	b := e.user(`{"username":"quotab","algorithm":"SHA-256","password":"123456"}`)
	phone := selfPhone()
	for i := 0; i < 3; i++ {
		e.requestPhone(a, phone)
	}
	for i := 0; i < 2; i++ {
		e.requestPhone(b, phone)
	}
	before := e.snapshot()
	r := e.withKey(b.Key, "POST", "/api/accounts/me/phone/request", `{"phone":"`+phone+`"}`)
	expectMessage(t, r, 429, "Too many SMS sent to this phone number, try again later.")
	if n := len(selfSMS(t, phone)); n != 5 {
		t.Fatalf("%d SMS sent to %s, want 5", n, phone)
	}
	e.expectUnchanged(before)
	// Another number is not affected.
	e.requestPhone(b, selfPhone())
}

func TestApiAccountTest_testChangeEmail(t *testing.T) {
	e := newEnv(t, map[string]string{"BLOCKING_AMOUNT_EVENTS_AUTHORIZED_DURING_PERIOD": "0"})
	current := testenv.UniqueName("current") + "@example.org"
	u := e.user(`{"username":"emailuser","algorithm":"SHA-256","password":"123456","email":"` + current + `"}`)
	before := e.snapshot()
	for name, c := range map[string]struct{ body, msg string }{
		"bad email":    {`{"email":"gnap"}`, "The email must be a valid email address."},
		"same email":   {`{"email":"` + current + `"}`, "The selected email is invalid."},
		"missing":      {`{}`, "The email field is required."},
		"not a string": {`{"email":7}`, "The email must be a valid email address."},
		"too long":     {`{"email":"` + strings.Repeat("a", 3000) + `@example.org"}`, "The email must not be greater than 254 characters."},
	} {
		r := e.withKey(u.Key, "POST", "/api/accounts/me/email/request", c.body)
		expect(t, r, 422)
		if got := firstError(t, r, "email"); got != c.msg {
			t.Errorf("%s: %q, want %q", name, got, c.msg)
		}
	}
	e.expectUnchanged(before)

	address := testenv.UniqueName("new") + "@example.org"
	r := e.withKey(u.Key, "POST", "/api/accounts/me/email/request", `{"email":"`+address+`"}`)
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	change, _ := e.me(u)["email_change_code"].(map[string]any)
	if change == nil || change["email"] != address || change["ip"] == nil || change["created_at"] == nil {
		t.Fatalf("email_change_code %v", change)
	}
	if _, leaked := change["code"]; leaked {
		t.Fatal("the code is shown")
	}
	mails := selfEmails(t, address)
	if len(mails) != 1 {
		t.Fatalf("%d emails to %s", len(mails), address)
	}
	m := mails[0]
	if m.Subject != "Register Validation" || m.From != "Account Manager <hello@example.com>" ||
		!strings.Contains(m.Body.Text, "You just created an account on Account Manager using your email account.") ||
		!strings.Contains(m.Body.HTML, selfCode(t, m.Body.Text)) {
		t.Fatalf("email %+v", m)
	}
	code := selfCode(t, m.Body.Text)

	// Our addition: the code confirms the change.
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/email", `{"code":"0000"}`), 403, "")
	r = e.withKey(u.Key, "POST", "/api/accounts/me/email", `{"code":"`+code+`"}`)
	expect(t, r, 200)
	if got := r.JSON(t); got["email"] != address || got["email_change_code"] != nil || got["activated"] != true {
		t.Fatal(r.Body)
	}
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/email", `{"code":"`+code+`"}`), 404, "Missing elements to perform the request")
}

func TestApiAccountTest_testChangeEmailUnique(t *testing.T) {
	e := newEnv(t, map[string]string{"BLOCKING_AMOUNT_EVENTS_AUTHORIZED_DURING_PERIOD": "0", "ACCOUNT_EMAIL_UNIQUE": "true"})
	taken := testenv.UniqueName("taken") + "@example.org"
	e.user(`{"username":"owneruser","algorithm":"SHA-256","password":"123456","email":"` + taken + `"}`)
	u := e.user(`{"username":"emailuser","algorithm":"SHA-256","password":"123456"}`)
	r := e.withKey(u.Key, "POST", "/api/accounts/me/email/request", `{"email":"`+taken+`"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "email"); got != "The email has already been taken." {
		t.Fatal(got)
	}
	// Confirmed, the new address is unique too: the owner cannot take it.
	address := testenv.UniqueName("mine") + "@example.org"
	expect(t, e.withKey(u.Key, "POST", "/api/accounts/me/email/request", `{"email":"`+address+`"}`), 200)
	code := selfCode(t, selfEmails(t, address)[0].Body.Text)
	expect(t, e.withKey(u.Key, "POST", "/api/accounts/me/email", `{"code":"`+code+`"}`), 200)
	r = e.create(`{"username":"third","algorithm":"SHA-256","password":"123456","email":"` + address + `"}`)
	expect(t, r, 422)
}

func TestApiAccountTest_testChangePassword(t *testing.T) {
	e := newEnv(t, nil)
	address := testenv.UniqueName("pw") + "@example.org"
	u := e.user(`{"username":"pwuser","algorithm":"SHA-256","password":"123456","email":"` + address + `"}`)
	e.setPasswords("pwuser", map[string]string{})

	r := e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"blabla","password":"2345678"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "algorithm"); got != "The password algorithm must be in MD5, SHA-256" {
		t.Fatal(got)
	}
	// First password: no old one needed, empty body, the account activated
	// and the "Confirmed Registration" email sent.
	r = e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"MD5","password":"2345678"}`)
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	m := e.me(u)
	if pw := m["passwords"].([]any); len(pw) != 1 || pw[0].(map[string]any)["algorithm"] != "MD5" || m["activated"] != true {
		t.Fatal(m)
	}
	mails := selfEmails(t, address)
	if len(mails) != 1 || mails[0].Subject != "Confirmed Registration" || !strings.Contains(mails[0].Body.Text, "sip:pwuser@"+domain) {
		t.Fatalf("mails %+v", mails)
	}

	before := e.snapshot()
	r = e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"SHA-256","password":"3456789"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "old_password"); got != "The old password field is required." {
		t.Fatal(got)
	}
	r = e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"SHA-256","password":"3456789","old_password":"blabla"}`)
	expectMessage(t, r, 422, "Incorrect old password")
	if got := r.errorsOf(t, "old_password"); len(got) != 1 || got[0] != "Incorrect old password" {
		t.Fatal(r.Body)
	}
	r = e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"SHA-256","password":"123","old_password":"2345678"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "password"); got != "The password must be at least 6 characters." {
		t.Fatal(got)
	}
	e.expectUnchanged(before)

	// old_password is trimmed (FlexiAPI's TrimStrings), the new one is not.
	r = e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"SHA-256","password":" 3456789","old_password":" 2345678 "}`)
	if r.Status != 200 || r.Body != "[]" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	if pw := e.me(u)["passwords"].([]any); len(pw) != 1 || pw[0].(map[string]any)["algorithm"] != "SHA-256" {
		t.Fatal(pw)
	}
	// Digest authentication follows the new password at once.
	r, _ = e.digest("GET", "/api/accounts/me", "pwuser", " 3456789", "")
	expect(t, r, 200)
	r, _ = e.digest("GET", "/api/accounts/me", "pwuser", "2345678", "")
	expect(t, r, 401)
	if n := len(selfEmails(t, address)); n != 1 {
		t.Fatalf("%d emails: a later change sends none", n)
	}
}

// A clear-text password row (imported data): FlexiAPI answers 500 when
// comparing the old password with it; we compare it as clear text.
func TestChangePasswordFromClearText(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"clearuser","algorithm":"SHA-256","password":"123456"}`)
	e.setPasswords("clearuser", map[string]string{"CLRTXT": "oldsecret"})
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"MD5","password":"newsecret","old_password":"wrong"}`), 422, "Incorrect old password")
	r := e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"MD5","password":"newsecret","old_password":"oldsecret"}`)
	if r.Status != 200 || r.Body != "[]" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
}

func TestDeleteMe(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"leaving","algorithm":"SHA-256","password":"123456","email":"leaving@example.org"}`)
	// ApiAccountTest::testSimpleAccount's end: /info finds the account,
	// then not after DELETE /accounts/me.
	expect(t, e.do("GET", "/api/accounts/leaving@"+domain+"/info", nil, ""), 200)
	r := e.withKey(u.Key, "DELETE", "/api/accounts/me", "")
	if r.Status != 200 || r.Body != "1" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	expect(t, e.withKey(u.Key, "GET", "/api/accounts/me", ""), 401) // its key went with it
	expectMessage(t, e.do("GET", "/api/accounts/leaving@"+domain+"/info", nil, ""), 404, "Missing elements to perform the request")
	expect(t, e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", u.ID), ""), 404)
	// The username stays reserved (tombstone).
	r = e.create(`{"username":"leaving","algorithm":"SHA-256","password":"123456"}`)
	expect(t, r, 422)
	if got := firstError(t, r, "username"); got != "The username has already been taken." {
		t.Fatal(got)
	}
	for _, k := range e.snapshot().keysWithPrefix("ACCOUNT#") {
		if strings.Contains(k, fmt.Sprintf("ACCOUNT#%d\"", u.ID)) {
			t.Fatalf("an item of the account is left: %s", k)
		}
	}
}

// Flexisip's registrar in a real redis-server: listed, malformed entries
// skipped, one deleted.
func TestDevices(t *testing.T) {
	url := testenv.Endpoint(t, "FLEXISIP_REDIS_URL")
	e := newEnv(t, map[string]string{"FLEXISIP_REDIS_URL": url})
	u := e.user(`{"username":"` + strings.ReplaceAll(testenv.UniqueName("dev"), "-", "") + `","algorithm":"SHA-256","password":"123456"}`)
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	key := "fs:" + u.Username + "@" + domain
	t.Cleanup(func() { rdb.Del(context.Background(), key) })

	r := e.withKey(u.Key, "GET", "/api/accounts/me/devices", "")
	if r.Status != 200 || r.Body != "{}" {
		t.Fatalf("no devices: %d %q (want {}, not PHP's [])", r.Status, r.Body)
	}
	contact := func(uuid, ua string, updated int) string {
		return fmt.Sprintf(`<sip:%s@192.0.2.4:5060;transport=tcp;callid=c%d;expires=3600;cseq=2;updatedAt=%d;alias=no;usedAsRoute=no`+
			`?Path=%%3Csip%%3Aflexisip.example.org%%3Blr%%3E&User-Agent=%s>;+sip.instance="<%s>";expires=3600`, u.Username, updated, updated, ua, uuid)
	}
	if err := rdb.HSet(ctx, key,
		`"<urn:uuid:aaaa-1>"`, contact("urn:uuid:aaaa-1", "LinphoneAndroid%2F5.2.0%20(Pixel)", 1711361472),
		`"<urn:uuid:bbbb-2>"`, contact("urn:uuid:bbbb-2", "LinphoneiOS%2F5.2.1", 1711361999),
		`"<urn:uuid:broken>"`, "garbage;;=",
	).Err(); err != nil {
		t.Fatal(err)
	}
	r = e.withKey(u.Key, "GET", "/api/accounts/me/devices", "")
	expect(t, r, 200)
	want := `{"urn:uuid:aaaa-1":{"uuid":"urn:uuid:aaaa-1","update_time":"2024-03-25T10:11:12.000000Z","user_agent":"LinphoneAndroid/5.2.0 (Pixel)"},` +
		`"urn:uuid:bbbb-2":{"uuid":"urn:uuid:bbbb-2","update_time":"2024-03-25T10:19:59.000000Z","user_agent":"LinphoneiOS/5.2.1"}}`
	if r.Body != want {
		t.Fatalf("devices\n got %s\nwant %s", r.Body, want)
	}
	r = e.withKey(u.Key, "DELETE", "/api/accounts/me/devices/urn:uuid:aaaa-1", "")
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	if exists, _ := rdb.HExists(ctx, key, `"<urn:uuid:aaaa-1>"`).Result(); exists {
		t.Fatal("the device is still in the registrar")
	}
	if body := e.withKey(u.Key, "GET", "/api/accounts/me/devices", "").Body; strings.Contains(body, "aaaa-1") || !strings.Contains(body, "bbbb-2") {
		t.Fatal(body)
	}
	// Unknown device: 200, nothing else removed.
	expect(t, e.withKey(u.Key, "DELETE", "/api/accounts/me/devices/urn:uuid:unknown", ""), 200)
	if n, _ := rdb.HLen(ctx, key).Result(); n != 2 {
		t.Fatalf("%d fields left", n)
	}
}

// No registrar configured, or one that does not answer: no devices, 200.
func TestDevicesWithoutRegistrar(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"not configured": nil,
		"unreachable":    {"FLEXISIP_REDIS_URL": "redis://127.0.0.1:1/0"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, vars)
			u := e.user(`{"username":"nodevices","algorithm":"SHA-256","password":"123456"}`)
			r := e.withKey(u.Key, "GET", "/api/accounts/me/devices", "")
			if r.Status != 200 || r.Body != "{}" {
				t.Fatalf("%d %q", r.Status, r.Body)
			}
			expect(t, e.withKey(u.Key, "DELETE", "/api/accounts/me/devices/urn:uuid:x", ""), 200)
		})
	}
}

// Bad bodies on every route of the account's own: a clear 4xx JSON and
// nothing written.
func TestSelfBadInput(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"baduser","algorithm":"SHA-256","password":"123456"}`)
	before := e.snapshot()
	for _, path := range []string{"/api/accounts/me/password", "/api/accounts/me/email/request", "/api/accounts/me/email",
		"/api/accounts/me/phone/request", "/api/accounts/me/phone"} {
		for _, body := range []string{`{`, `[1,2]`, `"text"`, `12`} {
			r := e.withKey(u.Key, "POST", path, body)
			if r.Status != 400 || !strings.HasPrefix(r.JSON(t)["message"].(string), "Invalid JSON") {
				t.Errorf("%s %q: %d %s", path, body, r.Status, r.Body)
			}
		}
		for _, body := range []string{``, `null`, `{}`, `{"code":{"a":1},"phone":{"a":1},"email":[],"password":[],"algorithm":7}`} {
			r := e.withKey(u.Key, "POST", path, body)
			if r.Status != 422 {
				t.Errorf("%s %q: %d %s", path, body, r.Status, r.Body)
			}
			r.JSON(t)
		}
		for _, code := range []string{`"12345"`, `"12a4"`, `"１２３４"`, `12.5`, `true`} {
			if path != "/api/accounts/me/phone" && path != "/api/accounts/me/email" {
				continue
			}
			r := e.withKey(u.Key, "POST", path, `{"code":`+code+`}`)
			if r.Status != 422 || firstError(t, r, "code") != "The code must be 4 digits." {
				t.Errorf("%s code %s: %d %s", path, code, r.Status, r.Body)
			}
		}
	}
	r := e.do("POST", "/api/accounts/me/password", header{"X-Api-Key": u.Key, "Content-Type": "text/plain"}, "algorithm=MD5")
	if r.Status != 415 {
		t.Errorf("text/plain: %d %s", r.Status, r.Body)
	}
	e.expectUnchanged(before)
}

// SES unreachable: FlexiAPI answers 500 to the email change request (after
// saving the code) and to a first password set (after setting it).
func TestSelfWhenEmailCannotBeSent(t *testing.T) {
	e := newEnv(t, map[string]string{"AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:1"})
	address := testenv.UniqueName("unsent") + "@example.org"
	u := e.user(`{"username":"nomailuser","algorithm":"SHA-256","password":"123456","email":"` + address + `"}`)
	newAddress := testenv.UniqueName("unsent") + "@example.org"
	r := e.withKey(u.Key, "POST", "/api/accounts/me/email/request", `{"email":"`+newAddress+`"}`)
	expectMessage(t, r, 503, "The email could not be sent, try again later.")
	if change, _ := e.me(u)["email_change_code"].(map[string]any); change == nil || change["email"] != newAddress {
		t.Fatalf("the pending change was not kept: %v", change)
	}
	e.setPasswords("nomailuser", map[string]string{})
	r = e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"SHA-256","password":"2345678"}`)
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("first password with the mail failing: %d %q", r.Status, r.Body)
	}
	r, _ = e.digest("GET", "/api/accounts/me", "nomailuser", "2345678", "")
	expect(t, r, 200)
}

// Concurrent change requests of one account: every one answers 200 (a lost
// race on the account item is retried from a fresh read), one pending
// change remains, and it counts as one abuse event.
func TestConcurrentPhoneRequests(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"hurried","algorithm":"SHA-256","password":"123456"}`)
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = e.withKey(u.Key, "POST", "/api/accounts/me/phone/request", `{"phone":"`+selfPhone()+`"}`).Status
		}(i)
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Errorf("request %d: %d", i, s)
			for _, l := range strings.Split(e.logs.String(), "\n") {
				if strings.Contains(l, `"level":"ERROR"`) {
					t.Log(l)
				}
			}
		}
	}
	a, err := e.st.AccountByID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.PhoneChange == nil || len(a.AbuseEvents) != 1 {
		t.Fatalf("pending %+v, events %v: want one pending change, one event", a.PhoneChange, a.AbuseEvents)
	}
}

// Our limit on wrong codes (FlexiAPI has none): the MaxWrongCodes-th wrong
// code cancels the pending change; a new request starts a new count.
func TestWrongCodesCancelTheChange(t *testing.T) {
	e := newEnv(t, nil)
	u := e.user(`{"username":"guesser","algorithm":"SHA-256","password":"123456"}`)
	phone := selfPhone()
	code := e.requestPhone(u, phone)
	for i := 0; i < 4; i++ {
		expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+wrongFor(code)+`"}`), 403, "")
	}
	// A new code (the pending change reused) starts a new count: five
	// wrong ones cancel it, the right one then finds nothing.
	code2 := e.requestPhone(u, phone)
	for i := 0; i < 5; i++ {
		expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+wrongFor(code2)+`"}`), 403, "")
	}
	expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+code2+`"}`), 404, "Missing elements to perform the request")
	code3 := e.requestPhone(u, phone)
	for i := 0; i < 4; i++ {
		expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+wrongFor(code3)+`"}`), 403, "")
	}
	r := e.withKey(u.Key, "POST", "/api/accounts/me/phone", `{"code":"`+code3+`"}`)
	expect(t, r, 200)
	if r.JSON(t)["phone"] != phone {
		t.Fatal(r.Body)
	}
}

func wrongFor(code string) string {
	if code == "1000" {
		return "1001"
	}
	return "1000"
}
