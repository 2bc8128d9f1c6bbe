//go:build integration

package authn_test

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

var ctx = context.Background()

type fixture struct {
	t     *testing.T
	st    *store.Store
	cfg   *config.Config
	svc   *account.Service
	authn *authn.Authenticator
	now   time.Time
	key   *rsa.PrivateKey
}

func newFixture(t *testing.T, env map[string]string) *fixture {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	base := map[string]string{
		"APP_KEY": "base64:test-key", "APP_SIP_DOMAIN": "sip.example.org",
		"JWT_RSA_PUBLIC_KEY_PEM": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	}
	for k, v := range env {
		base[k] = v
	}
	cfg, err := config.Load(func(k string) string { return base[k] })
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, st: testenv.Table(t), cfg: cfg, key: key, now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	f.svc = account.NewService(f.st, cfg).WithClock(func() time.Time { return f.now })
	f.authn = authn.New(f.st, cfg, nil).WithClock(func() time.Time { return f.now })
	return f
}

// account creates an account through the domain, with these passwords
// (algorithm → clear text; CLRTXT stores the clear text as is).
func (f *fixture) account(username string, passwords map[string]string, admin bool) *account.Account {
	a, _, err := f.svc.EnsureAdmin(ctx, username, "sip.example.org", "unused", "SHA-256")
	if err != nil {
		f.t.Fatal(err)
	}
	if !admin {
		if a, err = f.st.SetAdmin(ctx, a, false, f.now); err != nil {
			f.t.Fatal(err)
		}
	}
	stored := map[string]string{}
	for alg, clear := range passwords {
		if alg == "CLRTXT" {
			stored[alg] = clear
		} else {
			stored[alg] = auth.HA1(alg, username, f.cfg.RealmFor("sip.example.org"), clear)
		}
	}
	if a, err = f.st.SetPasswords(ctx, a, stored, f.now); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *fixture) decide(method, path string, h http.Header) authn.Decision {
	f.t.Helper()
	d, err := f.authn.Authenticate(ctx, authn.Request{Method: method, Path: path, Header: h})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// digestHeader answers a challenge the way an RFC 7616 client does,
// independently of shared/auth.
func digestHeader(challenge, method, uri, username, password, nc string) string {
	params := map[string]string{}
	for _, p := range strings.Split(strings.TrimPrefix(challenge, "Digest "), ",") {
		kv := strings.SplitN(p, "=", 2)
		params[kv[0]] = strings.Trim(kv[1], `"`)
	}
	var h func() hash.Hash = md5.New
	if params["algorithm"] == "SHA-256" {
		h = sha256.New
	}
	H := func(s string) string { x := h(); x.Write([]byte(s)); return hex.EncodeToString(x.Sum(nil)) }
	ha1 := H(username + ":" + params["realm"] + ":" + password)
	cnonce := "0a4f113b"
	resp := H(ha1 + ":" + params["nonce"] + ":" + nc + ":" + cnonce + ":auth:" + H(method+":"+uri))
	return fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s", response="%s", opaque="%s"`,
		username, params["realm"], params["nonce"], uri, params["algorithm"], nc, cnonce, resp, params["opaque"])
}

func from(username string) http.Header {
	return http.Header{"From": {"sip:" + username + "@sip.example.org"}}
}

func errorOf(t *testing.T, d authn.Decision) (int, map[string]any) {
	t.Helper()
	if d.Effect != authn.Allow || d.Context[api.CtxErrorStatus] == "" {
		t.Fatalf("want an Allow carrying an error, got %+v", d)
	}
	var body map[string]any
	json.Unmarshal([]byte(d.Context[api.CtxErrorBody]), &body)
	var status int
	fmt.Sscan(d.Context[api.CtxErrorStatus], &status)
	return status, body
}

