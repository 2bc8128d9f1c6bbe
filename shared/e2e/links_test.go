//go:build integration

package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// TestLinksFollowTheRequestWithoutAppURL: with APP_URL unset, every URL
// the API hands out is built on the host the client used (here the local
// gateway's, and a Host header naming another), so a first deploy needs no
// second one to learn its own URL.
func TestLinksFollowTheRequestWithoutAppURL(t *testing.T) {
	e := newEnv(t, nil)
	if e.cfg.AppURL != "" {
		t.Fatalf("APP_URL %q", e.cfg.AppURL)
	}
	for _, host := range []string{"", "flexiapi.example.org"} {
		base := e.url
		h := header{}
		if host != "" {
			base = "http://" + host
			h["Host"] = host
		}
		t.Run("host "+base, func(t *testing.T) {
			r := e.do("POST", "/api/account_creation_request_tokens", h, "")
			expect(t, r, 201)
			tok := r.JSON(t)["token"].(string)
			if got := r.JSON(t)["validation_url"]; got != base+"/creation_token/check/"+tok {
				t.Errorf("validation_url %v, want on %s", got, base)
			}

			acc, _ := e.userAccount(`{"username":"linksuser` + strings.ReplaceAll(host, ".", "") + `","password":"123456","algorithm":"SHA-256","activated":true}`)
			token := acc["provisioning_token"].(string)
			r = e.do("GET", "/provisioning/qrcode/"+token, h, "")
			want := base + "/provisioning/" + token
			if r.Status != 200 || r.Header.Get("X-Qrcode-Url") != want {
				t.Fatalf("QR code: %d %q, want %q", r.Status, r.Header.Get("X-Qrcode-Url"), want)
			}
			if got := decodeQRPNG(t, []byte(r.Body)); got != want {
				t.Errorf("QR content %q, want %q", got, want)
			}
			u, _ := url.Parse(want)
			h[xlinphone] = "1"
			got := expectXML(t, e.do("GET", u.RequestURI(), h, "")).entries()
			if got["misc/contacts-vcard-list"][0] != base+"/contacts/vcard" {
				t.Errorf("vCard list URL %v, want on %s", got["misc/contacts-vcard-list"], base)
			}
		})
	}
}
