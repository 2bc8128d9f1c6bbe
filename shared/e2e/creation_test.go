//go:build integration

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Ports of FlexiAPI's ApiAccountCreationTokenTest,
// one Go test per reference test, against the real push (moto).

func crPushBody(provider, param, prid string) string {
	return `{"pn_provider":"` + provider + `","pn_param":"` + param + `","pn_prid":"` + prid + `"}`
}

// testCorrectParameters: a push that cannot be sent (here: no platform
// application for the provider) is 503 "Token not sent" and stores nothing.
func TestApiAccountCreationTokenTest_testCorrectParameters(t *testing.T) {
	e := newCreationEnv(t, nil)
	before := e.snapshot()
	prid := crDevice()
	expectMessage(t, e.do("POST", "/api/account_creation_tokens/send-by-push", nil, crPushBody("unknown-provider", "param", prid)), 503, "Token not sent")
	e.expectUnchanged(before)
	if msgs, _ := crPushesTo(t, prid); len(msgs) != 0 {
		t.Fatalf("nothing may be pushed: %v", msgs)
	}
	// A configured application that does not exist in SNS is a failed send too.
	e2 := newEnv(t, map[string]string{"SNS_PUSH_PLATFORM_APPLICATIONS": `{"fcm":"no-such-application"}`})
	before = e2.snapshot()
	expectMessage(t, e2.do("POST", "/api/account_creation_tokens/send-by-push", nil, crPushBody("fcm", "project", prid)), 503, "Token not sent")
	e2.expectUnchanged(before)
}

func TestApiAccountCreationTokenTest_testMandatoryParameters(t *testing.T) {
	e := newCreationEnv(t, nil)
	before := e.snapshot()
	for _, body := range []string{
		`{}`,
		`{"pn_provider":"fcm","pn_param":"p"}`,
		`{"pn_provider":"fcm","pn_prid":"x"}`,
		`{"pn_param":"p","pn_prid":"x"}`,
		`{"pn_provider":null,"pn_param":"p","pn_prid":"x"}`,
		`{"pn_provider":"fcm","pn_param":"","pn_prid":"x"}`,
		`{"pn_provider":"fcm","pn_param":"p","pn_prid":"   "}`,
	} {
		r := e.do("POST", "/api/account_creation_tokens/send-by-push", nil, body)
		expect(t, r, 422)
	}
	r := e.do("POST", "/api/account_creation_tokens/send-by-push", nil, `{}`)
	if got := r.errorsOf(t, "pn_provider"); len(got) != 1 || got[0] != "The pn provider field is required." {
		t.Fatalf("%v", got)
	}
	if m := r.JSON(t)["message"]; m != "The pn provider field is required. (and 2 more errors)" {
		t.Fatalf("message %v", m)
	}
	e.expectUnchanged(before)
}

// testThrottling: an unused token does not throttle; once a token pushed
// to the device is used, a new push within the retry window is 429.
func TestApiAccountCreationTokenTest_testThrottling(t *testing.T) {
	e := newCreationEnv(t, nil)
	prid := crDevice()
	push := func() response {
		return e.do("POST", "/api/account_creation_tokens/send-by-push", nil, crPushBody("fcm", "project", prid))
	}
	r := push()
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("first push: %d %q", r.Status, r.Body)
	}
	expect(t, push(), 200) // the first token is unused: not throttled
	msgs, _ := crPushesTo(t, prid)
	if len(msgs) != 2 {
		t.Fatalf("%d pushes recorded", len(msgs))
	}
	token := crPushedToken(t, msgs[0])
	expect(t, e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"throttled","password":"secret1","account_creation_token":"`+token+`"}`), 200)
	before := e.snapshot()
	expectMessage(t, push(), 429, "Last token requested too recently")
	e.expectUnchanged(before)
	if msgs, _ := crPushesTo(t, prid); len(msgs) != 2 {
		t.Fatalf("a throttled request pushes nothing: %d pushes", len(msgs))
	}
	// Another device is not throttled.
	expect(t, e.do("POST", "/api/account_creation_tokens/send-by-push", nil, crPushBody("fcm", "project", crDevice())), 200)
	// Outside the window (0 minutes: only this second), no 429.
	e0 := newCreationEnv(t, map[string]string{"APP_API_ACCOUNT_CREATION_TOKEN_RETRY_MINUTES": "0"})
	prid0 := crDevice()
	expect(t, e0.do("POST", "/api/account_creation_tokens/send-by-push", nil, crPushBody("fcm", "project", prid0)), 200)
	m0, _ := crPushesTo(t, prid0)
	tok0 := crPushedToken(t, m0[0])
	expect(t, e0.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"windowzero","password":"secret1","account_creation_token":"`+tok0+`"}`), 200)
	// The window is measured from the token's creation (whole seconds).
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond)))
	expect(t, e0.do("POST", "/api/account_creation_tokens/send-by-push", nil, crPushBody("fcm", "project", prid0)), 200)
}

