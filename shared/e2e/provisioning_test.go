//go:build integration

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Port of FlexiAPI's AccountProvisioningTest and of
// AccountJWTAuthenticationTest::testBaseProvisioning, through the local
// gateway, plus our differences (docs/compatibility.md, "Provisioning and
// vCard"): the media type, the order of the checks and the atomic
// consumption of a token, the web routes without credentials.

const xlinphone = "X-Linphone-Provisioning"

// provXML is a provisioning document read back with encoding/xml.
type provXML struct {
	XMLName  xml.Name
	Sections []struct {
		Name    string `xml:"name,attr"`
		Entries []struct {
			Name      string `xml:"name,attr"`
			Overwrite string `xml:"overwrite,attr"`
			Value     string `xml:",chardata"`
		} `xml:"entry"`
	} `xml:"section"`
}

// entries lists "section/entry" → values, in document order.
func (p provXML) entries() map[string][]string {
	out := map[string][]string{}
	for _, s := range p.Sections {
		for _, e := range s.Entries {
			out[s.Name+"/"+e.Name] = append(out[s.Name+"/"+e.Name], e.Value)
		}
	}
	return out
}

// expectXML checks a 200 provisioning answer and parses it.
func expectXML(t *testing.T, r response) provXML {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/xml" {
		t.Fatalf("Content-Type %q, want exactly application/xml", ct)
	}
	if !strings.HasPrefix(r.Body, `<?xml version="1.0" encoding="UTF-8"?><config xmlns="http://www.linphone.org/xsds/lpconfig.xsd">`) {
		t.Fatalf("declaration and root: %s", r.Body)
	}
	var p provXML
	if err := xml.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, r.Body)
	}
	if p.XMLName.Local != "config" || p.XMLName.Space != "http://www.linphone.org/xsds/lpconfig.xsd" {
		t.Fatalf("root %v", p.XMLName)
	}
	return p
}

// provision downloads with the x-linphone-provisioning header (and h).
func (e *env) provision(path string, h header) response {
	e.t.Helper()
	all := header{xlinphone: "1"}
	for k, v := range h {
		all[k] = v
	}
	return e.do("GET", path, all, "")
}

// userAccount creates a user through the admin API and returns its JSON
// and an API key.
func (e *env) userAccount(body string) (map[string]any, string) {
	e.t.Helper()
	r := e.create(body)
	expect(e.t, r, 200)
	m := r.JSON(e.t)
	key, err := e.svc.RefreshAPIKey(context.Background(), int64(m["id"].(float64)))
	if err != nil {
		e.t.Fatal(err)
	}
	return m, key
}

