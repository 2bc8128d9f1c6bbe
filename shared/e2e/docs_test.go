//go:build integration

package e2e

import (
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/openapi/openapitest"
)

// TestDocumentation: the API documents itself through the gateway, and the
// OpenAPI document it serves is valid OpenAPI 3.1 naming this server.
func TestDocumentation(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/api/openapi.json", nil, "")
	expect(t, r, 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if err := openapitest.Validator(t)([]byte(r.Body)); err != nil {
		t.Fatalf("GET /api/openapi.json is not valid OpenAPI 3.1: %v", err)
	}
	if !strings.Contains(r.Body, `"url":"`+e.url+`"`) {
		t.Fatalf("the document names another server than %s", e.url)
	}
	page := e.do("GET", "/api", nil, "")
	expect(t, page, 200)
	if !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") || !strings.Contains(page.Body, "/api/accounts/me") {
		t.Fatalf("GET /api: %q %.200s", page.Header.Get("Content-Type"), page.Body)
	}
	// What this deployment does not serve is not documented: without SIP
	// there is no POST /api/messages (nor the dangerous endpoints), and
	// there is no account panel to send users to.
	for _, absent := range []string{"/api/messages", "/api/accounts/public", "account panel"} {
		if strings.Contains(page.Body, absent) || strings.Contains(r.Body, `"`+absent+`"`) {
			t.Errorf("the documentation mentions %q", absent)
		}
	}
	sip := newEnv(t, sipVars("sip:127.0.0.1:5999;transport=udp", nil))
	if p := sip.do("GET", "/api", nil, "").Body; !strings.Contains(p, "/api/messages") {
		t.Error("with SIP configured, the page does not list POST /api/messages")
	}
}