func TestApiAccountCreationTokenTest_testAdminEndpoint(t *testing.T) {
	e := newCreationEnv(t, nil)
	r := e.do("POST", "/api/account_creation_tokens", header{"X-Api-Key": e.admin.Key, "User-Agent": "admin-script/1"}, "")
	expect(t, r, 201)
	if got := strings.Join(keysOf(t, r.Body), " "); got != "token ip user_agent" {
		t.Fatalf("keys %s", got)
	}
	m := r.JSON(t)
	tok := m["token"].(string)
	if len(tok) != 13 || m["user_agent"] != "admin-script/1" || m["ip"] == "" {
		t.Fatalf("%v", m)
	}
	stored, err := e.st.CreationTokenByValue(context.Background(), tok)
	if err != nil || stored.Used || stored.UserAgent != "admin-script/1" {
		t.Fatalf("persisted: %+v %v", stored, err)
	}
	// Public and non-admin callers cannot.
	expect(t, e.do("POST", "/api/account_creation_tokens", nil, ""), 422) // FlexiAPI: From is required without credentials
	user := e.newAccount("plainuser", "secret1", "SHA-256", false)
	expect(t, e.withKey(user.Key, "POST", "/api/account_creation_tokens", ""), 403)
}

func TestApiAccountCreationTokenTest_testInvalidToken(t *testing.T) {
	e := newCreationEnv(t, nil)
	before := e.snapshot()
	r := e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"username","password":"secret1","account_creation_token":"0123456789abc"}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "account_creation_token"); len(got) != 1 || got[0] != account.MsgInvalidCreationToken {
		t.Fatalf("%v", got)
	}
	e.expectUnchanged(before)

	tok := e.crToken(t)
	r = e.do("POST", "/api/accounts/with-account-creation-token", header{"User-Agent": "Linphone/5.1"},
		`{"username":"username","password":"secret1","algorithm":"MD5","dtmf_protocol":"rfc2833","account_creation_token":"`+tok+`"}`)
	expect(t, r, 200)
	if got := strings.Join(keysOf(t, r.Body), " "); got != fullKeys {
		t.Fatalf("keys %s", got)
	}
	m := r.JSON(t)
	if m["username"] != "username" || m["domain"] != domain || m["activated"] != false || m["dtmf_protocol"] != "rfc2833" ||
		m["user_agent"] != e.cfg.AppName || m["phone"] != nil || m["email"] != nil {
		t.Fatalf("%v", m)
	}
	if p, _ := m["provisioning_token"].(string); len(p) != 13 {
		t.Fatalf("provisioning_token %v", m["provisioning_token"])
	}
	if pw := m["passwords"].([]any); len(pw) != 1 || pw[0].(map[string]any)["algorithm"] != "MD5" {
		t.Fatalf("passwords %v", pw)
	}
	id := int64(m["id"].(float64))

	before = e.snapshot()
	r = e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"username2","password":"secret1","account_creation_token":"`+tok+`"}`)
	expect(t, r, 422)
	e.expectUnchanged(before)
	stored, err := e.st.CreationTokenByValue(context.Background(), tok)
	if err != nil || !stored.Used || stored.AccountID != id {
		t.Fatalf("token after use: %+v %v", stored, err)
	}
	// The account authenticates with its password (realm = domain).
	a, err := e.st.AccountByID(context.Background(), id)
	if err != nil || a.ConfirmationKey == nil || len(*a.ConfirmationKey) != 13 {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestApiAccountCreationTokenTest_testBlacklistedUsername(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"ACCOUNT_BLACKLISTED_USERNAMES": "foobar,blacklisted,username-.*"})
	tok := e.crToken(t)
	for _, u := range []string{"blacklisted", "username-gnap"} {
		before := e.snapshot()
		r := e.do("POST", "/api/accounts/with-account-creation-token", nil,
			`{"username":"`+u+`","password":"secret1","account_creation_token":"`+tok+`"}`)
		expect(t, r, 422)
		if got := r.errorsOf(t, "username"); got[0] != "Username already used." {
			t.Fatalf("%s: %v", u, got)
		}
		e.expectUnchanged(before)
	}
	expect(t, e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"valid-username","password":"secret1","account_creation_token":"`+tok+`"}`), 200)
}