func TestDigestChallengeAndAnswer(t *testing.T) {
	f := newFixture(t, nil)
	for _, alg := range []string{"MD5", "SHA-256"} {
		t.Run(alg, func(t *testing.T) {
			user := "user" + strings.ToLower(strings.ReplaceAll(alg, "-", ""))
			f.account(user, map[string]string{alg: "secret"}, false)
			d := f.decide("GET", "/api/accounts/me", from(user))
			if d.Effect != authn.Deny || d.Context[api.CtxMessage] != authn.MsgUnauthenticated {
				t.Fatalf("first request: %+v", d)
			}
			ch := d.Context[api.CtxChallenge]
			want := `Digest realm="sip.example.org",qop="auth",algorithm=` + alg + `,nonce="`
			if !strings.HasPrefix(ch, want) || !strings.HasSuffix(ch, `",opaque="`+auth.Opaque("base64:test-key")+`"`) {
				t.Fatalf("challenge %q", ch)
			}
			h := from(user)
			h.Set("Authorization", digestHeader(ch, "GET", "/api/accounts/me", user, "secret", "00000001"))
			if d := f.decide("GET", "/api/accounts/me", h); d.Effect != authn.Allow || d.Context[api.CtxUsername] != user || d.Context[api.CtxMethod] != "digest" {
				t.Fatalf("answer: %+v", d)
			}
			// FlexiAPI's nc rule: a higher nc reuses the nonce, the same nc is a replay.
			h.Set("Authorization", digestHeader(ch, "GET", "/api/accounts/me", user, "secret", "00000002"))
			if d := f.decide("GET", "/api/accounts/me", h); d.Effect != authn.Allow {
				t.Fatalf("nc=2: %+v", d)
			}
			d = f.decide("GET", "/api/accounts/me", h)
			if d.Effect != authn.Deny || d.Context[api.CtxMessage] != authn.MsgNonceReplayed || d.Context[api.CtxChallenge] == "" {
				t.Fatalf("replay: %+v", d)
			}
			// A replayed nonce is burnt, as FlexiAPI deletes it.
			h.Set("Authorization", digestHeader(ch, "GET", "/api/accounts/me", user, "secret", "00000009"))
			if d := f.decide("GET", "/api/accounts/me", h); d.Effect != authn.Deny || d.Context[api.CtxMessage] != authn.MsgNonceInvalid {
				t.Fatalf("burnt nonce: %+v", d)
			}
		})
	}
}

