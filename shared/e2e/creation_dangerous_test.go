//go:build integration

package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// The dangerous endpoints (APP_DANGEROUS_ENDPOINTS) and the 2021 routes
// (aliases of their successors), ports of ApiAccountTest and of the 2021
// tests.

func crDangerousPaths() [][2]string {
	return [][2]string{
		{"POST", "/api/accounts/public"},
		{"GET", "/api/accounts/+33612345678/info-by-phone"},
		{"POST", "/api/accounts/recover-by-phone"},
		{"GET", "/api/accounts/bob@" + domain + "/recover/1234"},
	}
}

// testRecoverTwice: the endpoints are disabled by default: 404 like an
// unknown route, before any validation.
func TestApiAccountTest_testRecoverTwice(t *testing.T) {
	e := newCreationEnv(t, nil)
	before := e.snapshot()
	for _, p := range crDangerousPaths() {
		r := e.do(p[0], p[1], nil, `{"phone":"bad"}`)
		expect(t, r, 404)
		if m, _ := r.JSON(t)["message"].(string); !strings.HasPrefix(m, "The route ") {
			t.Fatalf("%s %s: %v", p[0], p[1], m)
		}
	}
	// info-by-phone does not even validate the phone when disabled.
	expect(t, e.do("GET", "/api/accounts/nospaces/info-by-phone", nil, ""), 404)
	e.expectUnchanged(before)
}

