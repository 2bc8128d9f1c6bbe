//go:build integration

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"
)

// smsQuotaCount is what the number's SMS quota counts this hour.
func (e *env) smsQuotaCount(phone string) string {
	e.t.Helper()
	item := e.statItem("SMSQUOTA#"+phone, time.Now().UTC().Format("2006-01-02T15"))
	if item == nil {
		return "0"
	}
	return attrString(item["count"])
}

// TestSMSOutageCountsNothing: while SNS cannot be reached, a phone change
// request, a public creation by phone and a recovery by phone answer 503
// "The SMS could not be sent" and record nothing: no quota spent, no abuse
// event, no pending change, no account, the token unused. Before, five
// requests during the outage locked the number out for the hour (and the
// account out of the API), and a creation spent its token on an account no
// code would ever activate.
func TestSMSOutageCountsNothing(t *testing.T) {
	awayFromHourBoundary(2 * time.Minute)
	e := newCreationEnv(t, map[string]string{"AWS_ENDPOINT_URL_SNS": "http://127.0.0.1:1",
		"APP_DANGEROUS_ENDPOINTS": "true", "SMS_MAX_PER_PHONE_PER_HOUR": "5"})
	const unsent = "The SMS could not be sent, try again later."

	// A phone change, more times than the quota and the blocking service allow.
	u := e.user(`{"username":"outageuser","algorithm":"SHA-256","password":"123456"}`)
	phone := selfPhone()
	before := e.snapshot()
	for i := 0; i < 6; i++ {
		expectMessage(t, e.withKey(u.Key, "POST", "/api/accounts/me/phone/request", `{"phone":"`+phone+`"}`), 503, unsent)
	}
	if n := e.smsQuotaCount(phone); n != "0" {
		t.Errorf("the quota counts %s SMS that were never sent", n)
	}
	me := e.me(u)
	if me["blocked"] != false || e.stored(u.ID).PhoneChange != nil {
		t.Errorf("after the outage: blocked %v, pending change %+v", me["blocked"], e.stored(u.ID).PhoneChange)
	}
	if events := e.stored(u.ID).AbuseEvents; len(events) != 0 {
		t.Errorf("%d abuse events recorded for SMS never sent", len(events))
	}
	e.expectUnchangedExcept(before, "SMSQUOTA#", "APIKEY#")

	// A public creation by phone: the token stays unused, no account.
	tok := e.crToken(t)
	newPhone := crPhone()
	before = e.snapshot()
	r := e.do("POST", "/api/accounts/public", nil, `{"phone":"`+newPhone+`","password":"secret1","algorithm":"SHA-256","account_creation_token":"`+tok+`"}`)
	expectMessage(t, r, 503, unsent)
	if st, err := e.st.CreationTokenByValue(context.Background(), tok); err != nil || st.Used {
		t.Fatalf("the token: %+v %v", st, err)
	}
	if n := e.smsQuotaCount(newPhone); n != "0" {
		t.Errorf("the creation's quota counts %s", n)
	}
	e.expectUnchangedExcept(before, "SMSQUOTA#")

	// A recovery by phone of an existing account: nothing changes.
	owner := e.asAdmin("POST", "/api/accounts", `{"username":"outageowner","password":"secret1","algorithm":"SHA-256","phone":"`+newPhone+`"}`)
	expect(t, owner, 200)
	before = e.snapshot()
	expectMessage(t, e.do("POST", "/api/accounts/recover-by-phone", nil, `{"phone":"`+newPhone+`","account_creation_token":"`+tok+`"}`), 503, unsent)
	if st, _ := e.st.CreationTokenByValue(context.Background(), tok); st.Used {
		t.Fatal("the recovery spent the token")
	}
	e.expectUnchangedExcept(before, "SMSQUOTA#")
	if !strings.Contains(e.logs.String(), `"msg":"SMS not sent"`) {
		t.Error("no JSON line says the SMS was not sent")
	}
}