func (e *env) storedAccount(id any) *account.Account {
	e.t.Helper()
	a, err := e.st.AccountByID(context.Background(), int64(id.(float64)))
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func TestAccountProvisioningTestBaseProvisioning(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_URL": "https://flexiapi.example.com"})
	expectMessage(t, e.do("GET", "/provisioning", nil, ""), 400, "x-linphone-provisioning header is missing")
	p := expectXML(t, e.provision("/provisioning", nil))
	got := p.entries()
	if len(got) != 1 || got["misc/contacts-vcard-list"][0] != "https://flexiapi.example.com/contacts/vcard" {
		t.Fatalf("base document: %v", got)
	}
	// An empty header value counts as present.
	expectXML(t, e.provision("/provisioning", header{xlinphone: ""}))
}

func TestAccountProvisioningTestDisabledProvisioningHeader(t *testing.T) {
	e := newEnv(t, map[string]string{"ACCOUNT_PROVISIONING_USE_X_LINPHONE_PROVISIONING_HEADER": "false"})
	p := expectXML(t, e.do("GET", "/provisioning", nil, ""))
	if _, ok := p.entries()["auth_info_0/ha1"]; ok {
		t.Fatal("no account, no ha1")
	}
}

// The reference answers 302 (From validation redirect); we answer 401 JSON
// without challenge, and with From one Digest challenge.
func TestAccountProvisioningTestXLinphoneProvisioningHeader(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/provisioning/me", header{xlinphone: "1", "Accept": "text/html"}, "")
	expect(t, r, 401)
	if h := r.Header.Values("WWW-Authenticate"); len(h) != 0 {
		t.Fatalf("no From, no challenge: %q", h)
	}
	u := e.newAccount("provme", "secret", "MD5", false)
	r = e.do("GET", "/provisioning/me", header{xlinphone: "1", "From": "sip:provme@" + domain}, "")
	expect(t, r, 401)
	if h := r.Header.Values("WWW-Authenticate"); len(h) != 1 || !strings.Contains(h[0], "algorithm=MD5") {
		t.Fatalf("one challenge: %q", h)
	}
	// The Digest round works on the web route, as Linphone does it.
	c := parseChallenge(t, r.Header.Get("WWW-Authenticate"))
	authz := answer(c, "GET", "/provisioning/me", u.Username, u.Password, "00000001")
	p := expectXML(t, e.do("GET", "/provisioning/me", header{xlinphone: "1", "From": "sip:provme@" + domain, "Authorization": authz}, ""))
	if p.entries()["auth_info_0/username"][0] != "provme" {
		t.Fatalf("%v", p.entries())
	}
}

func TestAccountProvisioningTestAuthenticatedProvisioning(t *testing.T) {
	e := newEnv(t, nil)
	u := e.newAccount("provuser", "secret", "SHA-256", false)
	expectMessage(t, e.withKey(u.Key, "GET", "/provisioning/me", ""), 400, "x-linphone-provisioning header is missing")
	for i := 0; i < 2; i++ { // not one-shot
		got := expectXML(t, e.provision("/provisioning/me", header{"X-Api-Key": u.Key})).entries()
		a := e.storedAccount(float64(u.ID))
		if got["auth_info_0/ha1"][0] != a.Passwords["SHA-256"] || got["auth_info_0/algorithm"][0] != "SHA-256" ||
			got["misc/contacts-vcard-list"][0] != e.url+"/contacts/vcard" || got["auth_info_0/realm"][0] != domain {
			t.Fatalf("%v", got)
		}
	}
	// A blocked account: 403 on /provisioning/me (as on /api), while its
	// provisioning token still works (no blocked check, as FlexiAPI).
	token := *e.storedAccount(float64(u.ID)).ProvisioningToken
	expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/block", u.ID), ""), 200)
	expectMessage(t, e.provision("/provisioning/me", header{"X-Api-Key": u.Key}), 403, "Account blocked")
	expectXML(t, e.provision("/provisioning/"+token, nil))
}

func TestAccountProvisioningTestAuthenticatedReProvisioning(t *testing.T) {
	e := newEnv(t, nil)
	acc, key := e.userAccount(`{"username":"annaoreily","password":"123456","algorithm":"SHA-256","display_name":"Anna O'Reily","activated":true}`)
	old := acc["provisioning_token"].(string)
	r := e.withKey(key, "GET", "/api/accounts/me/provision", "")
	expect(t, r, 200)
	if got := strings.Join(keysOf(t, r.Body), " "); got != fullKeys {
		t.Fatalf("full account JSON: %s", got)
	}
	fresh, _ := r.JSON(t)["provisioning_token"].(string)
	if fresh == "" || fresh == old || len(fresh) != 13 {
		t.Fatalf("new token %q (old %q)", fresh, old)
	}
	expect(t, e.provision("/provisioning/"+old, nil), 404)
	got := expectXML(t, e.provision("/provisioning/"+fresh, nil)).entries()
	if got["auth_info_0/username"][0] != "annaoreily" || got["proxy_0/reg_identity"][0] != `"Anna O'Reily" <sip:annaoreily@`+domain+`>` ||
		got["auth_info_0/ha1"][0] == "" {
		t.Fatalf("%v", got)
	}
}

func TestAccountProvisioningTestPasswordResetProvisioning(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_URL": "https://flexiapi.example.com"})
	acc, _ := e.userAccount(`{"username":"resetme","password":"123456","algorithm":"MD5","display_name":"Reset Me","activated":true}`)
	token := acc["provisioning_token"].(string)
	oldHash := e.storedAccount(acc["id"]).Passwords["MD5"]

	r := e.do("GET", "/provisioning/qrcode/"+token+"?reset_password", nil, "")
	want := "https://flexiapi.example.com/provisioning/" + token + "?reset_password=1"
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" || r.Header.Get("X-Qrcode-Url") != want {
		t.Fatalf("%d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("X-Qrcode-Url"))
	}
	if got := decodeQRPNG(t, []byte(r.Body)); got != want {
		t.Fatalf("QR content %q, want %q", got, want)
	}
	// The QR code consumed nothing: the account is unchanged.
	if a := e.storedAccount(acc["id"]); a.ProvisioningToken == nil || *a.ProvisioningToken != token {
		t.Fatal("the QR code endpoint consumed the token")
	}

	u, _ := url.Parse(want)
	got := expectXML(t, e.provision(u.RequestURI(), nil)).entries()
	a := e.storedAccount(acc["id"])
	newHash := a.Passwords["SHA-256"] // ACCOUNT_DEFAULT_PASSWORD_ALGORITHM
	if newHash == "" || len(a.Passwords) != 1 || newHash == oldHash {
		t.Fatalf("passwords after reset: %v (old MD5 %s)", a.Passwords, oldHash)
	}
	if got["auth_info_0/ha1"][0] != newHash || got["auth_info_0/algorithm"][0] != "SHA-256" ||
		got["auth_info_0/username"][0] != "resetme" || got["proxy_0/reg_identity"][0] != `"Reset Me" <sip:resetme@`+domain+`>` {
		t.Fatalf("%v", got)
	}
	// Digest reads the new hash too (the SIP card changed with the account).
	card, err := e.st.CardBySIP(context.Background(), "resetme", domain)
	if err != nil || card.Passwords["SHA-256"] != newHash || len(card.Passwords) != 1 {
		t.Fatalf("card %v %v", card, err)
	}
}

func decodeQRPNG(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// The image is a pure barcode (upright, square modules, quiet zone):
	// without this hint gozxing's detector fails on about one code in a
	// hundred, codes that zbarimg reads without any hint.
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("QR decode: %v", err)
	}
	return res.GetText()
}

