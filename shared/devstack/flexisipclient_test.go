package devstack

import (
	"net/url"
	"os"
	"strings"
	"testing"
)

// docs/flexisip.md gives operators the template the tests use.
func TestFlexisipAuthTemplateIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/flexisip.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "remote-auth-uri=" + FlexisipAuthTemplate("https://MACHINE_API_HOST", "FLEXISIP_AUTH_SECRET") + "\n"
	if !strings.Contains(string(doc), want) {
		t.Fatalf("docs/flexisip.md does not give the template\n%s", want)
	}
}

// The plugin's escaping: httpReserved and more escaped, "null" for an
// absent parameter; Go's query parsing reads the values back as sent.
func TestFlexisipAuthURL(t *testing.T) {
	u := FlexisipAuthURL(FlexisipAuthTemplate("https://h", "s3cr3t"), map[string]string{
		"username": "al+ice", "nonce": "a+b/c=", "uri": "sip:x@y;transport=tls", "realm": "r", "response": "0f",
		"method": "REGISTER", "domain": "y", "cnonce": "~c-1"})
	for _, raw := range []string{"+", "/c=", "sip:"} {
		if strings.Contains(u[strings.Index(u, "?"):], "nonce="+raw) {
			t.Fatalf("%q not escaped in %s", raw, u)
		}
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query()
	if q.Get("username") != "al+ice" || q.Get("nonce") != "a+b/c=" || q.Get("uri") != "sip:x@y;transport=tls" ||
		q.Get("qop") != "null" || q.Get("nc") != "null" || q.Get("algorithm") != "null" || q.Get("secret") != "s3cr3t" || q.Get("cnonce") != "~c-1" {
		t.Fatalf("%v", q)
	}
}
