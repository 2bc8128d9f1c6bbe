//go:build integration

package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// Flexisip's ExternalAuthentication plugin, as it calls us: its
// remote-auth-uri template (docs/flexisip.md) filled with the
// Authorization header's parameters, each escaped as sofia-sip escapes
// them, "null" for an absent one; the Digest answers come from an
// independent client (devstack.DigestHex), not from our shared/auth.

const (
	flexisipSecret  = "Zq3M7xT1vB9nK4sW8eR2yU6iO0pA5dFg"
	flexisipPrevSec = "p8Rt2Wq5Ez7Ux1Ic4Ov6Bn3Ma9Sd0Fg2"
)

// sipAnswer is what a SIP client answers to Flexisip's challenge, as the
// plugin's tokens: qop "auth" or "" (RFC 2069, no nc nor cnonce).
func sipAnswer(user, password, alg, nonce, nc, qop, method string) map[string]string {
	uri := "sip:" + domain
	ha1 := devstack.DigestHex(alg, user+":"+domain+":"+password)
	ha2 := devstack.DigestHex(alg, method+":"+uri)
	tokens := map[string]string{"username": user, "realm": domain, "nonce": nonce, "uri": uri,
		"algorithm": alg, "method": method, "domain": domain}
	if qop == "" {
		tokens["response"] = devstack.DigestHex(alg, ha1+":"+nonce+":"+ha2)
		return tokens
	}
	cnonce := "0a4f~113b-" + nc // Linphone's cnonces hold ~ and -
	tokens["response"] = devstack.DigestHex(alg, ha1+":"+nonce+":"+nc+":"+cnonce+":"+qop+":"+ha2)
	tokens["qop"], tokens["nc"], tokens["cnonce"] = qop, nc, cnonce
	return tokens
}

// check calls the SIP check with the plugin's template.
func (e *env) check(secret string, tokens map[string]string) response {
	e.t.Helper()
	u := devstack.FlexisipAuthURL(devstack.FlexisipAuthTemplate(e.machineURL, secret), tokens)
	return doWith(e.t, http.DefaultClient, "GET", u, http.Header{}, "")
}

// plugin reads the answer as the plugin does: HTTP 200, text/plain, and
// "Key: value" lines.
func plugin(t *testing.T, r response) map[string]string {
	t.Helper()
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("HTTP %d %q: %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if !strings.HasSuffix(r.Body, "\n") {
		t.Fatalf("the last line does not end with \\n: %q", r.Body)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(r.Body, "\n"), "\n") {
		k, v, ok := strings.Cut(line, ":")
		v = strings.TrimLeft(v, " \t")
		if !ok || v == "" || strings.Contains(v, "\r") {
			t.Fatalf("the plugin refuses the line %q", line)
		}
		out[k] = v
	}
	return out
}

