package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	testRSAOnce          sync.Once
	testRSAKey, otherKey *rsa.PrivateKey
)

func rsaKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	testRSAOnce.Do(func() {
		var err error
		if testRSAKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testRSAKey, otherKey
}

var jwtNow = time.Unix(1_711_360_000, 0) // 2024-03-25

func sign(t testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("signing %s: %v", method.Alg(), err)
	}
	return s
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// rawToken signs header.claims (given as JSON text) with key using RS256,
// whatever the header says, for shapes golang-jwt will not produce.
func rawToken(t testing.TB, key *rsa.PrivateKey, header, claims string) string {
	t.Helper()
	signing := b64(header) + "." + b64(claims)
	sig, err := jwt.SigningMethodRS256.Sign(signing, key)
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestJWTVerify(t *testing.T) {
	key, other := rsaKeys(t)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)})

	now := jwtNow.Unix()
	ok := jwt.MapClaims{"email": "bob@example.org", "exp": now + 300}
	withExp := func(exp any) jwt.MapClaims { return jwt.MapClaims{"email": "bob@example.org", "exp": exp} }
	valid := sign(t, jwt.SigningMethodRS256, key, ok)
	parts := strings.Split(valid, ".")

	const (
		malformed = http.StatusUnprocessableEntity
		forbidden = http.StatusForbidden
	)
	tests := []struct {
		name     string
		token    string
		issuer   string
		audience string
		now      time.Time
		email    string
		status   int
		msg      string
	}{
		{name: "RS256", token: valid, email: "bob@example.org"},
		{name: "RS384", token: sign(t, jwt.SigningMethodRS384, key, ok), email: "bob@example.org"},
		{name: "RS512", token: sign(t, jwt.SigningMethodRS512, key, ok), email: "bob@example.org"},
		{name: "no exp never expires", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b"}), now: jwtNow.Add(100 * 365 * 24 * time.Hour), email: "a@b"},
		{name: "nbf in the future not checked", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "nbf": now + 3600, "iat": now + 3600}), email: "a@b"},
		{name: "typ and kid ignored", token: rawToken(t, key, `{"alg":"RS256","typ":"at+jwt","kid":"k1"}`, `{"email":"a@b"}`), email: "a@b"},

		{name: "PS256", token: sign(t, jwt.SigningMethodPS256, key, ok), status: forbidden, msg: "Unsupported RSA signature"},
		{name: "ES256", token: sign(t, jwt.SigningMethodES256, ecKey, ok), status: forbidden, msg: "Unsupported RSA signature"},
		{name: "HS256", token: sign(t, jwt.SigningMethodHS256, []byte("secret"), ok), status: forbidden, msg: "Unsupported RSA signature"},
		{name: "HS256 with the public key PEM (key confusion)", token: sign(t, jwt.SigningMethodHS256, pubPEM, ok), status: forbidden, msg: "Unsupported RSA signature"},
		{name: "HS256 with the PKCS#1 PEM (key confusion)", token: sign(t, jwt.SigningMethodHS256, pkcs1PEM, ok), status: forbidden, msg: "Unsupported RSA signature"},
		{name: "alg none", token: b64(`{"alg":"none","typ":"JWT"}`) + "." + b64(`{"email":"bob@example.org"}`) + ".", status: forbidden, msg: "Unsupported RSA signature"},
		{name: "alg lowercase", token: rawToken(t, key, `{"alg":"rs256"}`, `{"email":"a@b"}`), status: forbidden, msg: "Unsupported RSA signature"},
		{name: "alg missing", token: rawToken(t, key, `{"typ":"JWT"}`, `{"email":"a@b"}`), status: forbidden, msg: "Unsupported RSA signature"},
		{name: "alg not a string", token: rawToken(t, key, `{"alg":256}`, `{"email":"a@b"}`), status: forbidden, msg: "Unsupported RSA signature"},

		{name: "other key", token: sign(t, jwt.SigningMethodRS256, other, ok), status: forbidden, msg: "Invalid JWT token signature"},
		{name: "claims swapped after signing", token: parts[0] + "." + b64(`{"email":"eve@example.org"}`) + "." + parts[2], status: forbidden, msg: "Invalid JWT token signature"},
		{name: "alg changed to RS512 after signing", token: b64(`{"alg":"RS512","typ":"JWT"}`) + "." + parts[1] + "." + parts[2], status: forbidden, msg: "Invalid JWT token signature"},
		{name: "empty signature", token: parts[0] + "." + parts[1] + ".", status: forbidden, msg: "Invalid JWT token signature"},
		{name: "HMAC bytes under an RS256 header", token: func() string {
			s := b64(`{"alg":"RS256"}`) + "." + b64(`{"email":"a@b"}`)
			sig, _ := jwt.SigningMethodHS256.Sign(s, pubPEM)
			return s + "." + base64.RawURLEncoding.EncodeToString(sig)
		}(), status: forbidden, msg: "Invalid JWT token signature"},

		{name: "exp in the past", token: sign(t, jwt.SigningMethodRS256, key, withExp(now-1)), status: forbidden, msg: "Expired JWT token"},
		{name: "exp equals now", token: sign(t, jwt.SigningMethodRS256, key, withExp(now)), status: forbidden, msg: "Expired JWT token"},
		{name: "exp one second ahead", token: sign(t, jwt.SigningMethodRS256, key, withExp(now+1)), email: "bob@example.org"},
		{name: "fractional exp ahead", token: sign(t, jwt.SigningMethodRS256, key, withExp(float64(now)+0.5)), now: jwtNow.Add(400 * time.Millisecond), email: "bob@example.org"},
		{name: "fractional exp reached", token: sign(t, jwt.SigningMethodRS256, key, withExp(float64(now)+0.5)), now: jwtNow.Add(500 * time.Millisecond), status: forbidden, msg: "Expired JWT token"},
		{name: "exp as numeric string (lcobucci is_numeric)", token: sign(t, jwt.SigningMethodRS256, key, withExp("1711360300")), email: "bob@example.org"},
		{name: "exp as past numeric string", token: sign(t, jwt.SigningMethodRS256, key, withExp("1711359999")), status: forbidden, msg: "Expired JWT token"},
		{name: "exp huge", token: sign(t, jwt.SigningMethodRS256, key, withExp(json.Number("1e400"))), email: "bob@example.org"},
		{name: "exp hugely negative", token: sign(t, jwt.SigningMethodRS256, key, withExp(json.Number("-1e400"))), status: forbidden, msg: "Expired JWT token"},
		{name: "exp zero", token: sign(t, jwt.SigningMethodRS256, key, withExp(0)), status: forbidden, msg: "Expired JWT token"},
		{name: "expired and bad issuer: expiry first", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "exp": now - 1, "iss": "eve"}), issuer: "idp", status: forbidden, msg: "Expired JWT token"},
		{name: "expired and other key: signature first", token: sign(t, jwt.SigningMethodRS256, other, withExp(now-1)), status: forbidden, msg: "Invalid JWT token signature"},

		{name: "issuer ok", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "iss": "https://idp"}), issuer: "https://idp", email: "a@b"},
		{name: "issuer differs", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "iss": "https://eve"}), issuer: "https://idp", status: forbidden, msg: "Invalid JWT token issuer"},
		{name: "issuer missing", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b"}), issuer: "https://idp", status: forbidden, msg: "Invalid JWT token issuer"},
		{name: "issuer not a string", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "iss": []string{"https://idp"}}), issuer: "https://idp", status: forbidden, msg: "Invalid JWT token issuer"},
		{name: "issuer not configured", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "iss": "anything"}), email: "a@b"},
		{name: "audience string", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "aud": "flexiapi"}), audience: "flexiapi", email: "a@b"},
		{name: "audience array", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "aud": []any{1, "other", "flexiapi"}}), audience: "flexiapi", email: "a@b"},
		{name: "audience array without it", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "aud": []string{"other"}}), audience: "flexiapi", status: forbidden, msg: "Invalid JWT token audience"},
		{name: "audience differs", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "aud": "flexiapi2"}), audience: "flexiapi", status: forbidden, msg: "Invalid JWT token audience"},
		{name: "audience missing", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b"}), audience: "flexiapi", status: forbidden, msg: "Invalid JWT token audience"},
		{name: "audience not configured", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "aud": "x"}), email: "a@b"},
		{name: "bad issuer and audience: issuer first", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b"}), issuer: "i", audience: "a", status: forbidden, msg: "Invalid JWT token issuer"},
		{name: "issuer and audience ok", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "iss": "i", "aud": []string{"a"}}), issuer: "i", audience: "a", email: "a@b"},

		{name: "no email", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"sub": "bob"}), status: forbidden, msg: "The JWT token has no email claim"},
		{name: "null email", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": nil}), status: forbidden, msg: "The JWT token has no email claim"},
		{name: "empty email", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": ""}), status: forbidden, msg: "The JWT token has no email claim"},
		{name: "numeric email", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": 42}), status: forbidden, msg: "The JWT token has no email claim"},
		{name: "array email", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": []string{"a@b"}}), status: forbidden, msg: "The JWT token has no email claim"},
		{name: "no email with bad audience: audience first", token: sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{}), audience: "a", status: forbidden, msg: "Invalid JWT token audience"},

		{name: "empty", token: "", status: malformed, msg: "Malformed JWT token"},
		{name: "two parts", token: "a.b", status: malformed, msg: "Malformed JWT token"},
		{name: "four parts", token: valid + ".x", status: malformed, msg: "Malformed JWT token"},
		{name: "dots only", token: "...", status: malformed, msg: "Malformed JWT token"},
		{name: "two dots", token: "..", status: malformed, msg: "Malformed JWT token"},
		{name: "bad base64", token: "a.b.c", status: malformed, msg: "Malformed JWT token"},
		{name: "bad characters", token: "!!!.!!!.!!!", status: malformed, msg: "Malformed JWT token"},
		{name: "padded header", token: base64.URLEncoding.EncodeToString([]byte(`{"alg":"RS256","x":12}`)) + "." + parts[1] + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "standard base64 signature", token: parts[0] + "." + parts[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(parts[2]) + "+/", status: malformed, msg: "Malformed JWT token"},
		{name: "newline in segment", token: parts[0][:4] + "\n" + parts[0][4:] + "." + parts[1] + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "header not JSON", token: b64("RS256") + "." + parts[1] + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "header JSON array", token: b64(`["RS256"]`) + "." + parts[1] + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "header null", token: b64(`null`) + "." + parts[1] + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "header trailing data", token: b64(`{"alg":"RS256"}{}`) + "." + parts[1] + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "header trailing bracket", token: b64(`{"alg":"RS256"}]`) + "." + parts[1] + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "header with enc (JWE)", token: rawToken(t, key, `{"alg":"RS256","enc":"A256GCM"}`, `{"email":"a@b"}`), status: malformed, msg: "Malformed JWT token"},
		{name: "claims not JSON", token: parts[0] + "." + b64("email") + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "claims a string", token: parts[0] + "." + b64(`"a@b"`) + "." + parts[2], status: malformed, msg: "Malformed JWT token"},
		{name: "claims invalid UTF-8", token: rawToken(t, key, `{"alg":"RS256"}`, "{\"email\":\"a\xff@b\"}"), status: malformed, msg: "Malformed JWT token"},
		{name: "malformed claims before unsupported alg", token: b64(`{"alg":"HS256"}`) + "." + b64("{") + ".", status: malformed, msg: "Malformed JWT token"},
		{name: "exp not numeric", token: rawToken(t, key, `{"alg":"RS256"}`, `{"email":"a@b","exp":"tomorrow"}`), status: malformed, msg: "Malformed JWT token"},
		{name: "exp null", token: rawToken(t, key, `{"alg":"RS256"}`, `{"email":"a@b","exp":null}`), status: malformed, msg: "Malformed JWT token"},
		{name: "exp boolean", token: rawToken(t, key, `{"alg":"RS256"}`, `{"email":"a@b","exp":true}`), status: malformed, msg: "Malformed JWT token"},
		{name: "iat not numeric", token: rawToken(t, key, `{"alg":"RS256"}`, `{"email":"a@b","iat":"x"}`), status: malformed, msg: "Malformed JWT token"},
		{name: "nbf not numeric", token: rawToken(t, key, `{"alg":"RS256"}`, `{"email":"a@b","nbf":{}}`), status: malformed, msg: "Malformed JWT token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = jwtNow
			}
			v := NewJWTVerifier(&key.PublicKey, tt.issuer, tt.audience)
			email, jerr := v.Verify(tt.token, now)
			if tt.status == 0 {
				if jerr != nil {
					t.Fatalf("Verify = %d %q, want success", jerr.Status, jerr.Message)
				}
				if email != tt.email {
					t.Fatalf("email = %q, want %q", email, tt.email)
				}
				return
			}
			if jerr == nil {
				t.Fatalf("Verify accepted the token (email %q), want %d %q", email, tt.status, tt.msg)
			}
			if jerr.Status != tt.status || jerr.Message != tt.msg {
				t.Fatalf("Verify = %d %q, want %d %q", jerr.Status, jerr.Message, tt.status, tt.msg)
			}
			if email != "" {
				t.Fatalf("email %q returned with an error", email)
			}
			if jerr.Error() != tt.msg {
				t.Fatalf("Error() = %q", jerr.Error())
			}
		})
	}
}

