//go:build integration

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// End-to-end creation flows that read what was really sent (moto), and
// the public account routes of ApiAccountTest (activation, information,
// the dangerous endpoints).

// TestCreationByPush: a device asks for a token by push, the token
// arrives in the FCM data message / APNs background push moto recorded,
// and creates the account; the account then provisions and authenticates.
func TestCreationByPush(t *testing.T) {
	e := newCreationEnv(t, map[string]string{
		"SNS_PUSH_PLATFORM_APPLICATIONS": `{"fcm":"flexiapi-fcm","apns":"flexiapi-apns","apns.dev":"flexiapi-apns","fcm:other-project":"flexiapi-fcm-other"}`,
	})
	for _, c := range []struct{ provider, param, platform, app string }{
		{"fcm", "linphone-project", "GCM", "flexiapi-fcm"},
		{"apns", "ABCD1234.org.linphone.phone.voip&remote", "APNS", "flexiapi-apns"},
		{"apns.dev", "ABCD1234.org.linphone.phone", "APNS_SANDBOX", "flexiapi-apns"},
		{"fcm", "other-project", "GCM", "flexiapi-fcm-other"}, // the more specific key wins
	} {
		t.Run(c.provider+" "+c.param, func(t *testing.T) {
			prid := crDevice()
			body := crJSON(t, map[string]any{"pn_provider": c.provider, "pn_param": c.param, "pn_prid": prid})
			r := e.do("POST", "/api/account_creation_tokens/send-by-push", header{"User-Agent": "Linphone/5.1"}, body)
			if r.Status != 200 || r.Body != "" {
				t.Fatalf("%d %q", r.Status, r.Body)
			}
			msgs, arn := crPushesTo(t, prid)
			if len(msgs) != 1 || !strings.Contains(arn, ":endpoint/"+c.platform+"/"+c.app+"/") {
				t.Fatalf("pushes %v to %s", msgs, arn)
			}
			var outer map[string]string
			json.Unmarshal([]byte(msgs[0]), &outer)
			if _, ok := outer[c.platform]; !ok {
				t.Fatalf("no %s payload: %s", c.platform, msgs[0])
			}
			tok := crPushedToken(t, msgs[0])
			stored, err := e.st.CreationTokenByValue(context.Background(), tok)
			if err != nil || stored.Used || stored.Push == nil || stored.Push.PRID != prid || stored.UserAgent != "Linphone/5.1" {
				t.Fatalf("stored token %+v %v", stored, err)
			}
			username := "push" + strings.ToLower(strings.NewReplacer(".", "", " ", "").Replace(c.provider)) + strings.ToLower(c.param[:3])
			r = e.do("POST", "/api/accounts/with-account-creation-token", nil, crJSON(t, map[string]any{
				"username": username, "password": "secret1", "algorithm": "SHA-256", "account_creation_token": tok,
			}))
			expect(t, r, 200)
			if r.JSON(t)["username"] != username {
				t.Fatalf("%v", r.JSON(t))
			}
			// The device is now throttled.
			expectMessage(t, e.do("POST", "/api/account_creation_tokens/send-by-push", nil, body), 429, account.MsgTooRecently)
		})
	}
}