func TestAccountProvisioningTestConfirmationKeyProvisioning(t *testing.T) {
	e := newEnv(t, nil)
	expect(t, e.provision("/provisioning/1234", nil), 404)
	acc, _ := e.userAccount(`{"username":"inactive","password":"123456","algorithm":"SHA-256"}`)
	if acc["activated"] != false {
		t.Fatalf("%v", acc["activated"])
	}
	token := acc["provisioning_token"].(string)
	got := expectXML(t, e.provision("/provisioning/"+token, nil)).entries()
	if got["auth_info_0/ha1"][0] == "" {
		t.Fatalf("%v", got)
	}
	id := fmt.Sprint(acc["id"])
	shown := e.asAdmin("GET", "/api/accounts/"+id, "").JSON(t)
	if shown["activated"] != true || shown["provisioning_token"] != nil {
		t.Fatalf("after provisioning: activated %v, token %v", shown["activated"], shown["provisioning_token"])
	}
	expect(t, e.provision("/provisioning/"+token, nil), 404)
	r := e.asAdmin("GET", "/api/accounts/"+id+"/provision", "")
	expect(t, r, 200)
	fresh, _ := r.JSON(t)["provisioning_token"].(string)
	if fresh == "" || fresh == token {
		t.Fatalf("admin renewal: %s", r.Body)
	}
	expectXML(t, e.provision("/provisioning/"+fresh, nil))
}

func TestAccountProvisioningTestAuthTokenProvisioning(t *testing.T) {
	e := newEnv(t, nil)
	u := e.newAccount("authtok", "secret", "SHA-256", false)
	r := e.do("POST", "/api/accounts/auth_token", nil, "")
	expect(t, r, 201)
	token := r.JSON(t)["token"].(string)
	expect(t, e.withKey(u.Key, "GET", "/api/accounts/auth_token/"+token+"/attach", ""), 200)
	got := expectXML(t, e.provision("/provisioning/auth_token/"+token, nil)).entries()
	if got["auth_info_0/username"][0] != "authtok" || got["auth_info_0/ha1"][0] == "" {
		t.Fatalf("%v", got)
	}
	if _, err := e.st.AuthTokenByValue(context.Background(), token); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("the auth token survives: %v", err)
	}
	expect(t, e.provision("/provisioning/auth_token/"+token, nil), 404)
}

