//go:build integration

package e2e

import (
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// When a side channel fails and the client still gets its 200 (the
// confirmation mail of a first password, the registrar's devices), the
// function's warning is a JSON line with its component and the request id
// the client got; every line the function wrote is JSON.
func TestFailureLogsAreJSON(t *testing.T) {
	e := newEnv(t, map[string]string{
		"AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:1",
		"FLEXISIP_REDIS_URL":     "redis://127.0.0.1:1/0",
	})
	address := testenv.UniqueName("logged") + "@example.org"
	u := e.user(`{"username":"loggeduser","algorithm":"SHA-256","password":"123456","email":"` + address + `"}`)
	e.setPasswords("loggeduser", map[string]string{})
	mail := e.withKey(u.Key, "POST", "/api/accounts/me/password", `{"algorithm":"SHA-256","password":"2345678"}`)
	expect(t, mail, 200)
	devices := e.withKey(u.Key, "GET", "/api/accounts/me/devices", "")
	expect(t, devices, 200)

	lines := functionLines(t, e.logs.String(), "accounts")
	for msg, r := range map[string]response{"confirmed registration email not sent": mail, "registrar not readable": devices} {
		id := r.Header.Get("X-Amzn-Requestid")
		found := false
		for _, l := range lines {
			if l["msg"] == msg {
				found = true
				if l["request_id"] != id || l["component"] != "accounts" || l["level"] != "ERROR" {
					t.Errorf("%q: %v, want request_id %q, component accounts, level ERROR", msg, l, id)
				}
			}
		}
		if !found {
			t.Errorf("no JSON line %q among the accounts function's", msg)
		}
	}
}

// functionLines decodes every line a function wrote (the local gateway
// prefixes them with "[name#instance] "); one that is not JSON fails.
func functionLines(t *testing.T, logs, name string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(logs, "\n") {
		rest, ok := strings.CutPrefix(line, "["+name+"#")
		if !ok {
			continue
		}
		_, text, _ := strings.Cut(rest, "] ")
		var m map[string]any
		if err := json.Unmarshal([]byte(text), &m); err != nil {
			t.Errorf("a line of %s is not JSON: %s", name, line)
			continue
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		t.Fatalf("no line of %s was captured", name)
	}
	return out
}

// blackHole is a DynamoDB that does not answer, as when its process is
// paused: it accepts connections and never writes.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// A table that does not answer gets a JSON 503 "Service Unavailable", from
// the authorizer's Allow on a protected route and from the function on a
// public one, within the functions' timeout: not API Gateway's 500 for a
// failed authorizer, nor a 500 or 504.
func TestDependencyTimeoutIs503(t *testing.T) {
	const timeout = 4 * time.Second
	e := newEnvTimeout(t, map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": blackHole(t)}, timeout)
	user := e.newAccount("pauseduser", "123456", "SHA-256", false)
	for _, c := range []struct{ name, method, path, key string }{
		{"protected: the authorizer", "GET", "/api/accounts/me", user.Key},
		{"public: the function", "POST", "/api/accounts/auth_token", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			var r response
			if c.key != "" {
				r = e.withKey(c.key, c.method, c.path, "")
			} else {
				r = e.do(c.method, c.path, nil, "")
			}
			expectMessage(t, r, 503, "Service Unavailable")
			if d := time.Since(start); d > timeout {
				t.Errorf("answered after %s, past the functions' timeout of %s", d, timeout)
			}
		})
	}
}