func TestApiAccountCreationTokenTest_testAccountCreationRequestToken(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_URL": "https://flexiapi.example.org"})
	r := e.do("POST", "/api/account_creation_request_tokens", nil, "")
	expect(t, r, 201)
	if got := strings.Join(keysOf(t, r.Body), " "); got != "token validation_url" {
		t.Fatalf("keys %s", got)
	}
	req := r.JSON(t)["token"].(string)
	url := r.JSON(t)["validation_url"].(string)
	if len(req) != 13 || url != "https://flexiapi.example.org/creation_token/check/"+req {
		t.Fatalf("%s %s", req, url)
	}
	exchange := func(tok string) response {
		return e.do("POST", "/api/account_creation_tokens/using-account-creation-request-token", header{"User-Agent": "Linphone/5.1"},
			`{"account_creation_request_token":"`+tok+`"}`)
	}
	// Not validated yet: 404 with an empty message, nothing changes.
	before := e.snapshot()
	expectMessage(t, exchange(req), 404, "")
	e.expectUnchanged(before)

	page := e.crValidateInBrowser(t, url)
	if page.Status != 200 || !strings.Contains(page.Body, "Thanks for the validation") {
		t.Fatalf("validation: %d %s", page.Status, page.Body)
	}
	r = exchange(req)
	expect(t, r, 201)
	if got := strings.Join(keysOf(t, r.Body), " "); got != "token ip user_agent" {
		t.Fatalf("keys %s", got)
	}
	tok := r.JSON(t)["token"].(string)
	if r.JSON(t)["user_agent"] != "Linphone/5.1" {
		t.Fatalf("%v", r.JSON(t))
	}
	stored, err := e.st.RequestTokenByValue(context.Background(), req)
	if err != nil || !stored.Used || stored.CreationToken != tok || stored.ValidatedAt == nil {
		t.Fatalf("request token after exchange: %+v %v", stored, err)
	}
	// Used: 422; unknown: 422; the page no longer serves it.
	before = e.snapshot()
	r = exchange(req)
	expect(t, r, 422)
	if got := r.errorsOf(t, "account_creation_request_token"); got[0] != account.MsgInvalidRequestToken {
		t.Fatalf("%v", got)
	}
	expect(t, exchange("abcdefghijklm"), 422)
	expect(t, exchange("short"), 422)
	e.expectUnchanged(before)
	// The creation token creates an account.
	expect(t, e.do("POST", "/api/accounts/with-account-creation-token", nil,
		`{"username":"fromrequest","password":"secret1","account_creation_token":"`+tok+`"}`), 200)
}
