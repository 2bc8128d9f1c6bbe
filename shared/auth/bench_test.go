package auth

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// The work of one digest-authenticated request once the stored HA1 is in
// hand: H(method:uri), the response hash, the constant-time comparison.
func BenchmarkDigestVerify(b *testing.B) {
	stored := HA1(AlgorithmSHA256, "bob", "sip.example.org", "secret")
	c := Credentials{
		Username: "bob", Realm: "sip.example.org", Nonce: NewNonces(testAppKey, 0).Mint(42, nonceT0),
		URI: "/api/accounts/me", Algorithm: AlgorithmSHA256, CNonce: "6v4g~PJU-Xzxq", QOP: "auth", NC: "00000001",
	}
	c.Response = ExpectedResponse(AlgorithmSHA256, stored, "GET", c)
	b.ReportAllocs()
	for b.Loop() {
		if !ResponseMatches(ExpectedResponse(c.Algorithm, stored, "GET", c), c.Response) {
			b.Fatal("mismatch")
		}
	}
}

// The same plus header parsing, nonce check and uri check: the whole of
// the CPU work of a Linphone answer.
func BenchmarkDigestVerifyFull(b *testing.B) {
	nonces := NewNonces(testAppKey, 0)
	stored := HA1(AlgorithmSHA256, "bob", "sip.example.org", "secret")
	c := Credentials{
		Username: "bob", Realm: "sip.example.org", Nonce: nonces.Mint(42, nonceT0),
		URI: "/prod/api/accounts/me", Algorithm: AlgorithmSHA256, CNonce: "6v4g~PJU-Xzxq", QOP: "auth", NC: "00000001",
	}
	c.Response = ExpectedResponse(AlgorithmSHA256, stored, "GET", c)
	header := `  Digest realm="sip.example.org", nonce="` + c.Nonce + `", algorithm="SHA-256", opaque="b3BhcXVl", username="bob", response="` +
		c.Response + `", cnonce="6v4g~PJU-Xzxq", nc=00000001, qop=auth, uri="/prod/api/accounts/me"`
	b.ReportAllocs()
	for b.Loop() {
		got, ok := ParseAuthorization(header)
		if !ok {
			b.Fatal("parse")
		}
		if _, err := nonces.Check(got.Nonce, 42, nonceT0); err != nil {
			b.Fatal(err)
		}
		if _, ok := ParseNC(got.NC); !ok || !URIMatchesPath(got.URI, "/api/accounts/me") {
			b.Fatal("nc or uri")
		}
		if !ResponseMatches(ExpectedResponse(got.Algorithm, stored, "GET", got), got.Response) {
			b.Fatal("mismatch")
		}
	}
}

func BenchmarkNonceMint(b *testing.B) {
	n := NewNonces(testAppKey, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = n.Mint(42, nonceT0)
	}
}

func BenchmarkJWTVerifyRS256(b *testing.B) {
	key, _ := rsaKeys(b)
	token := sign(b, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "bob@example.org", "exp": jwtNow.Unix() + 300, "iss": "idp", "aud": "flexiapi"})
	v := NewJWTVerifier(&key.PublicKey, "idp", "flexiapi")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(token, jwtNow); err != nil {
			b.Fatal(err)
		}
	}
}
