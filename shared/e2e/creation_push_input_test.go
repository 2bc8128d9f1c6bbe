//go:build integration

package e2e

import (
	"testing"
)

// TestPushFieldsHostileInput: what SNS would refuse (a control character in
// a push field, a JSON number for a field that is text) is the client's
// mistake: 422 on that field, nothing stored, nothing pushed, on the push
// route and its 2021 alias (it was 503 "Token not sent", which five
// anonymous requests turned into a 5xx alarm).
func TestPushFieldsHostileInput(t *testing.T) {
	e := newCreationEnv(t, nil)
	prid := crDevice()
	before := e.snapshot()
	cases := []struct {
		name, body, field, message string
	}{
		{"NUL in pn_prid", `{"pn_provider":"fcm","pn_param":"p","pn_prid":"` + prid + `\u0000x"}`, "pn_prid", "The pn prid format is invalid."},
		{"bell in pn_prid", `{"pn_provider":"fcm","pn_param":"p","pn_prid":"` + prid + `\u0007"}`, "pn_prid", "The pn prid format is invalid."},
		{"line break in pn_param", `{"pn_provider":"fcm","pn_param":"p\nq","pn_prid":"` + prid + `"}`, "pn_param", "The pn param format is invalid."},
		{"C1 control in pn_provider", `{"pn_provider":"fc\u0085m","pn_param":"p","pn_prid":"` + prid + `"}`, "pn_provider", "The pn provider format is invalid."},
		{"pn_provider a number", `{"pn_provider":1,"pn_param":"p","pn_prid":"` + prid + `"}`, "pn_provider", "The pn provider must be a string."},
		{"pn_prid a number", `{"pn_provider":"fcm","pn_param":"p","pn_prid":12345}`, "pn_prid", "The pn prid must be a string."},
	}
	for _, path := range []string{"/api/account_creation_tokens/send-by-push", "/api/tokens"} {
		for _, c := range cases {
			r := e.do("POST", path, nil, c.body)
			if r.Status != 422 {
				t.Errorf("%s %s: %d %s", path, c.name, r.Status, r.Body)
				continue
			}
			if got := r.errorsOf(t, c.field); len(got) != 1 || got[0] != c.message {
				t.Errorf("%s %s: %s", path, c.name, r.Body)
			}
		}
	}
	e.expectUnchanged(before)
	if msgs, _ := crPushesTo(t, prid); len(msgs) != 0 {
		t.Fatalf("pushed: %v", msgs)
	}
	// The same fields, clean, are pushed.
	expect(t, e.do("POST", "/api/account_creation_tokens/send-by-push", nil, crPushBody("fcm", "p", prid)), 200)
}
