//go:build integration

package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/sip/sipptest"
)

// sipVars configures POST /api/messages against a SIP peer.
func sipVars(proxy string, extra map[string]string) map[string]string {
	v := map[string]string{
		"SIP_PROXY":           proxy,
		"SIP_SENDER_URI":      "sip:" + sipptest.User + "@" + sipptest.Realm,
		"SIP_SENDER_PASSWORD": sipptest.Password,
	}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func messageJSON(to, body string) string {
	b, _ := json.Marshal(map[string]string{"to": to, "body": body})
	return string(b)
}

// expectDaemonError is FlexiAPI's 422 for a failed send: the reason, and
// the reason again in an array of arrays.
func expectDaemonError(t *testing.T, r response, reason string) {
	t.Helper()
	expect(t, r, http.StatusUnprocessableEntity)
	var got struct {
		Message string     `json:"message"`
		Errors  [][]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	if got.Message != reason || len(got.Errors) != 1 || len(got.Errors[0]) != 1 || got.Errors[0][0] != reason {
		t.Fatalf("body %s, want message and errors [[%q]]", r.Body, reason)
	}
}

// TestApiAccountMessageTest_testRequest ports FlexiAPI's test (excluded
// from its suite: it needs linphone-daemon; here SIPp is the proxy): a
// recipient that is not a SIP address is 422, a valid one 200 with an id.
func TestApiAccountMessageTest_testRequest(t *testing.T) {
	peer := sipptest.Start(t, sipptest.Options{Transport: "tcp"})
	e := newEnv(t, sipVars(peer.Proxy(), nil))

	expectDaemonError(t, e.asAdmin("POST", "/api/messages", messageJSON("+badid", "Hello")), "Bad sip uri.")

	r := e.asAdmin("POST", "/api/messages", messageJSON("username@sip.linphone.org", "Hello"))
	expect(t, r, 200)
	id, ok := r.JSON(t)["id"].(string)
	if !ok || id == "" {
		t.Fatalf("no id in %s", r.Body)
	}
	if err := peer.Wait(t, 10*time.Second); err != nil {
		t.Errorf("sipp: %v\n%s", err, peer.Log())
	}
}

// TestMessagesThroughSIPp: through the gateway, the authorizer and the
// messages function, over UDP and TCP: SIPp challenges, verifies the
// Digest answer with the sender's password, and received the body.
func TestMessagesThroughSIPp(t *testing.T) {
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			peer := sipptest.Start(t, sipptest.Options{Transport: transport})
			e := newEnv(t, sipVars(peer.Proxy(), nil))
			body := "Line one / ligne 2 ✓\nsecond line"
			r := e.asAdmin("POST", "/api/messages", messageJSON("  bob@sip.example.org ", body))
			expect(t, r, 200)
			id := r.JSON(t)["id"].(string)
			if err := peer.Wait(t, 10*time.Second); err != nil {
				t.Fatalf("sipp: %v\n%s", err, peer.Log())
			}
			msgs := peer.Messages(t)
			if len(msgs) != 2 {
				t.Fatalf("sipp received %d messages, want 2:\n%s", len(msgs), strings.Join(msgs, "\n====\n"))
			}
			last := msgs[1]
			if !strings.HasPrefix(last, "MESSAGE sip:bob@sip.example.org SIP/2.0") {
				t.Errorf("request line of %q", last)
			}
			if !strings.Contains(last, "Authorization: Digest") || !strings.Contains(last, "Call-ID: "+id) {
				t.Errorf("the authenticated MESSAGE lacks credentials or the returned id %s:\n%s", id, last)
			}
			// The whole body, newline included (FlexiAPI's daemon kept the
			// first line only).
			if !strings.HasSuffix(strings.TrimRight(last, "\r\n"), body) {
				t.Errorf("SIPp did not receive the body %q:\n%s", body, last)
			}
			if logs := e.logs.String(); strings.Contains(logs, sipptest.Password) || strings.Contains(logs, "ligne 2") {
				t.Error("the logs hold the SIP password or the message text")
			}
			// Capacity: the messages function touches no table (access-patterns.md).
			measured := false
			for _, line := range strings.Split(e.logs.String(), "\n") {
				if strings.Contains(line, `"component":"messages"`) && strings.Contains(line, `"msg":"request"`) {
					measured = true
					if !strings.Contains(line, `"rcu":0,"wcu":0,"db_calls":0`) {
						t.Errorf("the messages function used the table: %s", line)
					}
				}
			}
			if !measured {
				t.Error("no request log line of the messages function")
			}
		})
	}
}