// TestCreationByRequestToken: the request-token flow end to end, with the
// CSRF protection of the validation page and WEB_PANEL off.
func TestCreationByRequestToken(t *testing.T) {
	e := newCreationEnv(t, nil)
	r := e.do("POST", "/api/account_creation_request_tokens", nil, "")
	expect(t, r, 201)
	req := r.JSON(t)["token"].(string)

	t.Run("the form without its CSRF pair is refused", func(t *testing.T) {
		r2 := e.do("POST", "/api/account_creation_request_tokens", nil, "")
		other := r2.JSON(t)["token"].(string)
		page := e.do("GET", "/creation_token/check/"+other, nil, "")
		fields := crFormFields(t, page.Body)
		cookie := strings.Split(page.Header.Get("Set-Cookie"), ";")[0]
		if !strings.HasPrefix(cookie, "creation_token_csrf=") || !strings.Contains(page.Header.Get("Set-Cookie"), "SameSite=Strict") {
			t.Fatalf("cookie %q", page.Header.Get("Set-Cookie"))
		}
		before := e.snapshot()
		form := header{"Content-Type": "application/x-www-form-urlencoded"}
		if resp := e.do("POST", "/creation_token/check/"+req, form, "account_creation_request_token="+req); resp.Status != 419 {
			t.Fatalf("no CSRF field: %d %s", resp.Status, resp.Body)
		}
		// The other page's field and cookie do not validate this token...
		form["Cookie"] = cookie
		if resp := e.do("POST", "/creation_token/check/"+req, form, fields.Encode()); resp.Status != 419 {
			t.Fatalf("cross-token CSRF: %d %s", resp.Status, resp.Body)
		}
		// ...and the field without its cookie does not validate its own.
		delete(form, "Cookie")
		if resp := e.do("POST", "/creation_token/check/"+other, form, fields.Encode()); resp.Status != 419 {
			t.Fatalf("field without cookie: %d %s", resp.Status, resp.Body)
		}
		e.expectUnchanged(before)
	})
	t.Run("unknown and malformed tokens", func(t *testing.T) {
		for _, tok := range []string{"abcdefghijklm", "short", strings.Repeat("x", 3000)} {
			resp := e.do("GET", "/creation_token/check/"+tok, nil, "")
			if resp.Status != 404 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s", tok[:5], resp.Status, resp.Body)
			}
		}
	})
	t.Run("validate, exchange, create", func(t *testing.T) {
		page := e.do("GET", "/creation_token/check/"+req, nil, "")
		if page.Status != 200 || strings.Contains(page.Body, "h-captcha") || !strings.Contains(page.Body, "I'm not a robot") {
			t.Fatalf("%d %s", page.Status, page.Body)
		}
		resp := e.crValidateInBrowser(t, e.cfg.AppURL+"/creation_token/check/"+req)
		if resp.Status != 200 {
			t.Fatalf("%d %s", resp.Status, resp.Body)
		}
		r := e.do("POST", "/api/account_creation_tokens/using-account-creation-request-token", nil, `{"account_creation_request_token":"`+req+`"}`)
		expect(t, r, 201)
		tok := r.JSON(t)["token"].(string)
		expect(t, e.do("POST", "/api/accounts/with-account-creation-token", nil,
			`{"username":"byrequest","password":"secret1","account_creation_token":"`+tok+`"}`), 200)
		// The used request token no longer has a page.
		if resp := e.do("GET", "/creation_token/check/"+req, nil, ""); resp.Status != 404 {
			t.Fatalf("%d", resp.Status)
		}
	})
	t.Run("hCaptcha configured: the widget is shown and an empty answer is refused", func(t *testing.T) {
		ec := newCreationEnv(t, map[string]string{"HCAPTCHA_SECRET": "0x0000000000000000000000000000000000000000", "HCAPTCHA_SITEKEY": "10000000-ffff-ffff-ffff-000000000001"})
		r := ec.do("POST", "/api/account_creation_request_tokens", nil, "")
		req := r.JSON(t)["token"].(string)
		page := ec.do("GET", "/creation_token/check/"+req, nil, "")
		if !strings.Contains(page.Body, `class="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001"`) ||
			!strings.Contains(page.Body, "https://hcaptcha.com/1/api.js") {
			t.Fatalf("%s", page.Body)
		}
		before := ec.snapshot()
		resp := ec.crValidateInBrowser(t, ec.cfg.AppURL+"/creation_token/check/"+req)
		if resp.Status != 422 || !strings.Contains(resp.Body, "Please verify that you are not a robot.") {
			t.Fatalf("%d %s", resp.Status, resp.Body)
		}
		ec.expectUnchanged(before)
	})
	t.Run("WEB_PANEL=false", func(t *testing.T) {
		ew := newEnv(t, map[string]string{"WEB_PANEL": "false"})
		r := ew.do("POST", "/api/account_creation_request_tokens", nil, "")
		req := r.JSON(t)["token"].(string)
		if resp := ew.do("GET", "/creation_token/check/"+req, nil, ""); resp.Status != 404 {
			t.Fatalf("%d", resp.Status)
		}
	})
}

