//go:build integration

package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCurlDigest: curl's own Digest implementation, MD5 and SHA-256, with
// the From header FlexiAPI needs.
func TestCurlDigest(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is needed (the Makefile installs it)")
	}
	e := newEnv(t, nil)
	for _, alg := range []string{"MD5", "SHA-256"} {
		user := "curl" + strings.ToLower(strings.ReplaceAll(alg, "-", ""))
		e.newAccount(user, "s3cret!", alg, false)
		t.Run(alg, func(t *testing.T) {
			out, err := exec.Command(curl, "-sS", "--digest", "-u", user+":s3cret!", "-H", "From: sip:"+user+"@"+domain,
				"-H", "Accept: application/json", "-w", "\n%{http_code}", e.url+"/api/accounts/me").CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if code := lines[len(lines)-1]; code != "200" || !strings.Contains(string(out), `"username":"`+user+`"`) {
				t.Fatalf("curl --digest (%s): %s", alg, out)
			}
			out, _ = exec.Command(curl, "-sS", "--digest", "-u", user+":wrong", "-H", "From: sip:"+user+"@"+domain,
				"-o", "/dev/null", "-w", "%{http_code}", e.url+"/api/accounts/me").CombinedOutput()
			if string(out) != "401" {
				t.Fatalf("wrong password: %s", out)
			}
		})
	}
}

// linphone runs one scenario of the Linphone 5.1 client harness
// (../shared/tools/linphone-client, built by `make test`).
func linphone(t *testing.T, baseURL string, args ...string) {
	t.Helper()
	bin := os.Getenv("LINPHONE_CLIENT")
	if bin == "" {
		t.Fatal("LINPHONE_CLIENT is not set: `make test` builds the Linphone 5.1 client harness and sets it")
	}
	out, err := exec.Command(bin, append([]string{"-t", "20", baseURL}, args...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " 0 failed") {
		t.Fatalf("linphone-flexiapi %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestLinphoneClient: the FlexiAPI client inside liblinphone 5.1 (what
// users' apps contain) authenticates through the gateway.
func TestLinphoneClient(t *testing.T) {
	e := newEnv(t, nil)
	base := e.url + "/api/"
	linphone(t, base, "ping")
	linphone(t, base, "apikey-me", e.admin.Key, "admin")
	linphone(t, base, "apikey-reject", "not-a-key")
	for _, alg := range []string{"MD5", "SHA-256"} {
		user := "lin" + strings.ToLower(strings.ReplaceAll(alg, "-", ""))
		e.newAccount(user, "secret", alg, false)
		t.Run(alg, func(t *testing.T) {
			// Every credential kind that can answer this account's challenge...
			for _, kind := range []string{"any", alg, "ha1-" + alg} {
				linphone(t, base, "digest-me", user, domain, "secret", kind)
			}
			// ...and the full matrix: the other algorithm's credentials get 401.
			linphone(t, base, "digest-matrix", user, domain, "secret", alg)
			linphone(t, base, "digest-reject", user, domain, "wrong")
		})
	}
}
