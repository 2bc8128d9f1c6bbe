//go:build integration

package e2e

import (
	"testing"
)

// TestCreationCapacity measures the function units of the creation flows
// (DynamoDB Local's accounting; docs/access-patterns.md, "Built"). A
// refused creation also reads what its 422 reports (the holders of the
// username, email and phone, and the token).
func TestCreationCapacity(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true", "SMS_MAX_PER_PHONE_PER_HOUR": "5"})
	type step struct {
		name, method, path, route, body string
		status                          int
		read, write                     float64
	}
	measure := func(s step) response {
		t.Helper()
		var h header
		if s.route == "POST /api/account_creation_tokens" {
			h = header{"X-Api-Key": e.admin.Key}
		}
		r := e.do(s.method, s.path, h, s.body)
		expect(t, r, s.status)
		read, write := functionUnits(t, e, s.route)
		t.Logf("%s: %.1f RCU, %.1f WCU", s.name, read, write)
		if read != s.read || write != s.write {
			t.Errorf("%s: %.1f RCU, %.1f WCU; measured before: %.1f RCU, %.1f WCU (update docs/access-patterns.md if this changed on purpose)",
				s.name, read, write, s.read, s.write)
		}
		return r
	}
	prid := crDevice()
	measure(step{"send-by-push", "POST", "/api/account_creation_tokens/send-by-push", "POST /api/account_creation_tokens/send-by-push",
		crPushBody("fcm", "p", prid), 200, 0, 1})
	msgs, _ := crPushesTo(t, prid)
	pushed := crPushedToken(t, msgs[0])
	measure(step{"with-account-creation-token (pushed token)", "POST", "/api/accounts/with-account-creation-token",
		"POST /api/accounts/with-account-creation-token",
		`{"username":"measured1","password":"secret1","account_creation_token":"` + pushed + `"}`, 200, 2, 28})
	measure(step{"send-by-push, throttled", "POST", "/api/account_creation_tokens/send-by-push", "POST /api/account_creation_tokens/send-by-push",
		crPushBody("fcm", "p", prid), 429, 0.5, 0})
	tok := measure(step{"admin creation token", "POST", "/api/account_creation_tokens", "POST /api/account_creation_tokens", "", 201, 0, 1}).JSON(t)["token"].(string)
	measure(step{"with-account-creation-token, username taken", "POST", "/api/accounts/with-account-creation-token",
		"POST /api/accounts/with-account-creation-token",
		`{"username":"measured1","password":"secret1","account_creation_token":"` + tok + `"}`, 422, 4, 0})
	measure(step{"with-account-creation-token, unknown token", "POST", "/api/accounts/with-account-creation-token",
		"POST /api/accounts/with-account-creation-token",
		`{"username":"measured9","password":"secret1","account_creation_token":"0123456789abc"}`, 422, 3, 0})
	req := measure(step{"request token", "POST", "/api/account_creation_request_tokens", "POST /api/account_creation_request_tokens", "", 201, 0, 1}).JSON(t)["token"].(string)
	measure(step{"exchange, not validated", "POST", "/api/account_creation_tokens/using-account-creation-request-token",
		"POST /api/account_creation_tokens/using-account-creation-request-token", `{"account_creation_request_token":"` + req + `"}`, 404, 1, 0})
	e.crValidateInBrowser(t, e.cfg.AppURL+"/creation_token/check/"+req)
	for route, want := range map[string][2]float64{"GET /creation_token/check/{token}": {1, 0}, "POST /creation_token/check/{token}": {1, 1}} {
		if read, write := functionUnits(t, e, route); read != want[0] || write != want[1] {
			t.Errorf("%s: %.1f RCU, %.1f WCU; measured before: %v", route, read, write, want)
		}
	}
	measure(step{"exchange", "POST", "/api/account_creation_tokens/using-account-creation-request-token",
		"POST /api/account_creation_tokens/using-account-creation-request-token", `{"account_creation_request_token":"` + req + `"}`, 201, 0, 4})
	measure(step{"info", "GET", "/api/accounts/measured1@" + domain + "/info", "GET /api/accounts/{sip}/info", "", 200, 2, 0})
	phone := crPhone()
	measure(step{"public with a phone", "POST", "/api/accounts/public", "POST /api/accounts/public",
		`{"phone":"` + phone + `","password":"secret1","algorithm":"SHA-256","account_creation_token":"` + tok + `"}`, 200, 3, 21})
	measure(step{"info-by-phone", "GET", "/api/accounts/" + phone + "/info-by-phone", "GET /api/accounts/{phone}/info-by-phone", "", 200, 2, 0})
	tok2 := e.crToken(t)
	measure(step{"recover-by-phone", "POST", "/api/accounts/recover-by-phone", "POST /api/accounts/recover-by-phone",
		`{"phone":"` + phone + `","account_creation_token":"` + tok2 + `"}`, 200, 3, 5})
	sms := crSMS(t, phone)
	pin := crPIN(t, sms[len(sms)-1])
	measure(step{"recover", "GET", "/api/accounts/" + phone + "@" + domain + "/recover/" + pin, "GET /api/accounts/{sip}/recover/{recover_key}", "", 200, 2, 2})
	key := crActivationFixture(t, e, "measured2", "")
	measure(step{"activate by email key", "POST", "/api/accounts/measured2@" + domain + "/activate/email", "POST /api/accounts/{sip}/activate/email",
		`{"confirmation_key":"` + key + `"}`, 200, 2, 2})
}