// crCreateWithToken creates an account through a fresh creation token.
func (e *env) crCreateWithToken(t *testing.T, body map[string]any) response {
	t.Helper()
	body["account_creation_token"] = e.crToken(t)
	return e.do("POST", "/api/accounts/with-account-creation-token", nil, crJSON(t, body))
}

func TestWithAccountCreationTokenValidation(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"ACCOUNT_EMAIL_UNIQUE": "true"})
	e.create(`{"username":"holder","password":"123456","algorithm":"SHA-256","email":"taken@example.org","phone":"+33600000001"}`)
	tok := e.crToken(t)
	cases := []struct {
		name, body, field, msg string
	}{
		{"missing username", `{"password":"secret1"}`, "username", "The username field is required."},
		{"uppercase", `{"username":"Bobby1","password":"secret1"}`, "username", "No uppercase letters are allowed."},
		{"phone-like username", `{"username":"0612345678","password":"secret1"}`, "username", "The username should not be a phone number"},
		{"+username", `{"username":"+bobby","password":"secret1"}`, "username", "The username should not be a phone number"},
		{"not SIP", `{"username":"bob by","password":"secret1"}`, "username", "The username should be a valid SIP username"},
		{"short username", `{"username":"bob","password":"secret1"}`, "username", "The username must be at least 6 characters."},
		{"long username", `{"username":"` + strings.Repeat("a", 65) + `","password":"secret1"}`, "username", "The username must not be greater than 64 characters."},
		{"taken username", `{"username":"holder","password":"secret1"}`, "username", "The username has already been taken."},
		{"short password", `{"username":"bobbyb","password":"12"}`, "password", "The password must be at least 6 characters."},
		{"missing password", `{"username":"bobbyb"}`, "password", "The password field is required."},
		{"bad algorithm (FlexiAPI: 500)", `{"username":"bobbyb","password":"secret1","algorithm":"sha1"}`, "algorithm", account.MsgAlgorithm},
		{"bad email", `{"username":"bobbyb","password":"secret1","email":"gnap"}`, "email", "The email must be a valid email address."},
		{"taken email", `{"username":"bobbyb","password":"secret1","email":"taken@example.org"}`, "email", "The email has already been taken."},
		{"bad dtmf", `{"username":"bobbyb","password":"secret1","dtmf_protocol":"morse"}`, "dtmf_protocol", "The selected dtmf protocol is invalid."},
		{"phone without +", `{"username":"bobbyb","password":"secret1","phone":"0612"}`, "phone", "The phone must start with one of the following: +"},
		{"phone with spaces", `{"username":"bobbyb","password":"secret1","phone":"+33 6"}`, "phone", "The phone contains spaces"},
		{"taken phone (alias)", `{"username":"bobbyb","password":"secret1","phone":"+33600000001"}`, "phone", "The phone has already been taken."},
		{"dictionary", `{"username":"bobbyb","password":"secret1","dictionary":{"a":{"b":"c"}}}`, "dictionary", "The dictionary must be an assiocative dictionary of strings"},
		{"username as an object", `{"username":{"a":1},"password":"secret1"}`, "username", "The username must be a string."},
		{"missing token", `{"username":"bobbyb","password":"secret1"}`, "account_creation_token", "The account creation token field is required."},
		{"short token", `{"username":"bobbyb","password":"secret1","account_creation_token":"abc"}`, "account_creation_token", account.MsgInvalidCreationToken},
		{"token as a number", `{"username":"bobbyb","password":"secret1","account_creation_token":1234567890123}`, "account_creation_token", account.MsgInvalidCreationToken},
		{"long token", `{"username":"bobbyb","password":"secret1","account_creation_token":"` + strings.Repeat("x", 3000) + `"}`, "account_creation_token", account.MsgInvalidCreationToken},
	}
	before := e.snapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := c.body
			if c.field != "account_creation_token" {
				body = strings.TrimSuffix(body, "}") + `,"account_creation_token":"` + tok + `"}`
			}
			r := e.do("POST", "/api/accounts/with-account-creation-token", nil, body)
			expect(t, r, 422)
			got := r.errorsOf(t, c.field)
			if len(got) == 0 || got[0] != c.msg {
				t.Fatalf("%s: %v", c.field, r.Body)
			}
		})
	}
	for _, bad := range []string{`{"username":`, `[1,2]`, `"text"`, `{"a":1} x`} {
		r := e.do("POST", "/api/accounts/with-account-creation-token", nil, bad)
		expect(t, r, 400)
		if m, _ := r.JSON(t)["message"].(string); !strings.HasPrefix(m, "Invalid JSON") {
			t.Fatalf("%q: %v", bad, m)
		}
	}
	e.crExpectUnchangedButIDs(before)
	// Linphone 5.1's string values: a numeric password, algorithm and all.
	r := e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"stringly","password":123456,"algorithm":"MD5","account_creation_token":"`+tok+`"}`)
	expect(t, r, 200)
}

// Two concurrent creations with one token: exactly one account.
func TestWithAccountCreationTokenSingleUse(t *testing.T) {
	e := newCreationEnv(t, nil)
	tok := e.crToken(t)
	results := make(chan int, 4)
	for i := 0; i < 4; i++ {
		go func(i int) {
			r := e.do("POST", "/api/accounts/with-account-creation-token", nil,
				`{"username":"racer`+string(rune('a'+i))+`x","password":"secret1","account_creation_token":"`+tok+`"}`)
			results <- r.Status
		}(i)
	}
	ok := 0
	for i := 0; i < 4; i++ {
		switch s := <-results; s {
		case 200:
			ok++
		case 422:
		default:
			t.Fatalf("status %d", s)
		}
	}
	if ok != 1 {
		t.Fatalf("%d creations with one token", ok)
	}
	// A failed creation (username taken) does not consume the token.
	tok2 := e.crToken(t)
	expect(t, e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"admin","password":"secret1","account_creation_token":"`+tok2+`"}`), 422)
	if st, _ := e.st.CreationTokenByValue(context.Background(), tok2); st.Used {
		t.Fatal("a failed creation consumed the token")
	}
}

