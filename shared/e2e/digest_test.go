package e2e

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"regexp"
	"strings"
	"testing"
)

// A Digest client written from RFC 7616 alone, independent of the
// server's shared/auth: the tests would otherwise check the code with
// itself.

var challengeParam = regexp.MustCompile(`(\w+)=("([^"]*)"|[^,]*)`)

type challenge map[string]string

func parseChallenge(t *testing.T, h string) challenge {
	t.Helper()
	if !strings.HasPrefix(h, "Digest ") {
		t.Fatalf("not a Digest challenge: %q", h)
	}
	c := challenge{}
	for _, m := range challengeParam.FindAllStringSubmatch(strings.TrimPrefix(h, "Digest "), -1) {
		if strings.HasPrefix(m[2], `"`) {
			c[m[1]] = m[3]
		} else {
			c[m[1]] = m[2]
		}
	}
	return c
}

func hashHex(alg, s string) string {
	var h hash.Hash = md5.New()
	if alg == "SHA-256" {
		h = sha256.New()
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

// answer builds the Authorization header for a challenge; ha1 may be
// given (HA1 credentials) or computed from the password.
func answer(c challenge, method, uri, username, password, nc string) string {
	alg := c["algorithm"]
	if alg == "" {
		alg = "MD5"
	}
	ha1 := hashHex(alg, username+":"+c["realm"]+":"+password)
	cnonce := "6v4g~PJU-Xzxq2WIw"
	resp := hashHex(alg, fmt.Sprintf("%s:%s:%s:%s:auth:%s", ha1, c["nonce"], nc, cnonce, hashHex(alg, method+":"+uri)))
	// The Linphone 5.1 client's spelling: quoted algorithm, unquoted nc and qop.
	return fmt.Sprintf(`Digest realm="%s", nonce="%s", algorithm="%s", opaque="%s", username="%s", response="%s", cnonce="%s", nc=%s, qop=auth, uri="%s"`,
		c["realm"], c["nonce"], alg, c["opaque"], username, resp, cnonce, nc, uri)
}

// digest runs a full round: the unauthenticated request, its 401 and
// single challenge, then the answer. It returns the final response and
// the Authorization header it sent.
func (e *env) digest(method, path, username, password, body string) (response, string) {
	e.t.Helper()
	from := header{"From": "sip:" + username + "@" + domain}
	first := e.do(method, path, from, body)
	if first.Status != 401 {
		e.t.Fatalf("first request: status %d, want 401: %s", first.Status, first.Body)
	}
	challenges := first.Header.Values("WWW-Authenticate")
	if len(challenges) != 1 {
		e.t.Fatalf("want exactly one WWW-Authenticate field (decision D3), got %q", challenges)
	}
	authz := answer(parseChallenge(e.t, challenges[0]), method, path, username, password, "00000001")
	from["Authorization"] = authz
	return e.do(method, path, from, body), authz
}

func TestDigestClientAgainstRFC7616(t *testing.T) {
	// RFC 7616 §3.9.1, to prove the test client itself right.
	c := challenge{"realm": "http-auth@example.org", "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "opaque": "x"}
	ha1 := hashHex("SHA-256", "Mufasa:http-auth@example.org:Circle of Life")
	resp := hashHex("SHA-256", ha1+":"+c["nonce"]+":00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:"+hashHex("SHA-256", "GET:/dir/index.html"))
	if resp != "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1" {
		t.Fatalf("SHA-256 response %s", resp)
	}
}