// TestMessagesWrongSenderPassword: the proxy refuses the Digest answer →
// FlexiAPI's 422 daemon shape with the proxy's answer.
func TestMessagesWrongSenderPassword(t *testing.T) {
	peer := sipptest.Start(t, sipptest.Options{Transport: "tcp", Password: "another-password"})
	e := newEnv(t, sipVars(peer.Proxy(), nil))
	expectDaemonError(t, e.asAdmin("POST", "/api/messages", messageJSON("bob@sip.example.org", "hi")),
		"The SIP proxy answered 403 Wrong Credentials")
}

// TestMessagesValidation: FlexiAPI's messages, bounds, bad JSON; none of
// these reaches the proxy (SIPp then serves the one valid message).
func TestMessagesValidation(t *testing.T) {
	peer := sipptest.Start(t, sipptest.Options{Transport: "udp"})
	e := newEnv(t, sipVars(peer.Proxy(), nil))
	post := func(body string) response { return e.asAdmin("POST", "/api/messages", body) }

	r := post(`{}`)
	expectMessage(t, r, 422, "The to field is required. (and 1 more error)")
	if got := r.errorsOf(t, "to"); len(got) != 1 || got[0] != "The to field is required." {
		t.Errorf("to errors %v", got)
	}
	if got := r.errorsOf(t, "body"); len(got) != 1 || got[0] != "The body field is required." {
		t.Errorf("body errors %v", got)
	}
	expectMessage(t, post(`{"to":"   ","body":""}`), 422, "The to field is required. (and 1 more error)")
	expectMessage(t, post(`{"to":"bob@sip.example.org"}`), 422, "The body field is required.")
	for field, body := range map[string]string{"to": `{"to":["bob@sip.example.org"],"body":"hi"}`, "body": `{"to":"bob@sip.example.org","body":{"a":1}}`} {
		r := post(body)
		expect(t, r, 422)
		if got := r.errorsOf(t, field); got[0] != "The "+field+" must be a string." {
			t.Errorf("%s errors %v", field, got)
		}
	}
	expectMessage(t, post(messageJSON(strings.Repeat("a", 250)+"@sip.example.org", "hi")), 422, "The to must not be greater than 255 characters.")
	expectMessage(t, post(messageJSON("bob@sip.example.org", strings.Repeat("é", 4001))), 422, "The body must not be greater than 4000 characters.")
	for _, bad := range []string{"+badid", "bob", "@sip.example.org", "bob@", "bob@exa mple.org", "sip:sip:bob@x.org", "bob@x.org>;evil"} {
		expectDaemonError(t, post(messageJSON(bad, "hi")), "Bad sip uri.")
	}
	expect(t, post(`{"to":`), 400)
	expect(t, post(`["to"]`), 400)
	expect(t, e.do("POST", "/api/messages", header{"X-Api-Key": e.admin.Key, "Content-Type": "text/plain"}, "to=bob"), 415)

	// A non-admin is refused before anything is sent.
	user := e.newAccount("msguser", "userpass", "SHA-256", false)
	expectMessage(t, e.withKey(user.Key, "POST", "/api/messages", messageJSON("bob@sip.example.org", "hi")), 403, "Unauthorized area")
	expect(t, e.do("POST", "/api/messages", header{"From": "sip:" + e.admin.Username + "@" + domain}, messageJSON("bob@sip.example.org", "hi")), 401)

	// Only the valid message reached SIPp.
	expect(t, post(messageJSON("bob@sip.example.org", "the only one")), 200)
	if err := peer.Wait(t, 10*time.Second); err != nil {
		t.Fatalf("sipp: %v\n%s", err, peer.Log())
	}
	if msgs := peer.Messages(t); len(msgs) != 2 || !strings.HasSuffix(strings.TrimRight(msgs[1], "\r\n"), "the only one") {
		t.Fatalf("sipp received %d messages:\n%s", len(msgs), strings.Join(msgs, "\n====\n"))
	}
}