// ApiAccountTest's public parts.

func TestApiAccountTest_testSimpleAccount(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"ACCOUNT_REALM": "realm.example.org"})
	r := e.crCreateWithToken(t, map[string]any{"username": "simple1", "password": "secret1"})
	expect(t, r, 200)
	info := e.do("GET", "/api/accounts/simple1@"+domain+"/info", nil, "")
	expect(t, info, 200)
	if info.Body != `{"activated":false,"realm":"realm.example.org"}` {
		t.Fatalf("%s", info.Body)
	}
	expect(t, e.do("GET", "/api/accounts/simple1%40"+domain+"/info", nil, ""), 200)
	expectMessage(t, e.do("GET", "/api/accounts/nobody@"+domain+"/info", nil, ""), 404, "Missing elements to perform the request")
	expect(t, e.do("GET", "/api/accounts/simple1/info", nil, ""), 404)
	// Only APP_SIP_DOMAIN is public.
	expect(t, e.do("GET", "/api/accounts/simple1@other.example.org/info", nil, ""), 404)
	expect(t, e.do("GET", "/api/accounts/"+strings.Repeat("a", 3000)+"@"+domain+"/info", nil, ""), 404)
}

// crActivationFixture creates an unactivated account with a known key via
// the admin API (as FlexiAPI's tests do with factories).
func crActivationFixture(t *testing.T, e *env, username, expires string) string {
	t.Helper()
	body := `{"username":"` + username + `","password":"secret1","algorithm":"SHA-256"`
	if expires != "" {
		body += `,"confirmation_key_expires":"` + expires + `"`
	}
	r := e.create(body + "}")
	expect(t, r, 200)
	return r.JSON(t)["confirmation_key"].(string)
}