func TestAccountJWTAuthenticationTestBaseProvisioning(t *testing.T) {
	e := newEnv(t, nil)
	expect(t, e.create(`{"username":"jwtprov","password":"123456","algorithm":"SHA-256","email":"jwtprov@example.org","activated":true}`), 200)
	expect(t, e.do("GET", "/provisioning", nil, ""), 400)
	bearer := func(tok string) header { return header{"Authorization": "Bearer " + tok} }
	exp := time.Now().Add(5 * time.Minute).Unix()
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodRS256, jwt.SigningMethodRS512} {
		got := expectXML(t, e.provision("/provisioning/me", bearer(signJWT(t, m, jwtKey, jwt.MapClaims{"email": "jwtprov@example.org", "exp": exp})))).entries()
		if got["auth_info_0/username"][0] != "jwtprov" || got["auth_info_0/ha1"][0] == "" {
			t.Fatalf("%v", got)
		}
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, tok := range map[string]string{
		"expired":       signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": "jwtprov@example.org", "exp": time.Now().Add(-time.Minute).Unix()}),
		"unknown email": signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": "nobody@example.org", "exp": exp}),
		"wrong key":     signJWT(t, jwt.SigningMethodRS256, other, jwt.MapClaims{"email": "jwtprov@example.org", "exp": exp}),
	} {
		t.Run(name, func(t *testing.T) { expect(t, e.provision("/provisioning/me", bearer(tok)), 403) })
	}
}

// TestProvisioningConcurrentDownloads: the token is consumed atomically,
// so two (here eight) simultaneous downloads of one token get exactly one
// 200.
func TestProvisioningConcurrentDownloads(t *testing.T) {
	e := newEnv(t, nil)
	acc, _ := e.userAccount(`{"username":"racer1","password":"123456","algorithm":"SHA-256"}`)
	token := acc["provisioning_token"].(string)
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.provision("/provisioning/"+token, nil).Status
		}()
	}
	wg.Wait()
	ok, notFound := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 404:
			notFound++
		}
	}
	if ok != 1 || notFound != len(statuses)-1 {
		t.Fatalf("statuses %v: want one 200 and 404s", statuses)
	}
	if a := e.storedAccount(acc["id"]); !a.Activated || a.ProvisioningToken != nil {
		t.Fatalf("activated %v token %v", a.Activated, a.ProvisioningToken)
	}
}

// TestProvisioningHeaderGateConsumesNothing: the header gate comes first,
// so a request without the header changes nothing (FlexiAPI burns the
// token first).
func TestProvisioningHeaderGateConsumesNothing(t *testing.T) {
	e := newEnv(t, nil)
	acc, key := e.userAccount(`{"username":"gated1","password":"123456","algorithm":"SHA-256"}`)
	token := acc["provisioning_token"].(string)
	r := e.do("POST", "/api/accounts/auth_token", nil, "")
	authToken := r.JSON(t)["token"].(string)
	expect(t, e.withKey(key, "GET", "/api/accounts/auth_token/"+authToken+"/attach", ""), 200)
	before := e.snapshot()
	for _, path := range []string{"/provisioning/" + token, "/provisioning/" + token + "?reset_password=1",
		"/provisioning/auth_token/" + authToken + "?reset_password", "/provisioning/me?reset_password"} {
		expectMessage(t, e.withKey(key, "GET", path, ""), 400, "x-linphone-provisioning header is missing")
	}
	e.expectUnchanged(before)
	expectXML(t, e.provision("/provisioning/"+token, nil))
	if a := e.storedAccount(acc["id"]); !a.Activated {
		t.Fatal("not activated by the real download")
	}
}

