//go:build integration

package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
)

// Ports of FlexiAPI's ApiAuthenticationTest, through the local gateway,
// with our differences (docs/compatibility.md, "HTTP and errors",
// "Authentication"): JSON errors, one challenge per 401, signed nonces.
func TestApiAuthentication(t *testing.T) {
	e := newEnv(t, nil)
	e.newAccount("md5user", "secret", "MD5", false)
	e.newAccount("shauser", "secret", "SHA-256", false)

	t.Run("testMandatoryFrom", func(t *testing.T) {
		r := e.do("GET", "/api/accounts/me", nil, "")
		expectMessage(t, r, 422, "The from field is required.")
		if got := r.errorsOf(t, "from"); got[0] != "The from field is required." {
			t.Fatal(got)
		}
	})
	t.Run("From without @ (500 in FlexiAPI)", func(t *testing.T) {
		expect(t, e.do("GET", "/api/accounts/me", header{"From": "sip:missing"}, ""), 422)
	})
	t.Run("testWrongFrom", func(t *testing.T) {
		expectMessage(t, e.do("GET", "/api/accounts/me", header{"From": "sip:missing@username"}, ""), 404, "Missing elements to perform the request")
	})
	t.Run("testAuthenticate", func(t *testing.T) {
		r := e.do("GET", "/api/accounts/me", header{"From": "sip:md5user@" + domain}, "")
		expectMessage(t, r, 401, "Unauthenticated request")
		ch := r.Header.Values("WWW-Authenticate")
		if len(ch) != 1 || !strings.HasPrefix(ch[0], `Digest realm="sip.example.org",qop="auth",algorithm=MD5,nonce="`) ||
			!strings.HasSuffix(ch[0], `",opaque="`+auth.Opaque(e.vars["APP_KEY"])+`"`) {
			t.Fatalf("challenge %q", ch)
		}
	})
	t.Run("testAuthenticateWithKey", func(t *testing.T) {
		expect(t, e.do("GET", "/api/accounts/me", header{"From": "sip:md5user@" + domain, "X-Api-Key": e.admin.Key}, ""), 200)
	})
	t.Run("testAuthenticationMD5", func(t *testing.T) {
		r, _ := e.digest("GET", "/api/accounts/me", "md5user", "secret", "")
		expect(t, r, 200)
		if r.JSON(t)["username"] != "md5user" {
			t.Fatal(r.Body)
		}
		if h := r.Header.Values("WWW-Authenticate"); len(h) != 0 {
			t.Fatalf("a success carries no challenge: %q", h)
		}
	})
	t.Run("testAuthenticationSHA265", func(t *testing.T) {
		r, _ := e.digest("GET", "/api/accounts/me", "shauser", "secret", "")
		expect(t, r, 200)
	})
	t.Run("testAuthenticationBadPassword", func(t *testing.T) {
		r, _ := e.digest("GET", "/api/accounts/me", "shauser", "wrong", "")
		expectMessage(t, r, 401, "Unauthorized")
		if len(r.Header.Values("WWW-Authenticate")) != 1 {
			t.Fatal("every 401 carries a fresh challenge")
		}
	})
	t.Run("testAuthenticationWrongAlgorithm", func(t *testing.T) {
		first := e.do("GET", "/api/accounts/me", header{"From": "sip:shauser@" + domain}, "")
		c := parseChallenge(t, first.Header.Get("WWW-Authenticate"))
		c["algorithm"] = "MD5"
		r := e.do("GET", "/api/accounts/me", header{"From": "sip:shauser@" + domain,
			"Authorization": answer(c, "GET", "/api/accounts/me", "shauser", "secret", "00000001")}, "")
		expectMessage(t, r, 401, "Wrong algorithm")
	})
	t.Run("testReplayNonce", func(t *testing.T) {
		from := header{"From": "sip:md5user@" + domain}
		c := parseChallenge(t, e.do("GET", "/api/accounts/me", from, "").Header.Get("WWW-Authenticate"))
		for _, step := range []struct {
			nc     string
			status int
			msg    string
		}{{"00000001", 200, ""}, {"00000002", 200, ""}, {"00000002", 401, "Nonce replayed"}, {"00000003", 401, "Nonce invalid"}} {
			from["Authorization"] = answer(c, "GET", "/api/accounts/me", "md5user", "secret", step.nc)
			r := e.do("GET", "/api/accounts/me", from, "")
			expect(t, r, step.status)
			if step.msg != "" {
				expectMessage(t, r, step.status, step.msg)
			}
		}
	})
	t.Run("testClearedNonce", func(t *testing.T) {
		// FlexiAPI deletes the stored nonce; a nonce we never issued is the same case.
		c := challenge{"realm": domain, "algorithm": "MD5", "nonce": auth.Random(32), "opaque": auth.Opaque(e.vars["APP_KEY"])}
		r := e.do("GET", "/api/accounts/me", header{"From": "sip:md5user@" + domain,
			"Authorization": answer(c, "GET", "/api/accounts/me", "md5user", "secret", "00000001")}, "")
		expectMessage(t, r, 401, "Nonce invalid")
		if !strings.Contains(r.Header.Get("WWW-Authenticate"), "algorithm=MD5") {
			t.Fatal(r.Header)
		}
	})
	t.Run("expired nonce is stale", func(t *testing.T) {
		// A nonce this server signed two hours ago: valid signature, too old.
		a, _ := e.st.AccountBySIP(t.Context(), "md5user", domain)
		old := auth.NewNonces(e.vars["APP_KEY"], time.Hour).Mint(a.ID, time.Now().Add(-2*time.Hour))
		c := challenge{"realm": domain, "algorithm": "MD5", "nonce": old, "opaque": auth.Opaque(e.vars["APP_KEY"])}
		r := e.do("GET", "/api/accounts/me", header{"From": "sip:md5user@" + domain,
			"Authorization": answer(c, "GET", "/api/accounts/me", "md5user", "secret", "00000001")}, "")
		expectMessage(t, r, 401, "Nonce expired")
		if !strings.HasSuffix(r.Header.Get("WWW-Authenticate"), ",stale=true") {
			t.Fatal(r.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("testMultiHash: one challenge, MD5 first", func(t *testing.T) {
		e.newAccount("multihash", "x", "SHA-256", false)
		e.setPasswords("multihash", map[string]string{
			"MD5": hashHex("MD5", "multihash:"+domain+":secret"), "SHA-256": hashHex("SHA-256", "multihash:"+domain+":secret"),
		})
		r := e.do("GET", "/api/accounts/me", header{"From": "sip:multihash@" + domain}, "")
		if ch := r.Header.Values("WWW-Authenticate"); len(ch) != 1 || !strings.Contains(ch[0], "algorithm=MD5,") {
			t.Fatalf("%q", ch)
		}
		got, _ := e.digest("GET", "/api/accounts/me", "multihash", "secret", "")
		expect(t, got, 200)
	})
	t.Run("testAuthenticationSHA265FromCLRTXT", func(t *testing.T) {
		e.newAccount("clearuser", "x", "SHA-256", false)
		e.setPasswords("clearuser", map[string]string{"CLRTXT": "secret"})
		first := e.do("GET", "/api/accounts/me", header{"From": "sip:clearuser@" + domain}, "")
		c := parseChallenge(t, first.Header.Get("WWW-Authenticate"))
		c["algorithm"] = "SHA-256"
		r := e.do("GET", "/api/accounts/me", header{"From": "sip:clearuser@" + domain,
			"Authorization": answer(c, "GET", "/api/accounts/me", "clearuser", "secret", "00000001")}, "")
		expect(t, r, 200)
	})
	t.Run("testAuthenticationSHA265FromCLRTXTWithRealm", func(t *testing.T) {
		er := newEnv(t, map[string]string{"ACCOUNT_REALM": "realm.example.org"})
		er.newAccount("clearuser", "x", "SHA-256", false)
		er.setPasswords("clearuser", map[string]string{"CLRTXT": "secret"})
		first := er.do("GET", "/api/accounts/me", header{"From": "sip:clearuser@" + domain}, "")
		c := parseChallenge(t, first.Header.Get("WWW-Authenticate"))
		if c["realm"] != "realm.example.org" {
			t.Fatalf("realm %q", c["realm"])
		}
		c["algorithm"] = "SHA-256"
		r := er.do("GET", "/api/accounts/me", header{"From": "sip:clearuser@" + domain,
			"Authorization": answer(c, "GET", "/api/accounts/me", "clearuser", "secret", "00000001")}, "")
		expect(t, r, 200)
	})
	t.Run("bad Digest parameters are 422", func(t *testing.T) {
		first := e.do("GET", "/api/accounts/me", header{"From": "sip:md5user@" + domain}, "")
		c := parseChallenge(t, first.Header.Get("WWW-Authenticate"))
		c["realm"] = "evil.example.org"
		r := e.do("GET", "/api/accounts/me", header{"From": "sip:md5user@" + domain,
			"Authorization": answer(c, "GET", "/api/accounts/me", "md5user", "secret", "00000001")}, "")
		expect(t, r, 422)
		if r.errorsOf(t, "realm")[0] != "The selected realm is invalid." {
			t.Fatal(r.Body)
		}
		r = e.do("GET", "/api/accounts/me", header{"From": "sip:md5user@" + domain, "Authorization": `Digest username="md5user"`}, "")
		expect(t, r, 422) // FlexiAPI: 500 for a missing nonce
	})
	t.Run("POST with a body", func(t *testing.T) {
		r, _ := e.digest("POST", "/api/accounts", "shauser", "secret", `{"username":"x"}`)
		expectMessage(t, r, 403, "Unauthorized area")
	})
}

// TestReplayCapturedAuthorization replays a captured, accepted header.
func TestReplayCapturedAuthorization(t *testing.T) {
	e := newEnv(t, nil)
	e.newAccount("victim", "secret", "SHA-256", false)
	r, captured := e.digest("GET", "/api/accounts/me", "victim", "secret", "")
	expect(t, r, 200)
	replay := e.do("GET", "/api/accounts/me", header{"From": "sip:victim@" + domain, "Authorization": captured}, "")
	expectMessage(t, replay, 401, "Nonce replayed")
	// And the captured answer does not open another path either.
	other := e.do("GET", "/api/accounts/me/api_key", header{"From": "sip:victim@" + domain, "Authorization": captured}, "")
	if other.Status == 200 {
		t.Fatal("a captured answer was accepted for another path")
	}
}

// Ports of ApiAccountApiKeyTest.
func TestApiKeys(t *testing.T) {
	e := newEnv(t, nil)
	e.newAccount("keyuser", "secret", "SHA-256", false)

	t.Run("testRefresh", func(t *testing.T) {
		r, _ := e.digest("GET", "/api/accounts/me/api_key", "keyuser", "secret", "")
		expect(t, r, 200)
		key := r.Body
		if len(key) != 40 || r.Header.Get("Content-Type") != "text/html; charset=UTF-8" {
			t.Fatalf("raw key as text: %q %q", key, r.Header.Get("Content-Type"))
		}
		cookie := r.Header.Get("Set-Cookie")
		if !strings.HasPrefix(cookie, "x-api-key="+key+";") || !strings.Contains(cookie, "Max-Age=3600") ||
			!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "Path=/") {
			t.Fatalf("cookie %q", cookie)
		}
		again := e.withKey(key, "GET", "/api/accounts/me/api_key", "")
		expect(t, again, 200)
		if again.Body == key || len(again.Body) != 40 {
			t.Fatal("a new key each time")
		}
		expectMessage(t, e.withKey(key, "GET", "/api/accounts/me", ""), 401, "Invalid API Key")
		expect(t, e.withKey(again.Body, "GET", "/api/accounts/me", ""), 200)
	})
	t.Run("testAuthToken", func(t *testing.T) {
		r := e.do("POST", "/api/accounts/auth_token", header{"User-Agent": "TokenAgent"}, "")
		expect(t, r, 201)
		m := r.JSON(t)
		token, _ := m["token"].(string)
		if len(token) != 32 || m["user_agent"] != "TokenAgent" || m["ip"] == "" || m["id"] == nil {
			t.Fatalf("%v", m)
		}
		if got := strings.Join(keysOf(t, r.Body), " "); got != "token ip user_agent updated_at created_at id" {
			t.Fatalf("keys %s", got)
		}
		expect(t, e.do("GET", "/api/accounts/me/api_key/"+token, nil, ""), 404)
		user := e.newAccount("attacher", "secret", "SHA-256", false)
		attach := e.withKey(user.Key, "GET", "/api/accounts/auth_token/"+token+"/attach", "")
		if attach.Status != 200 || attach.Body != "" {
			t.Fatalf("attach: %d %q", attach.Status, attach.Body)
		}
		expect(t, e.withKey(user.Key, "GET", "/api/accounts/auth_token/"+token+"/attach", ""), 404)
		expect(t, e.withKey(user.Key, "GET", "/api/accounts/auth_token/bogus/attach", ""), 404)
		r = e.do("GET", "/api/accounts/me/api_key/"+token, nil, "")
		expect(t, r, 200)
		key, _ := r.JSON(t)["api_key"].(string)
		if len(key) != 40 || !strings.HasPrefix(r.Header.Get("Set-Cookie"), "x-api-key="+key) {
			t.Fatalf("%s %v", r.Body, r.Header)
		}
		expect(t, e.do("GET", "/api/accounts/me/api_key/"+token, nil, ""), 404)
		me := e.do("GET", "/api/accounts/me", header{"X-Api-Key": key, "From": "sip:bogus@nowhere"}, "")
		expect(t, me, 200)
		if me.JSON(t)["username"] != "attacher" {
			t.Fatal(me.Body)
		}
	})
}

func signJWT(t *testing.T, m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Port of AccountJWTAuthenticationTest, on /api/accounts/me (the reference
// uses /provisioning/me, which runs the same middleware).
func TestJWT(t *testing.T) {
	e := newEnv(t, nil)
	expect(t, e.create(`{"username":"jwtuser","password":"123456","algorithm":"SHA-256","email":"jwt@example.org","activated":true}`), 200)
	bearer := func(tok string) header { return header{"Authorization": "Bearer " + tok} }
	exp := time.Now().Add(5 * time.Minute).Unix()
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodRS256, jwt.SigningMethodRS384, jwt.SigningMethodRS512} {
		r := e.do("GET", "/api/accounts/me", bearer(signJWT(t, m, jwtKey, jwt.MapClaims{"email": "jwt@example.org", "exp": exp})), "")
		expect(t, r, 200)
		if r.JSON(t)["username"] != "jwtuser" {
			t.Fatal(r.Body)
		}
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKIXPublicKey(&jwtKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	for name, c := range map[string]struct {
		tok    string
		status int
		msg    string
	}{
		"expired":                             {signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": "jwt@example.org", "exp": time.Now().Add(-time.Minute).Unix()}), 403, "Expired JWT token"},
		"unknown email":                       {signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": "nobody@example.org", "exp": exp}), 403, "The JWT token is not related to someone in the system"},
		"wrong key":                           {signJWT(t, jwt.SigningMethodRS256, other, jwt.MapClaims{"email": "jwt@example.org", "exp": exp}), 403, "Invalid JWT token signature"},
		"no email":                            {signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"exp": exp}), 403, "The JWT token has no email claim"},
		"HS256 with the public key as secret": {signJWT(t, jwt.SigningMethodHS256, pubPEM, jwt.MapClaims{"email": "jwt@example.org"}), 403, "Unsupported RSA signature"},
		"alg none":                            {signJWT(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, jwt.MapClaims{"email": "jwt@example.org"}), 403, "Unsupported RSA signature"},
		"malformed":                           {"not.a.jwt", 422, "Malformed JWT token"},
	} {
		t.Run(name, func(t *testing.T) {
			expectMessage(t, e.do("GET", "/api/accounts/me", bearer(c.tok), ""), c.status, c.msg)
		})
	}
	t.Run("issuer and audience when configured", func(t *testing.T) {
		e2 := newEnv(t, map[string]string{"JWT_ISSUER": "https://idp.example.org", "JWT_AUDIENCE": "flexiapi"})
		expect(t, e2.create(`{"username":"jwtuser","password":"123456","algorithm":"SHA-256","email":"jwt@example.org"}`), 200)
		good := jwt.MapClaims{"email": "jwt@example.org", "exp": exp, "iss": "https://idp.example.org", "aud": []string{"other", "flexiapi"}}
		expect(t, e2.do("GET", "/api/accounts/me", bearer(signJWT(t, jwt.SigningMethodRS256, jwtKey, good)), ""), 200)
		bad := jwt.MapClaims{"email": "jwt@example.org", "exp": exp, "iss": "https://evil.example.org", "aud": "flexiapi"}
		expect(t, e2.do("GET", "/api/accounts/me", bearer(signJWT(t, jwt.SigningMethodRS256, jwtKey, bad)), ""), 403)
	})
}

// TestAPIKeyExpiry: an unused key expires, checked on each request.
func TestAPIKeyExpiry(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_API_KEY_EXPIRATION_MINUTES": "1"})
	user := e.newAccount("idleuser", "secret", "SHA-256", false)
	expect(t, e.withKey(user.Key, "GET", "/api/accounts/me", ""), 200)
	// Age the key's last use by two minutes, as if it had sat unused.
	rec, err := e.st.APIKey(t.Context(), auth.HashAPIKey(user.Key))
	if err != nil {
		t.Fatal(err)
	}
	past := rec.LastUsedAt.Add(-2 * time.Minute)
	if err := e.st.TouchAPIKey(t.Context(), auth.HashAPIKey(user.Key), past, past.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	expectMessage(t, e.withKey(user.Key, "GET", "/api/accounts/me", ""), 401, "Invalid API Key")
}

func TestNoChallengeOnPublicRoutes(t *testing.T) {
	e := newEnv(t, nil)
	// Linphone sends From on every request, public ones too.
	r := e.do("POST", "/api/accounts/auth_token", header{"From": "sip:nobody@" + domain}, "")
	expect(t, r, 201)
	if r.Header.Get("WWW-Authenticate") != "" {
		t.Fatal("public route challenged")
	}
}
