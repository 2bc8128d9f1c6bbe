package devstack

import (
	"strings"
	"testing"
)

// The Digest client against the SHA-256 example of RFC 7616, section 3.9.1.
func TestDigestAnswerRFC7616(t *testing.T) {
	c, err := ParseChallenge(`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ` +
		`nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`)
	if err != nil {
		t.Fatal(err)
	}
	h := DigestAnswer(c, "GET", "/dir/index.html", "Mufasa", "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "00000001")
	if !strings.Contains(h, `response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"`) {
		t.Fatalf("wrong response: %s", h)
	}
	c["algorithm"] = "MD5"
	h = DigestAnswer(c, "GET", "/dir/index.html", "Mufasa", "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "00000001")
	if !strings.Contains(h, `response="8ca523f5e9506fed4657c9700eebdbec"`) {
		t.Fatalf("wrong MD5 response: %s", h)
	}
	if _, err := ParseChallenge(`Basic realm="x"`); err == nil {
		t.Fatal("a Basic challenge parsed as Digest")
	}
}
