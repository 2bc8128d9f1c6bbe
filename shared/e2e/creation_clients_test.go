//go:build integration

package e2e

import (
	"context"
	"strings"
	"testing"
)

// TestLinphoneCreatesAccountByPush: the Linphone 5.1 client's account
// creator asks for a token by push (the 2021 POST /api/tokens), the token
// arrives in the push moto recorded, the client creates the account with
// it (POST /api/accounts/with-token), reads its state, signs in, and
// activates it with the emailed key (POST …/activate/email {code}).
func TestLinphoneCreatesAccountByPush(t *testing.T) {
	e := newCreationEnv(t, nil)
	base := e.url + "/api/"
	prid := crDevice()
	linphone(t, base, "send-token", "fcm", "linphone-project", prid)
	msgs, _ := crPushesTo(t, prid)
	if len(msgs) != 1 {
		t.Fatalf("pushes: %v", msgs)
	}
	tok := crPushedToken(t, msgs[0])
	linphone(t, base, "create-with-token", tok, "linphonepush", "secret1", domain, "SHA-256")
	linphone(t, base, "is-activated", "linphonepush", domain, "no")
	a, err := e.st.AccountBySIP(context.Background(), "linphonepush", domain)
	if err != nil || a.ConfirmationKey == nil {
		t.Fatalf("%+v %v", a, err)
	}
	linphone(t, base, "activate-email", "linphonepush", domain, *a.ConfirmationKey)
	linphone(t, base, "is-activated", "linphonepush", domain, "yes")
	// The token is spent: the device is throttled, and the token cannot
	// create a second account.
	expect(t, e.do("POST", "/api/tokens", nil, crPushBody("fcm", "linphone-project", prid)), 429)
	expect(t, e.do("POST", "/api/accounts/with-token", nil,
		`{"username":"linphonepush2","password":"secret1","algorithm":"SHA-256","token":"`+tok+`"}`), 422)
}

// TestCreationBadInput: every creation route refuses malformed bodies,
// wrong types, oversized and unknown values with a 4xx JSON answer, and
// writes nothing.
func TestCreationBadInput(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true"})
	tok := e.crToken(t)
	key := crActivationFixture(t, e, "badinput", "")
	long := strings.Repeat("x", 5000)
	routes := []struct {
		path   string
		bodies map[string]int // body → status
	}{
		{"/api/account_creation_tokens/send-by-push", map[string]int{
			`{"pn_provider":["fcm"],"pn_param":"p","pn_prid":"d"}`:          422,
			`{"pn_provider":"fcm","pn_param":{"a":1},"pn_prid":"d"}`:        422,
			`{"pn_provider":"fcm","pn_param":"p","pn_prid":true}`:           422,
			`{"pn_provider":"fcm","pn_param":"p","pn_prid":"` + long + `"}`: 422,
		}},
		{"/api/tokens", map[string]int{`{"pn_provider":"fcm"}`: 422}},
		{"/api/account_creation_tokens/using-account-creation-request-token", map[string]int{
			`{}`: 422, `{"account_creation_request_token":123}`: 422, `{"account_creation_request_token":["a"]}`: 422,
			`{"account_creation_request_token":"abcdefghijklm"}`: 422, `{"account_creation_request_token":"` + long + `"}`: 422,
		}},
		{"/api/accounts/with-account-creation-token", map[string]int{
			`{"username":"badinput2","password":["x"],"account_creation_token":"` + tok + `"}`:                       422,
			`{"username":"badinput2","password":"secret1","account_creation_token":{"t":1}}`:                         422,
			`{"username":"badinput2","password":"secret1","account_creation_token":"` + long + `"}`:                  422,
			`{"username":"badinput2","password":"` + long + `","account_creation_token":"unknown"}`:                  422,
			`{"username":"badinput2","password":"secret1","dtmf_protocol":5,"account_creation_token":"` + tok + `"}`: 422,
		}},
		{"/api/accounts/with-token", map[string]int{`{"username":"badinput2","password":"secret1","token":"` + long + `"}`: 422}},
		{"/api/accounts/public", map[string]int{
			`{"username":"badinput3","password":"secret1","algorithm":"SHA-256","email":["a@b.c"],"account_creation_token":"` + tok + `"}`:    422,
			`{"phone":"+` + strings.Repeat("1", 100) + `","password":"secret1","algorithm":"SHA-256","account_creation_token":"` + tok + `"}`: 422,
		}},
		{"/api/accounts/recover-by-phone", map[string]int{
			`{"phone":["+33"],"account_creation_token":"` + tok + `"}`:   422,
			`{"phone":"+33612","account_creation_token":"unknownunkno"}`: 422,
		}},
		{"/api/accounts/badinput@" + domain + "/activate/email", map[string]int{
			`{"confirmation_key":["` + key + `"]}`: 422, `{"confirmation_key":"` + long + `"}`: 422, `{"code":true}`: 422,
		}},
		{"/api/accounts/badinput@" + domain + "/activate/phone", map[string]int{
			`{"confirmation_key":"12345"}`: 422, `{"confirmation_key":12.5}`: 422, `{"code":"abcd"}`: 422,
		}},
	}
	before := e.snapshot()
	for _, rt := range routes {
		for _, bad := range []string{`{"a":`, `[1]`, `"x"`, `{} {}`} {
			r := e.do("POST", rt.path, nil, bad)
			expect(t, r, 400)
		}
		r := e.do("POST", rt.path, header{"Content-Type": "text/plain"}, `{}`)
		expect(t, r, 415)
		for body, status := range rt.bodies {
			r := e.do("POST", rt.path, nil, body)
			if r.Status != status {
				t.Errorf("%s %.80s: %d %s", rt.path, body, r.Status, r.Body)
				continue
			}
			expect(t, r, status)
		}
	}
	e.expectUnchanged(before)
}