func TestApiAccountTest_testActivateEmail(t *testing.T) {
	e := newCreationEnv(t, nil)
	key := crActivationFixture(t, e, "activateme", time.Now().UTC().Add(-time.Hour).Format("2006-01-02 15:04:05"))
	path := "/api/accounts/activateme@" + domain + "/activate/email"
	before := e.snapshot()
	expect(t, e.do("POST", "/api/accounts/unknown@"+domain+"/activate/email", nil, `{"confirmation_key":"`+key+`"}`), 404)
	r := e.do("POST", path, nil, `{"confirmation_key":"short"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "confirmation_key"); got[0] != "The confirmation key must be 13 characters." {
		t.Fatalf("%v", got)
	}
	expect(t, e.do("POST", path, nil, `{}`), 422)
	expectMessage(t, e.do("POST", path, nil, `{"confirmation_key":"abcdefghijklm"}`), 404, "Missing elements to perform the request")
	expectMessage(t, e.do("POST", path, nil, `{"confirmation_key":"`+key+`"}`), 403, "Activation expired")
	e.expectUnchanged(before)

	key2 := crActivationFixture(t, e, "activateme2", "")
	path2 := "/api/accounts/activateme2@" + domain + "/activate/email"
	// `code` overrides confirmation_key (the 2021 field).
	r = e.do("POST", path2, nil, `{"confirmation_key":"abcdefghijklm","code":"`+key2+`"}`)
	expect(t, r, 200)
	if m := r.JSON(t); m["activated"] != true || m["username"] != "activateme2" {
		t.Fatalf("%v", m)
	}
	if _, ok := r.JSON(t)["confirmation_key"]; ok {
		t.Fatal("confirmation_key is hidden")
	}
	if info := e.do("GET", "/api/accounts/activateme2@"+domain+"/info", nil, ""); !strings.Contains(info.Body, `"activated":true`) {
		t.Fatalf("%s", info.Body)
	}
	// The key is single use.
	expect(t, e.do("POST", path2, nil, `{"confirmation_key":"`+key2+`"}`), 404)
}

func TestApiAccountTest_testActivatePhone(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true"})
	phone := crPhone()
	tok := e.crToken(t)
	r := e.do("POST", "/api/accounts/public", nil, crJSON(t, map[string]any{
		"phone": phone, "password": "secret1", "algorithm": "SHA-256", "account_creation_token": tok,
	}))
	expect(t, r, 200)
	sms := crSMS(t, phone)
	if len(sms) != 1 || !strings.HasPrefix(sms[0], "Your "+e.cfg.AppName+" creation code is ") {
		t.Fatalf("SMS %v", sms)
	}
	pin := crPIN(t, sms[0])
	path := "/api/accounts/" + phone + "@" + domain + "/activate/phone"
	r = e.do("POST", path, nil, `{"confirmation_key":"12a4"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "confirmation_key"); got[0] != "The confirmation key must be 4 digits." {
		t.Fatalf("%v", got)
	}
	wrong := "1000"
	if pin == wrong {
		wrong = "1001"
	}
	expect(t, e.do("POST", path, nil, `{"confirmation_key":"`+wrong+`"}`), 404)
	// Linphone sends every value as a string; a number is accepted too.
	r = e.do("POST", path, nil, `{"confirmation_key":`+pin+`}`)
	expect(t, r, 200)
	if r.JSON(t)["activated"] != true || r.JSON(t)["phone"] != phone {
		t.Fatalf("%v", r.JSON(t))
	}
	a, _ := e.st.AccountBySIP(context.Background(), phone, domain)
	if !a.Activated || a.ConfirmationKey != nil {
		t.Fatalf("%+v", a)
	}
}
