package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// rebuildAuthorization writes c back as a header, every present parameter
// as a quoted-string with escapes.
func rebuildAuthorization(c Credentials) string {
	var b strings.Builder
	b.WriteString("Digest ")
	values := map[string]string{
		"username": c.Username, "realm": c.Realm, "nonce": c.Nonce, "uri": c.URI,
		"response": c.Response, "algorithm": c.Algorithm, "cnonce": c.CNonce,
		"qop": c.QOP, "nc": c.NC, "opaque": c.Opaque,
	}
	first := true
	for _, name := range allParams {
		if !c.Present[name] {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(name)
		b.WriteString(`="`)
		writeEscaped(&b, values[name])
		b.WriteByte('"')
	}
	return b.String()
}

func FuzzParseAuthorization(f *testing.F) {
	for _, seed := range []string{
		`  Digest realm="sip.example.org", nonce="abcdefghijklmnopqrstuvwxyz012345", algorithm="SHA-256", opaque="b3BhcXVl", username="bob", response="b0892ca7", cnonce="6v4g~PJU-Xzxq", nc=00000001, qop=auth, uri="/api/accounts/me"`,
		`Digest username="bob", realm="sip.example.org", nonce="n", uri="/api/accounts/me", cnonce="ZjQ", nc=00000001, qop=auth, response="r", opaque="o", algorithm=SHA-256`,
		`Digest username="bob",realm="sip.example.com",nonce="n",nc=00000001,cnonce="c",uri="/api/accounts/me",qop=auth,response="r",opaque="o",algorithm=MD5`,
		`Digest username="bo\"b\\", realm='r x', nonce="", nc=, qop=`,
		`Digest realm="sip.example.org",qop="auth",algorithm=MD5,nonce="n",opaque="o",stale=true`,
		`digest USERNAME = bob , =x, foo, username='a`,
		`Digest username="unterminated\`,
		"Digest\tnc=1\r\n cnonce=\"c\"",
		`Bearer x`,
		`Digest`,
		``,
		"Digest \u212Aey=1, ALGORİTHM=x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		c, ok := ParseAuthorization(header)
		if !ok {
			if !credentialsEqual(c, Credentials{}) {
				t.Fatalf("ok=false but fields set: %+v", c)
			}
			return
		}
		if len(c.Present) == 0 {
			t.Fatal("ok=true with nothing present")
		}
		if !c.Present["algorithm"] && c.Algorithm != AlgorithmMD5 {
			t.Fatalf("absent algorithm reads %q, want MD5", c.Algorithm)
		}
		for name := range c.Present {
			if !strings.Contains(" "+strings.Join(allParams, " ")+" ", " "+name+" ") {
				t.Fatalf("unknown name %q marked present", name)
			}
		}
		rebuilt := rebuildAuthorization(c)
		c2, ok2 := ParseAuthorization(rebuilt)
		if !ok2 || !credentialsEqual(c, c2) {
			t.Fatalf("round trip differs\nheader  %q\nrebuilt %q\nfirst  %+v\nsecond %+v (ok %v)", header, rebuilt, c, c2, ok2)
		}
	})
}

func FuzzParseFrom(f *testing.F) {
	for _, seed := range []string{
		"sip:bob@sip.example.org",
		"sips:bob@sip.example.org;transport=tls",
		`"Bob \"x\"" <sip:bob@x>;tag=1`,
		"<sip:bob@host:5060?subject=x>",
		"sip:bob%40x@y",
		"sip:+33612@x",
		"sip:b%C3%A9b%C3%A9@x",
		"bob@x",
		"sip:missing",
		"sip:@x",
		"sip:bob@",
		"<sip:bob@x",
		"",
		"sip:bob%ZZ@x",
		"sip:bob@x%00",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		id, err := ParseFrom(header)
		if err != nil {
			if !errors.Is(err, ErrFromMissing) && !errors.Is(err, ErrFromMalformed) {
				t.Fatalf("unexpected error %v", err)
			}
			if id != (SIPIdentity{}) {
				t.Fatalf("identity %+v returned with %v", id, err)
			}
			if errors.Is(err, ErrFromMissing) && strings.TrimSpace(header) != "" {
				t.Fatalf("non-blank %q reported missing", header)
			}
			return
		}
		if id.Username == "" || id.Domain == "" {
			t.Fatalf("empty part in %+v", id)
		}
		if strings.Contains(id.Domain, "@") {
			t.Fatalf("domain %q contains '@'", id.Domain)
		}
		if strings.ContainsAny(id.Domain, " \t\r\n<>\"") {
			t.Fatalf("domain %q contains whitespace", id.Domain)
		}
	})
}

func FuzzNonceCheck(f *testing.F) {
	n := NewNonces(testAppKey, time.Hour)
	// Reproducible mints: fuzz workers are separate processes, so a nonce
	// drawn with Mint's randomness in one would be unknown to the others.
	minted := map[string]int64{}
	for i, acct := range []int64{0, 1, 42, -1} {
		s := n.mint(acct, nonceT0, [nonceRandLen]byte{byte(i), 0xA5, 0x5A})
		minted[s] = acct
		f.Add(s, acct, int64(0))
		f.Add(s, acct+1, int64(30))
	}
	f.Add("", int64(1), int64(0))
	f.Add("abcdefghijklmnopqrstuvwxyz012345", int64(1), int64(0))
	f.Add(strings.Repeat("A", 60), int64(0), int64(0))
	f.Add(strings.Repeat("_", 60), int64(-1), int64(-3600))
	f.Add("AQAAAAAAAAAqAAAAAGYBcgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", int64(42), int64(0))
	f.Fuzz(func(t *testing.T, nonce string, account int64, offset int64) {
		now := nonceT0.Add(time.Duration(offset) * time.Second)
		issued, err := n.Check(nonce, account, now)
		if err == nil || errors.Is(err, ErrNonceExpired) {
			acct, ok := minted[nonce]
			if !ok || acct != account {
				t.Fatalf("Check accepted %q for account %d (err %v), never minted for it", nonce, account, err)
			}
			if !issued.Equal(nonceT0) {
				t.Fatalf("issued = %v, want %v", issued, nonceT0)
			}
			return
		}
		if !errors.Is(err, ErrNonceInvalid) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// Verify must never panic and never accept what was not signed.
func FuzzJWTVerify(f *testing.F) {
	key, _ := rsaKeys(f)
	valid := sign(f, jwt.SigningMethodRS256, key, jwt.MapClaims{"email": "a@b", "exp": jwtNow.Unix() + 60})
	for _, seed := range []string{
		valid,
		valid[:len(valid)-2],
		sign(f, jwt.SigningMethodHS256, []byte("k"), jwt.MapClaims{"email": "a@b"}),
		b64(`{"alg":"none"}`) + "." + b64(`{"email":"a@b"}`) + ".",
		b64(`{"alg":"RS256"}`) + "." + b64(`{"email":"a@b","exp":"1e999"}`) + ".",
		b64(`{"alg":"RS256"}`) + "." + b64(`{"exp":-1e400}`) + ".x",
		"", ".", "..", "a.b.c", "...",
	} {
		f.Add(seed)
	}
	v := NewJWTVerifier(&key.PublicKey, "", "")
	f.Fuzz(func(t *testing.T, token string) {
		email, err := v.Verify(token, jwtNow)
		if err == nil {
			if token != valid || email != "a@b" {
				t.Fatalf("accepted %q as %q", token, email)
			}
			return
		}
		if err.Status != 403 && err.Status != 422 || err.Message == "" || email != "" {
			t.Fatalf("bad rejection %d %q (email %q)", err.Status, err.Message, email)
		}
	})
}

// URIMatchesPath must never panic; a clean path always matches itself and
// its stage-prefixed form.
func FuzzURIMatchesPath(f *testing.F) {
	f.Add("/prod/api/accounts/me", "/api/accounts/me")
	f.Add("https://h/api/accounts/bob%40x/info?x", "/api/accounts/bob@x/info")
	f.Add("", "")
	f.Add("://", "x")
	f.Add("a://b", "/")
	f.Fuzz(func(t *testing.T, uri, path string) {
		got := URIMatchesPath(uri, path)
		if strings.HasPrefix(path, "/") && !strings.ContainsAny(path, "?#%") && !strings.Contains(path, "://") {
			if !URIMatchesPath(path, path) || !URIMatchesPath("/prod"+path, path) {
				t.Fatalf("clean path %q does not match itself", path)
			}
		}
		if uri == "" && got {
			t.Fatal("empty uri accepted")
		}
	})
}