// TestMessagesUnreachableProxy: a proxy that never answers (UDP into a
// silent socket) is a 504 within SIP_MESSAGE_TIMEOUT; one that refuses the
// connection (TCP, closed port) a 503 at once. Never a 500 or the
// gateway's own timeout.
func TestMessagesUnreachableProxy(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	e := newEnv(t, sipVars("sip:"+silent.LocalAddr().String()+";transport=udp", map[string]string{"SIP_MESSAGE_TIMEOUT": "2"}))
	start := time.Now()
	r := e.asAdmin("POST", "/api/messages", messageJSON("bob@sip.example.org", "hi"))
	took := time.Since(start)
	expectMessage(t, r, 504, "The SIP proxy did not answer within 2s")
	if took < 2*time.Second || took > 5*time.Second {
		t.Errorf("answered after %v, want just over the 2s timeout", took)
	}

	closed := sipptest.FreePort(t)
	e2 := newEnv(t, sipVars("sip:127.0.0.1:"+strconv.Itoa(closed)+";transport=tcp", nil))
	start = time.Now()
	expectMessage(t, e2.asAdmin("POST", "/api/messages", messageJSON("bob@sip.example.org", "hi")), 503, "The SIP proxy cannot be reached")
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("a refused connection took %v", took)
	}
}

// TestMessagesNotConfigured: without SIP_PROXY and a sender,
// /api/messages is not a route: 404 with FlexiAPI's message for every
// method and every caller, and the authorizer never runs.
func TestMessagesNotConfigured(t *testing.T) {
	e := newEnv(t, nil)
	user := e.newAccount("plainuser", "userpass", "SHA-256", false)
	callers := map[string]header{
		"anonymous": nil,
		"admin key": {"X-Api-Key": e.admin.Key},
		"user key":  {"X-Api-Key": user.Key},
		"bad key":   {"X-Api-Key": "not-a-key"},
		"digest":    {"Authorization": `Digest username="adminpass", realm="sip.example.org", nonce="x", uri="/api/messages", response="0"`},
		"bearer":    {"Authorization": "Bearer a.b.c"},
	}
	const want = "The route api/messages could not be found."
	for name, h := range callers {
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			for _, path := range []string{"/api/messages", "/api/messages/"} {
				r := e.do(m, path, h, messageJSON("bob@sip.example.org", "hi"))
				if r.Status != 404 || r.JSON(t)["message"] != want {
					t.Errorf("%s %s %s: %d %s, want 404 %q", name, m, path, r.Status, r.Body, want)
				}
			}
		}
		if r := e.do("HEAD", "/api/messages", h, ""); r.Status != 404 {
			t.Errorf("%s HEAD: %d", name, r.Status)
		}
	}
	logs := e.logs.String()
	if strings.Contains(logs, `"component":"authorizer"`) || strings.Contains(logs, `"authorizer":`) {
		t.Errorf("the authorizer ran for /api/messages:\n%s", logs)
	}
	if !strings.Contains(logs, `"component":"meta"`) {
		t.Errorf("the requests did not reach meta's 404:\n%s", logs)
	}
	if strings.Contains(logs, `"function":"messages"`) {
		t.Error("the messages function was invoked")
	}
}