// TestProvisioningXMLThroughGateway: an RC file, the overwrite flag, and
// values with '&', '<', quotes and non-ASCII, read back by encoding/xml
// (FlexiAPI answers 500 on a raw '&').
func TestProvisioningXMLThroughGateway(t *testing.T) {
	rc := filepath.Join(t.TempDir(), "linphonerc")
	if err := os.WriteFile(rc, []byte("[sip]\nreg_proxy=<sip:proxy.example.org;transport=tls>\n[proxy_0]\nreg_expires=3600\n[app]\nnote=Tom & Jerry \"ü\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, map[string]string{"ACCOUNT_PROVISIONING_RC_FILE": rc, "ACCOUNT_PROVISIONING_OVERWRITE_ALL": "true",
		"APP_URL": "https://flexiapi.example.com", "ACCOUNT_REALM": "R&D <realm>"})
	acc, key := e.userAccount(`{"username":"escaper","password":"123456","algorithm":"SHA-256","display_name":"Tom & Jerry <\"Ünï\" O'Reily> 東京"}`)
	p := expectXML(t, e.provision("/provisioning/me", header{"X-Api-Key": key}))
	got := p.entries()
	a := e.storedAccount(acc["id"])
	want := map[string][]string{
		"sip/reg_proxy":            {"<sip:proxy.example.org;transport=tls>"},
		"app/note":                 {`Tom & Jerry "ü"`},
		"misc/contacts-vcard-list": {"https://flexiapi.example.com/contacts/vcard"},
		"proxy_0/reg_expires":      {"3600"},
		"proxy_0/reg_identity":     {`"Tom & Jerry <\"Ünï\" O'Reily> 東京" <sip:escaper@` + domain + `>`},
		"auth_info_0/username":     {"escaper"},
		"auth_info_0/domain":       {domain},
		"auth_info_0/ha1":          {a.Passwords["SHA-256"]},
		"auth_info_0/realm":        {"R&D <realm>"},
		"auth_info_0/algorithm":    {"SHA-256"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	var order []string
	for _, s := range p.Sections {
		order = append(order, s.Name)
		for _, en := range s.Entries {
			if en.Overwrite != "true" {
				t.Fatalf("overwrite: %v", en)
			}
		}
	}
	if strings.Join(order, " ") != "sip app misc proxy_0 auth_info_0" {
		t.Fatalf("section order %v", order)
	}
}

// TestProvisioningBadInput: unknown and over-long tokens, odd characters,
// another domain's account, bad ids: 4xx, nothing written.
func TestProvisioningBadInput(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	otherAcc, _, err := e.svc.EnsureAdmin(ctx, "elsewhere", "other.example.org", "secret", "SHA-256")
	if err != nil {
		t.Fatal(err)
	}
	if otherAcc, err = e.st.SetAdmin(ctx, otherAcc, false, otherAcc.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	otherKey, err := e.svc.RefreshAPIKey(ctx, otherAcc.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/api/accounts/auth_token", nil, "")
	authToken := r.JSON(t)["token"].(string)
	expect(t, e.withKey(otherKey, "GET", "/api/accounts/auth_token/"+authToken+"/attach", ""), 200)
	long := strings.Repeat("A", 5000)
	before := e.snapshot()
	for path, status := range map[string]int{
		"/provisioning/unknown0token":                             404,
		"/provisioning/" + long:                                   404,
		"/provisioning/abc%00def":                                 404,
		"/provisioning/%C3%A9t%C3%A9":                             404,
		"/provisioning/qrcode/unknown0token":                      404,
		"/provisioning/qrcode/" + long:                            404,
		"/provisioning/auth_token/" + long:                        404,
		"/provisioning/auth_token/unknown":                        404,
		"/provisioning/auth_token/" + authToken:                   404, // an account outside APP_SIP_DOMAIN: the token is kept
		"/api/accounts/" + fmt.Sprint(otherAcc.ID) + "/provision": 404,
		"/api/accounts/999999/provision":                          404,
		"/api/accounts/abc/provision":                             422,
		"/api/accounts/" + long + "/provision":                    422,
		"/contacts/vcard/" + long:                                 404,
		"/contacts/vcard/nobody@" + domain:                        404,
		"/contacts/vcard/no-at-sign":                              404,
	} {
		h := header{xlinphone: "1"}
		if strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/contacts/") {
			h["X-Api-Key"] = e.admin.Key
		}
		t.Run(path[:min(len(path), 60)], func(t *testing.T) { expect(t, e.do("GET", path, h, ""), status) })
	}
	e.expectUnchanged(before)
	// Another domain's account provisions with its own token (FlexiAPI's
	// token lookup has no domain scope).
	expectXML(t, e.provision("/provisioning/"+*otherAcc.ProvisioningToken, nil))
}