func TestDigestRefusals(t *testing.T) {
	f := newFixture(t, nil)
	f.account("bobbob", map[string]string{"SHA-256": "secret"}, false)
	f.account("clear1", map[string]string{"CLRTXT": "secret"}, false)
	challenge := func(user string) string { return f.decide("GET", "/api/x", from(user)).Context[api.CtxChallenge] }

	t.Run("missing From", func(t *testing.T) {
		status, body := errorOf(t, f.decide("GET", "/api/x", http.Header{}))
		if status != 422 || body["message"] != "The from field is required." {
			t.Fatalf("%d %v", status, body)
		}
	})
	t.Run("missing From on a web route: 401 JSON, no challenge", func(t *testing.T) {
		for _, path := range []string{"/contacts/vcard", "/provisioning/me"} {
			d := f.decide("GET", path, http.Header{})
			if d.Effect != authn.Deny || d.Context[api.CtxChallenge] != "" || d.Context[api.CtxMessage] != authn.MsgUnauthenticated {
				t.Fatalf("%s: %+v", path, d)
			}
		}
	})
	t.Run("From without @", func(t *testing.T) {
		status, _ := errorOf(t, f.decide("GET", "/api/x", http.Header{"From": {"sip:missing"}}))
		if status != 422 {
			t.Fatal(status)
		}
	})
	t.Run("unknown account", func(t *testing.T) {
		status, body := errorOf(t, f.decide("GET", "/api/x", http.Header{"From": {"sip:missing@username"}}))
		if status != 404 || body["message"] != api.MissingElements {
			t.Fatalf("%d %v", status, body)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		h := from("bobbob")
		h.Set("Authorization", digestHeader(challenge("bobbob"), "GET", "/api/x", "bobbob", "wrong", "00000001"))
		d := f.decide("GET", "/api/x", h)
		if d.Effect != authn.Deny || d.Context[api.CtxMessage] != authn.MsgUnauthorized {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("wrong algorithm", func(t *testing.T) {
		ch := strings.Replace(challenge("bobbob"), "SHA-256", "MD5", 1)
		h := from("bobbob")
		h.Set("Authorization", digestHeader(ch, "GET", "/api/x", "bobbob", "secret", "00000001"))
		d := f.decide("GET", "/api/x", h)
		if d.Effect != authn.Deny || d.Context[api.CtxMessage] != authn.MsgWrongAlgorithm {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("clear text row answers both algorithms", func(t *testing.T) {
		ch := challenge("clear1")
		if !strings.Contains(ch, "algorithm=MD5,") {
			t.Fatalf("a CLRTXT account is offered MD5, FlexiAPI's first: %q", ch)
		}
		for _, alg := range []string{"MD5", "SHA-256"} {
			h := from("clear1")
			h.Set("Authorization", digestHeader(strings.Replace(challenge("clear1"), "MD5", alg, 1), "GET", "/api/x", "clear1", "secret", "00000001"))
			if d := f.decide("GET", "/api/x", h); d.Effect != authn.Allow {
				t.Fatalf("%s: %+v", alg, d)
			}
		}
	})
	t.Run("nonce of another account", func(t *testing.T) {
		h := from("bobbob")
		ch := strings.Replace(challenge("clear1"), "MD5", "SHA-256", 1)
		h.Set("Authorization", digestHeader(ch, "GET", "/api/x", "bobbob", "secret", "00000001"))
		if d := f.decide("GET", "/api/x", h); d.Context[api.CtxMessage] != authn.MsgNonceInvalid {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("expired nonce is stale", func(t *testing.T) {
		ch := challenge("bobbob")
		f.now = f.now.Add(61 * time.Minute)
		defer func() { f.now = f.now.Add(-61 * time.Minute) }()
		h := from("bobbob")
		h.Set("Authorization", digestHeader(ch, "GET", "/api/x", "bobbob", "secret", "00000001"))
		d := f.decide("GET", "/api/x", h)
		if d.Effect != authn.Deny || d.Context[api.CtxMessage] != authn.MsgNonceExpired || !strings.HasSuffix(d.Context[api.CtxChallenge], ",stale=true") {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("answer for another path", func(t *testing.T) {
		h := from("bobbob")
		h.Set("Authorization", digestHeader(challenge("bobbob"), "GET", "/api/other", "bobbob", "secret", "00000001"))
		status, body := errorOf(t, f.decide("GET", "/api/x", h))
		if status != 422 || body["errors"].(map[string]any)["uri"] == nil {
			t.Fatalf("%d %v", status, body)
		}
	})
	t.Run("stage prefix in uri", func(t *testing.T) {
		h := from("bobbob")
		h.Set("Authorization", digestHeader(challenge("bobbob"), "GET", "/prod/api/x", "bobbob", "secret", "00000001"))
		if d := f.decide("GET", "/api/x", h); d.Effect != authn.Allow {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("bad parameters are 422 and count nothing", func(t *testing.T) {
		ch := challenge("bobbob")
		good := digestHeader(ch, "GET", "/api/x", "bobbob", "secret", "00000001")
		for name, bad := range map[string]string{
			"realm":    strings.Replace(good, `realm="sip.example.org"`, `realm="evil"`, 1),
			"opaque":   strings.Replace(good, `opaque="`, `opaque="x`, 1),
			"qop":      strings.Replace(good, "qop=auth", "qop=auth-int", 1),
			"username": strings.Replace(good, `username="bobbob"`, `username="clear1"`, 1),
			"nc":       strings.Replace(good, "nc=00000001", "nc=zz", 1),
			"cnonce":   strings.Replace(good, `cnonce="0a4f113b"`, `cnonce=""`, 1),
		} {
			h := from("bobbob")
			h.Set("Authorization", bad)
			status, body := errorOf(t, f.decide("GET", "/api/x", h))
			if status != 422 || body["errors"].(map[string]any)[name] == nil {
				t.Fatalf("%s: %d %v", name, status, body)
			}
		}
		h := from("bobbob")
		h.Set("Authorization", good)
		if d := f.decide("GET", "/api/x", h); d.Effect != authn.Allow {
			t.Fatalf("the refused attempts must not have used the nonce: %+v", d)
		}
	})
	t.Run("account without password", func(t *testing.T) {
		a := f.account("nopass", map[string]string{"SHA-256": "x"}, false)
		if _, err := f.st.SetPasswords(ctx, a, map[string]string{}, f.now); err != nil {
			t.Fatal(err)
		}
		d := f.decide("GET", "/api/x", from("nopass"))
		if d.Effect != authn.Deny || d.Context[api.CtxChallenge] != "" {
			t.Fatalf("an account without password gets a 401 without challenge: %+v", d)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	f := newFixture(t, map[string]string{"APP_API_KEY_EXPIRATION_MINUTES": "60"})
	a := f.account("keyuser", map[string]string{"SHA-256": "secret"}, false)
	key, err := f.svc.RefreshAPIKey(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := f.decide("GET", "/api/x", http.Header{"X-Api-Key": {key}, "From": {"sip:bogus@nowhere"}}); d.Effect != authn.Allow || d.Context[api.CtxMethod] != "api_key" {
		t.Fatalf("header key (From ignored): %+v", d)
	}
	if d := f.decide("GET", "/api/x", http.Header{"Cookie": {"a=b; x-api-key=" + key}}); d.Effect != authn.Allow {
		t.Fatalf("cookie key: %+v", d)
	}
	for name, h := range map[string]http.Header{
		"unknown key":               {"X-Api-Key": {"nope"}},
		"empty key":                 {"X-Api-Key": {""}},
		"bad key beats good cookie": {"X-Api-Key": {"nope"}, "Cookie": {"x-api-key=" + key}},
		"key beats a valid digest":  {"X-Api-Key": {"nope"}, "From": {"sip:keyuser@sip.example.org"}},
	} {
		if d := f.decide("GET", "/api/x", h); d.Effect != authn.Unauthorized {
			t.Fatalf("%s: %+v", name, d)
		}
	}
	// Unused for more than APP_API_KEY_EXPIRATION_MINUTES → refused.
	f.now = f.now.Add(59 * time.Minute)
	if d := f.decide("GET", "/api/x", http.Header{"X-Api-Key": {key}}); d.Effect != authn.Allow {
		t.Fatalf("59 minutes: %+v", d)
	}
	f.now = f.now.Add(59 * time.Minute) // 59 minutes after the last use
	if d := f.decide("GET", "/api/x", http.Header{"X-Api-Key": {key}}); d.Effect != authn.Allow {
		t.Fatalf("use refreshes the key: %+v", d)
	}
	f.now = f.now.Add(61 * time.Minute)
	if d := f.decide("GET", "/api/x", http.Header{"X-Api-Key": {key}}); d.Effect != authn.Unauthorized {
		t.Fatalf("61 minutes unused: %+v", d)
	}
}

func (f *fixture) jwt(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func TestJWT(t *testing.T) {
	f := newFixture(t, nil)
	a := f.account("jwtuser", map[string]string{"SHA-256": "secret"}, false)
	if _, err := f.svc.RefreshAPIKey(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	// Give the account an email: admin creation is the way in this issue.
	in := map[string]any{"username": "mailuser", "password": "secret1", "algorithm": "SHA-256", "email": "mail@example.org"}
	created := createThroughDomain(t, f, in)
	exp := f.now.Add(5 * time.Minute).Unix()
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodRS256, jwt.SigningMethodRS512} {
		d := f.decide("GET", "/api/x", bearer(f.jwt(m, f.key, jwt.MapClaims{"email": "mail@example.org", "exp": exp})))
		if d.Effect != authn.Allow || d.Context[api.CtxAccountID] != fmt.Sprint(created.ID) || d.Context[api.CtxMethod] != "jwt" {
			t.Fatalf("%s: %+v", m.Alg(), d)
		}
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&f.key.PublicKey))})
	for name, c := range map[string]struct {
		tok    string
		status int
		msg    string
	}{
		"expired":       {f.jwt(jwt.SigningMethodRS256, f.key, jwt.MapClaims{"email": "mail@example.org", "exp": f.now.Unix()}), 403, "Expired JWT token"},
		"unknown email": {f.jwt(jwt.SigningMethodRS256, f.key, jwt.MapClaims{"email": "nobody@example.org"}), 403, "The JWT token is not related to someone in the system"},
		"no email":      {f.jwt(jwt.SigningMethodRS256, f.key, jwt.MapClaims{"sub": "x"}), 403, "The JWT token has no email claim"},
		"wrong key":     {f.jwt(jwt.SigningMethodRS256, other, jwt.MapClaims{"email": "mail@example.org"}), 403, "Invalid JWT token signature"},
		"key confusion": {f.jwt(jwt.SigningMethodHS256, pubPEM, jwt.MapClaims{"email": "mail@example.org"}), 403, "Unsupported RSA signature"},
		"alg none":      {f.jwt(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, jwt.MapClaims{"email": "mail@example.org"}), 403, "Unsupported RSA signature"},
		"malformed":     {"abc.def", 422, "Malformed JWT token"},
	} {
		status, body := errorOf(t, f.decide("GET", "/api/x", bearer(c.tok)))
		if status != c.status || body["message"] != c.msg {
			t.Fatalf("%s: %d %v", name, status, body)
		}
	}
	// A JWT is final: no fall back to a valid API key or Digest.
	h := bearer("abc.def")
	h.Set("X-Api-Key", "whatever")
	if status, _ := errorOf(t, f.decide("GET", "/api/x", h)); status != 422 {
		t.Fatalf("JWT precedence: %d", status)
	}
}

func TestBearerWithoutJWTConfigured(t *testing.T) {
	f := newFixture(t, map[string]string{"JWT_RSA_PUBLIC_KEY_PEM": ""})
	f.account("bearer", map[string]string{"SHA-256": "secret"}, false)
	h := from("bearer")
	h.Set("Authorization", "Bearer something")
	// FlexiAPI answers 500 here (it parses the bearer as Digest); we challenge.
	if d := f.decide("GET", "/api/x", h); d.Effect != authn.Deny || d.Context[api.CtxMessage] != authn.MsgUnauthenticated {
		t.Fatalf("%+v", d)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func createThroughDomain(t *testing.T, f *fixture, in map[string]any) *account.Account {
	t.Helper()
	input := validate.NewInput(in)
	if errs := account.CreateSchema(f.cfg).Validate(input); errs != nil {
		t.Fatal(errs)
	}
	a, err := f.svc.Create(ctx, account.CreateRequest{Input: input, IP: "127.0.0.1", CallerAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