func TestApiAccountTest_testCreatePublic(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true", "ACCOUNT_EMAIL_UNIQUE": "true"})
	tok := e.crToken(t)
	before := e.snapshot()
	r := e.do("POST", "/api/accounts/public", nil, `{"username":"publicuser","password":"secret1","algorithm":"SHA-256","account_creation_token":"`+tok+`"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "email"); got[0] != "The email field is required when phone is not present." {
		t.Fatalf("%v", got)
	}
	r = e.do("POST", "/api/accounts/public", nil, `{"username":"publicuser","password":"secret1","algorithm":"SHA-256","email":"pub@example.org"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "account_creation_token"); got[0] != "The account creation token field is required." {
		t.Fatalf("%v", got)
	}
	// One step: every error at once.
	r = e.do("POST", "/api/accounts/public", nil, `{"username":"Bad One","algorithm":"sha1","password":"secret1"}`)
	expect(t, r, 422)
	for _, f := range []string{"username", "algorithm", "email", "account_creation_token"} {
		if len(r.errorsOf(t, f)) == 0 {
			t.Fatalf("no %s error: %s", f, r.Body)
		}
	}
	e.expectUnchanged(before)

	r = e.do("POST", "/api/accounts/public", header{"User-Agent": "Linphone/5.1 (test)"},
		`{"username":"publicuser","password":"secret1","algorithm":"SHA-256","email":"pub@example.org","account_creation_token":"`+tok+`"}`)
	expect(t, r, 200)
	m := r.JSON(t)
	if m["activated"] != false || m["email"] != "pub@example.org" || m["user_agent"] != "Linphone/5.1 (test)" || m["domain"] != domain {
		t.Fatalf("%v", m)
	}
	if _, ok := m["confirmation_key"]; ok {
		t.Fatal("confirmation_key is hidden")
	}
	st, _ := e.st.CreationTokenByValue(context.Background(), tok)
	if !st.Used || st.AccountID != int64(m["id"].(float64)) {
		t.Fatalf("token %+v", st)
	}
	expect(t, e.do("POST", "/api/accounts/public", nil,
		`{"username":"publicuser2","password":"secret1","algorithm":"SHA-256","email":"pub2@example.org","account_creation_token":"`+tok+`"}`), 422)
	tok2 := e.crToken(t)
	before = e.snapshot()
	r = e.do("POST", "/api/accounts/public", nil,
		`{"username":"publicuser","password":"secret1","algorithm":"SHA-256","email":"pub3@example.org","account_creation_token":"`+tok2+`"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "username"); got[0] != account.MsgUsernameTaken {
		t.Fatalf("%v", got)
	}
	r = e.do("POST", "/api/accounts/public", nil,
		`{"username":"publicuser3","password":"secret1","algorithm":"SHA-256","email":"pub@example.org","account_creation_token":"`+tok2+`"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "email"); got[0] != account.MsgEmailTaken {
		t.Fatalf("%v", got)
	}
	e.crExpectUnchangedButIDs(before)
	// The body domain is honoured (FlexiAPI), and bounded.
	r = e.do("POST", "/api/accounts/public", nil,
		`{"username":"elsewhere","password":"secret1","algorithm":"MD5","email":"else@example.org","domain":"other.example.org","account_creation_token":"`+tok2+`"}`)
	expect(t, r, 200)
	if r.JSON(t)["domain"] != "other.example.org" {
		t.Fatalf("%v", r.JSON(t))
	}
}

func TestApiAccountTest_testCreatePublicPhone(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true"})
	tok := e.crToken(t)
	before := e.snapshot()
	for _, bad := range []string{"0612345678", "+33 612", "null"} {
		body := `{"phone":"` + bad + `","password":"secret1","algorithm":"SHA-256","account_creation_token":"` + tok + `"}`
		if bad == "null" {
			body = `{"phone":null,"email":"x@example.org","password":"secret1","algorithm":"SHA-256","account_creation_token":"` + tok + `"}`
		}
		r := e.do("POST", "/api/accounts/public", nil, body)
		expect(t, r, 422)
		if len(r.errorsOf(t, "phone")) == 0 {
			t.Fatalf("%s: %s", bad, r.Body)
		}
	}
	e.expectUnchanged(before)
	phone := crPhone()
	r := e.do("POST", "/api/accounts/public", nil, crJSON(t, map[string]any{
		"phone": phone, "email": "phone@example.org", "password": "secret1", "algorithm": "SHA-256", "account_creation_token": tok,
	}))
	expect(t, r, 200)
	if m := r.JSON(t); m["username"] != phone || m["phone"] != phone {
		t.Fatalf("%v", m)
	}
	// The SMS went out (with a phone, even with an email: FlexiAPI).
	if sms := crSMS(t, phone); len(sms) != 1 {
		t.Fatalf("SMS %v", sms)
	}
	a, err := e.st.AccountByPhone(context.Background(), phone)
	if err != nil || a.Username != phone {
		t.Fatalf("alias: %+v %v", a, err)
	}
	tok2 := e.crToken(t)
	before = e.snapshot()
	r = e.do("POST", "/api/accounts/public", nil, crJSON(t, map[string]any{
		"username": "otherphoneuser", "phone": phone, "password": "secret1", "algorithm": "SHA-256", "account_creation_token": tok2,
	}))
	expect(t, r, 422)
	if got := r.errorsOf(t, "phone"); got[0] != account.MsgPhoneTaken {
		t.Fatalf("%v", got)
	}
	e.crExpectUnchangedButIDs(before)
}

func TestApiAccountTest_testRecoverPhone(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true"})
	phone := crPhone()
	r := e.create(crJSON(t, map[string]any{"username": "recoverme", "password": "secret1", "algorithm": "SHA-256", "phone": phone, "activated": true}))
	expect(t, r, 200)
	id := int64(r.JSON(t)["id"].(float64))
	tok := e.crToken(t)
	before := e.snapshot()
	for _, body := range []string{
		`{"phone":"` + phone + `"}`,
		`{"phone":"` + phone + `","account_creation_token":"0123456789abc"}`,
	} {
		r := e.do("POST", "/api/accounts/recover-by-phone", nil, body)
		expect(t, r, 422)
		if len(r.errorsOf(t, "account_creation_token")) == 0 {
			t.Fatalf("%s", r.Body)
		}
	}
	r = e.do("POST", "/api/accounts/recover-by-phone", nil, `{"phone":"0612","account_creation_token":"`+tok+`"}`)
	expect(t, r, 422)
	// Unknown phone: 404, and the token is not consumed.
	expectMessage(t, e.do("POST", "/api/accounts/recover-by-phone", nil, `{"phone":"`+crPhone()+`","account_creation_token":"`+tok+`"}`),
		404, "Missing elements to perform the request")
	e.expectUnchanged(before)

	r = e.do("POST", "/api/accounts/recover-by-phone", nil, `{"phone":"`+phone+`","account_creation_token":"`+tok+`"}`)
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	sms := crSMS(t, phone)
	if len(sms) != 1 || !strings.HasPrefix(sms[0], "Your "+e.cfg.AppName+" recovery code is ") {
		t.Fatalf("SMS %v", sms)
	}
	pin := crPIN(t, sms[0])
	st, _ := e.st.CreationTokenByValue(context.Background(), tok)
	if !st.Used || st.AccountID != id {
		t.Fatalf("token %+v", st)
	}
	expect(t, e.do("POST", "/api/accounts/recover-by-phone", nil, `{"phone":"`+phone+`","account_creation_token":"`+tok+`"}`), 422)

	// Recover with the PIN, through the phone alias: activated, hashes shown.
	r = e.do("GET", "/api/accounts/"+phone+"@"+domain+"/recover/"+pin, nil, "")
	expect(t, r, 200)
	m := r.JSON(t)
	pw := m["passwords"].([]any)[0].(map[string]any)
	if m["activated"] != true || pw["algorithm"] != "SHA-256" || len(pw["password"].(string)) != 64 {
		t.Fatalf("%v", m)
	}
	if keysOf(t, r.Body)[0] != "id" || strings.Join(keysOf(t, `{"password":1,"algorithm":2}`), " ") != "password algorithm" {
		t.Fatal("keys")
	}

	// info-by-phone: through the alias → phone true; a username that is a
	// phone → phone false; unknown → 404; not a phone → 422.
	r = e.do("GET", "/api/accounts/"+phone+"/info-by-phone", nil, "")
	expect(t, r, 200)
	if r.Body != `{"activated":true,"realm":null,"phone":true}` {
		t.Fatalf("%s", r.Body)
	}
	expectMessage(t, e.do("GET", "/api/accounts/"+crPhone()+"/info-by-phone", nil, ""), 404, "Missing elements to perform the request")
	r = e.do("GET", "/api/accounts/0612345678/info-by-phone", nil, "")
	expect(t, r, 422)
	if got := r.errorsOf(t, "phone"); got[0] != "The phone must start with one of the following: +" {
		t.Fatalf("%v", got)
	}
	expect(t, e.do("GET", "/api/accounts/+"+strings.Repeat("9", 3000)+"/info-by-phone", nil, ""), 422)
	userPhone := crPhone()
	tokP := e.crToken(t)
	expect(t, e.do("POST", "/api/accounts/public", nil, crJSON(t, map[string]any{
		"username": userPhone, "email": "u@example.org", "password": "secret1", "algorithm": "SHA-256", "account_creation_token": tokP,
	})), 200)
	if r := e.do("GET", "/api/accounts/"+userPhone+"/info-by-phone", nil, ""); r.Body != `{"activated":false,"realm":null,"phone":false}` {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

func TestApiAccountTest_testRecover(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true"})
	key := crActivationFixture(t, e, "recoverable", "")
	path := "/api/accounts/recoverable@" + domain + "/recover/"
	before := e.snapshot()
	expectMessage(t, e.do("GET", path+"wrongwrongwro", nil, ""), 404, "")
	expectMessage(t, e.do("GET", "/api/accounts/nobody@"+domain+"/recover/"+key, nil, ""), 404, "Missing elements to perform the request")
	expect(t, e.do("GET", "/api/accounts/recoverable/recover/"+key, nil, ""), 404)
	expect(t, e.do("GET", path+strings.Repeat("k", 3000), nil, ""), 404)
	e.expectUnchanged(before)
	r := e.do("GET", path+key, nil, "")
	expect(t, r, 200)
	pw := r.JSON(t)["passwords"].([]any)[0].(map[string]any)
	if r.JSON(t)["activated"] != true || pw["password"] == nil {
		t.Fatalf("%v", r.JSON(t))
	}
	a, _ := e.st.AccountBySIP(context.Background(), "recoverable", domain)
	if a.ConfirmationKey != nil || !a.Activated {
		t.Fatalf("%+v", a)
	}
	expectMessage(t, e.do("GET", path+key, nil, ""), 404, "")
}

// The 2021 tests: AccountTokenTest (POST /tokens, POST /accounts/with-token)
// and AccountApiTest's GET activate/deactivate, as the Linphone 5.1 client
// sends them (every value a string).
func TestAccountTokenTest2021(t *testing.T) {
	e := newCreationEnv(t, nil)
	before := e.snapshot()
	expect(t, e.do("POST", "/api/tokens", nil, `{"pn_provider":"fcm"}`), 422)
	expectMessage(t, e.do("POST", "/api/tokens", nil, crPushBody("nowhere", "p", crDevice())), 503, "Token not sent")
	e.expectUnchanged(before)
	prid := crDevice()
	r := e.do("POST", "/api/tokens", nil, crPushBody("apns", "ABCD1234.org.linphone.phone.voip&remote", prid))
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	msgs, _ := crPushesTo(t, prid)
	if len(msgs) != 1 {
		t.Fatalf("%v", msgs)
	}
	tok := crPushedToken(t, msgs[0])
	before = e.snapshot()
	r = e.do("POST", "/api/accounts/with-token", nil, `{"username":"oldclient","password":"secret1","algorithm":"SHA-256","domain":"`+domain+`"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "token"); got[0] != "The token field is required." {
		t.Fatalf("%v", got)
	}
	expect(t, e.do("POST", "/api/accounts/with-token", nil, `{"username":"oldclient","password":"secret1","algorithm":"SHA-256","token":"0123456789abc"}`), 422)
	e.expectUnchanged(before)
	r = e.do("POST", "/api/accounts/with-token", nil, `{"username":"oldclient","password":"secret1","algorithm":"SHA-256","domain":"`+domain+`","token":"`+tok+`"}`)
	expect(t, r, 200)
	id := r.JSON(t)["id"].(float64)
	r = e.do("POST", "/api/accounts/with-token", nil, `{"username":"oldclient2","password":"secret1","algorithm":"SHA-256","token":"`+tok+`"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "token"); got[0] != account.MsgInvalidCreationToken {
		t.Fatalf("%v", got)
	}
	expectMessage(t, e.do("POST", "/api/tokens", nil, crPushBody("apns", "ABCD1234.org.linphone.phone.voip&remote", prid)), 429, account.MsgTooRecently)

	// AccountApiTest (2021): GET activate / deactivate, admin.
	idPath := "/api/accounts/" + strconv.FormatInt(int64(id), 10)
	r = e.asAdmin("GET", idPath+"/activate", "")
	expect(t, r, 200)
	if r.JSON(t)["activated"] != true {
		t.Fatalf("%v", r.JSON(t))
	}
	r = e.asAdmin("GET", idPath+"/deactivate", "")
	expect(t, r, 200)
	if r.JSON(t)["activated"] != false {
		t.Fatalf("%v", r.JSON(t))
	}
	expect(t, e.do("GET", idPath+"/activate", nil, ""), 422) // FlexiAPI: From is required without credentials
	expect(t, e.asAdmin("GET", "/api/accounts/notanid/activate", ""), 422)
}

// An alias whose account is in another domain: FlexiAPI answers 500
// (its account lookup is scoped); the public does not see it: 404, and the
// token is not consumed.
func TestDangerousAliasInOtherDomain(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true", "APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
	phone := crPhone()
	expect(t, e.create(crJSON(t, map[string]any{"username": "elsewhere", "password": "secret1", "algorithm": "SHA-256",
		"domain": "other.example.org", "phone": phone})), 200)
	tok := e.crToken(t)
	before := e.snapshot()
	expectMessage(t, e.do("GET", "/api/accounts/"+phone+"/info-by-phone", nil, ""), 404, "Missing elements to perform the request")
	expectMessage(t, e.do("POST", "/api/accounts/recover-by-phone", nil, `{"phone":"`+phone+`","account_creation_token":"`+tok+`"}`),
		404, "Missing elements to perform the request")
	expect(t, e.do("GET", "/api/accounts/"+phone+"@"+domain+"/recover/1234", nil, ""), 404)
	expect(t, e.do("GET", "/api/accounts/elsewhere@other.example.org/info", nil, ""), 404)
	e.expectUnchanged(before)
	if len(crSMS(t, phone)) != 0 {
		t.Fatal("no SMS for an account the public does not see")
	}
}