func TestFlexisipAuthCheck(t *testing.T) {
	e := newEnv(t, map[string]string{"FLEXISIP_AUTH_SECRET": flexisipSecret, "FLEXISIP_AUTH_SECRET_PREVIOUS": flexisipPrevSec})
	create := func(body string) int64 {
		r := e.asAdmin("POST", "/api/accounts", body)
		expect(t, r, 200)
		return int64(r.JSON(t)["id"].(float64))
	}
	create(`{"username":"alice1","password":"alice-pass","algorithm":"MD5","activated":true,"display_name":"Alice \"Al\" Liddell"}`)
	create(`{"username":"bobby1","password":"bobby-pass","algorithm":"SHA-256","activated":true}`)
	blocked := create(`{"username":"blocked1","password":"blocked-pass","algorithm":"MD5","activated":true}`)
	expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/block", blocked), ""), 200)
	create(`{"username":"pending1","password":"pending-pass","algorithm":"MD5"}`)
	create(`{"username":"expired1","password":"expired-pass","algorithm":"MD5","confirmation_key_expires":"2020-01-01 00:00:00"}`)

	nonce := "Lx8v+2Qb/Zk3JmW9aT1e7g==" // Flexisip's nonces are base64
	for _, c := range []struct {
		name  string
		alg   string
		qop   string
		user  string
		pass  string
		ident string
	}{
		{"MD5, qop=auth", "MD5", "auth", "alice1", "alice-pass", `"Alice \"Al\" Liddell" <sip:alice1@` + domain + `>`},
		{"MD5, no qop", "MD5", "", "alice1", "alice-pass", `"Alice \"Al\" Liddell" <sip:alice1@` + domain + `>`},
		{"SHA-256, qop=auth", "SHA-256", "auth", "bobby1", "bobby-pass", `<sip:bobby1@` + domain + `>`},
		{"SHA-256, no qop", "SHA-256", "", "bobby1", "bobby-pass", `<sip:bobby1@` + domain + `>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := nonce + c.name // one nonce per case
			kv := plugin(t, e.check(flexisipSecret, sipAnswer(c.user, c.pass, c.alg, n, "00000001", c.qop, "REGISTER")))
			if kv["Status"] != "200" || kv["P-Asserted-Identity"] != c.ident || len(kv) != 2 {
				t.Fatalf("%v", kv)
			}
			// The same (nonce, nc) again: a replay.
			kv = plugin(t, e.check(flexisipSecret, sipAnswer(c.user, c.pass, c.alg, n, "00000001", c.qop, "REGISTER")))
			if kv["Status"] != "403" || kv["Reason"] != `SIP;cause=403;text="Nonce replayed"` {
				t.Fatalf("replay: %v", kv)
			}
		})
	}

	// A wrong answer and an unknown account: the same answer, byte for byte.
	wrong := e.check(flexisipSecret, sipAnswer("alice1", "not-her-pass", "MD5", "n-wrong", "00000001", "auth", "INVITE"))
	unknown := e.check(flexisipSecret, sipAnswer("nobody1", "alice-pass", "MD5", "n-unknown", "00000001", "auth", "INVITE"))
	if plugin(t, wrong)["Status"] != "401" || wrong.Body != unknown.Body || wrong.Status != unknown.Status ||
		wrong.Header.Get("Content-Type") != unknown.Header.Get("Content-Type") || wrong.Header.Get("Content-Length") != unknown.Header.Get("Content-Length") {
		t.Fatalf("wrong answer %d %q, unknown account %d %q", wrong.Status, wrong.Body, unknown.Status, unknown.Body)
	}

	for user, reason := range map[string]string{"blocked1": "Account blocked", "pending1": "Account not activated", "expired1": "Activation expired"} {
		kv := plugin(t, e.check(flexisipSecret, sipAnswer(user, strings.TrimSuffix(user, "1")+"-pass", "MD5", "n-"+user, "00000001", "auth", "REGISTER")))
		if kv["Status"] != "403" || kv["Phrase"] != reason || kv["Reason"] != `SIP;cause=403;text="`+reason+`"` {
			t.Errorf("%s: %v", user, kv)
		}
	}

	// The secret: wrong or missing is an HTTP 403 (the plugin fails
	// closed); the previous one still works during a rotation.
	good := sipAnswer("alice1", "alice-pass", "MD5", "n-secret", "00000001", "auth", "REGISTER")
	expect(t, e.check("not-the-secret-of-thirty-two-chars", good), 403)
	r := doWith(t, http.DefaultClient, "GET", strings.Replace(devstack.FlexisipAuthURL(devstack.FlexisipAuthTemplate(e.machineURL, flexisipSecret), good),
		"secret="+flexisipSecret+"&", "", 1), http.Header{}, "")
	expect(t, r, 403)
	if kv := plugin(t, e.check(flexisipPrevSec, good)); kv["Status"] != "200" {
		t.Fatalf("previous secret: %v", kv)
	}
	// Not on the REST API at all.
	if r := e.do("GET", "/api/flexisip/auth?secret="+flexisipSecret, nil, ""); r.Status != 404 {
		t.Fatalf("the REST API serves the SIP check: %d", r.Status)
	}

	// 20 checks of one account at once, one nonce, each with its own nc
	// (the plugin keeps one request in flight per domain, but several
	// proxies share the API).
	var wg sync.WaitGroup
	results := make([]string, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.check(flexisipSecret, sipAnswer("bobby1", "bobby-pass", "SHA-256", "n-parallel", fmt.Sprintf("%08x", i+1), "auth", "INVITE"))
			results[i] = r.Body
		}()
	}
	wg.Wait()
	for i, body := range results {
		if !strings.HasPrefix(body, "Status: 200\n") {
			t.Errorf("check %d (nc %08x): %q", i, i+1, body)
		}
	}

	// Nothing of the run logs the secret: not the functions, not the
	// gateways, not the machine API's access log.
	all := e.logs.String() + e.machineAccess.String()
	for _, s := range []string{flexisipSecret, flexisipPrevSec} {
		if strings.Contains(all, s) || strings.Contains(all, devstack.FlexisipEscape(s)) {
			t.Fatal("a log line holds the secret")
		}
	}
	if !strings.Contains(e.logs.String(), `"sip_status":403`) || !strings.Contains(e.machineAccess.String(), `"route":"GET /api/flexisip/auth"`) {
		t.Fatal("the run's log lines are missing: the secret check above proves nothing")
	}
}