func TestJWTVerifyWithoutKey(t *testing.T) {
	key, _ := rsaKeys(t)
	token := sign(t, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b"})
	for name, v := range map[string]*JWTVerifier{
		"nil key":      NewJWTVerifier(nil, "", ""),
		"empty key":    NewJWTVerifier(&rsa.PublicKey{}, "", ""),
		"nil verifier": nil,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v.Verify(token, jwtNow)
			if err == nil || err.Status != http.StatusForbidden || err.Message != "Invalid JWT token signature" {
				t.Fatalf("Verify = %v, want 403 Invalid JWT token signature", err)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name, header, token string
		ok                  bool
	}{
		{"plain", "Bearer abc.def.ghi", "abc.def.ghi", true},
		{"cut at comma", "Bearer abc.def.ghi, Digest username=bob", "abc.def.ghi", true},
		{"comma without space", "Bearer abc,def", "abc", true},
		{"last occurrence", "Bearer first, Bearer second", "second", true},
		{"after another scheme", `Digest username="bob", Bearer tok`, "tok", true},
		{"trimmed", "Bearer   tok  ", "tok", true},
		{"inside a word", "XBearer tok", "tok", true},
		{"empty token", "Bearer ", "", false},
		{"blank token", "Bearer    ", "", false},
		{"empty before comma", "Bearer ,x", "", false},
		{"lowercase scheme", "bearer tok", "", false},
		{"no space", "Bearertok", "", false},
		{"tab instead of space", "Bearer\ttok", "", false},
		{"digest", `Digest username="bob"`, "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, ok := BearerToken(tt.header)
			if token != tt.token || ok != tt.ok {
				t.Fatalf("BearerToken(%q) = %q, %v; want %q, %v", tt.header, token, ok, tt.token, tt.ok)
			}
		})
	}
}

func TestJWTErrorNil(t *testing.T) {
	var e *JWTError
	if e.Error() == "" {
		t.Fatal("nil JWTError must still describe itself")
	}
}
