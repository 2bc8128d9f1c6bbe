package devstack

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"regexp"
	"strings"
)

// A Digest client written from RFC 7616 alone, independent of the server's
// shared/auth (tests would otherwise check the code with itself), answering
// as the Linphone 5.1 client does: quoted algorithm, unquoted nc and qop.
// The end-to-end tests and `make bench` use it.

var challengeParam = regexp.MustCompile(`(\w+)=("([^"]*)"|[^,]*)`)

// ParseChallenge reads the parameters of a WWW-Authenticate Digest value.
func ParseChallenge(h string) (map[string]string, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(h), "Digest ")
	if !ok {
		return nil, fmt.Errorf("not a Digest challenge: %q", h)
	}
	c := map[string]string{}
	for _, m := range challengeParam.FindAllStringSubmatch(rest, -1) {
		if strings.HasPrefix(m[2], `"`) {
			c[m[1]] = m[3]
		} else {
			c[m[1]] = m[2]
		}
	}
	if c["nonce"] == "" || c["realm"] == "" {
		return nil, fmt.Errorf("challenge without nonce or realm: %q", h)
	}
	return c, nil
}

// DigestHex is the lowercase hex MD5 or SHA-256 of s.
func DigestHex(alg, s string) string {
	var h hash.Hash = md5.New()
	if alg == "SHA-256" {
		h = sha256.New()
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

// DigestAnswer is the Authorization header answering challenge c.
func DigestAnswer(c map[string]string, method, uri, username, password, cnonce, nc string) string {
	alg := c["algorithm"]
	if alg == "" {
		alg = "MD5"
	}
	ha1 := DigestHex(alg, username+":"+c["realm"]+":"+password)
	ha2 := DigestHex(alg, method+":"+uri)
	resp := DigestHex(alg, ha1+":"+c["nonce"]+":"+nc+":"+cnonce+":auth:"+ha2)
	return fmt.Sprintf(`Digest realm="%s", nonce="%s", algorithm="%s", opaque="%s", username="%s", response="%s", cnonce="%s", nc=%s, qop=auth, uri="%s"`,
		c["realm"], c["nonce"], alg, c["opaque"], username, resp, cnonce, nc, uri)
}

// NewCNonce is a fresh client nonce.
func NewCNonce() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
