//go:build integration

package e2e

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestNoSecretInLogs runs every authentication flow and checks that no
// password, hash, Digest response, API key or JWT reaches the logs of the
// gateway, the authorizer or the functions.
func TestNoSecretInLogs(t *testing.T) {
	e := newEnv(t, nil)
	const password = "Pa55w0rd-unique"
	user := e.newAccount("loguser", password, "SHA-256", false)
	e.newAccount("logmd5", password, "MD5", false)
	created := e.create(`{"username":"logcreated","password":"Cr3ated-pass","algorithm":"MD5","email":"log@example.org"}`)
	expect(t, created, 200)

	var secrets []string
	secrets = append(secrets, password, "Cr3ated-pass", user.Key, e.admin.Key, e.admin.Password,
		hashHex("SHA-256", "loguser:"+domain+":"+password), hashHex("MD5", "logmd5:"+domain+":"+password),
		hashHex("MD5", "logcreated:"+domain+":Cr3ated-pass"))

	for _, u := range []string{"loguser", "logmd5"} {
		r, authz := e.digest("GET", "/api/accounts/me", u, password, "")
		expect(t, r, 200)
		secrets = append(secrets, responseOf(authz))
		r, _ = e.digest("GET", "/api/accounts/me", u, "wrong-Pa55", "")
		expect(t, r, 401)
	}
	r, _ := e.digest("GET", "/api/accounts/me/api_key", "loguser", password, "")
	expect(t, r, 200)
	newKey := r.Body // the refresh retired user.Key
	secrets = append(secrets, newKey)
	expect(t, e.withKey(newKey, "GET", "/api/accounts/me", ""), 200)
	expect(t, e.withKey("Invalid-K3y-value", "GET", "/api/accounts/me", ""), 401)
	secrets = append(secrets, "Invalid-K3y-value")

	tok := e.do("POST", "/api/accounts/auth_token", nil, "").JSON(t)["token"].(string)
	secrets = append(secrets, tok)
	expect(t, e.withKey(newKey, "GET", "/api/accounts/auth_token/"+tok+"/attach", ""), 200)
	exchanged := e.do("GET", "/api/accounts/me/api_key/"+tok, nil, "").JSON(t)["api_key"].(string)
	secrets = append(secrets, exchanged)

	signed := signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": "log@example.org", "exp": time.Now().Add(time.Minute).Unix()})
	expect(t, e.do("GET", "/api/accounts/me", header{"Authorization": "Bearer " + signed}, ""), 200)
	expired := signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": "log@example.org", "exp": 1})
	expect(t, e.do("GET", "/api/accounts/me", header{"Authorization": "Bearer " + expired}, ""), 403)
	secrets = append(secrets, signed, expired, strings.Split(signed, ".")[2])

	logs := e.logs.String()
	if !strings.Contains(logs, `"component":"authorizer"`) || !strings.Contains(logs, `"component":"accounts"`) {
		t.Fatalf("the logs were not captured:\n%s", logs)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("a secret (%d characters, starting %.4q) appears in the logs", len(s), s)
		}
	}
}

func responseOf(authorization string) string {
	i := strings.Index(authorization, `response="`)
	rest := authorization[i+len(`response="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// authorizerUnits sums the capacity units the authorizer logged.
func authorizerUnits(t *testing.T, logs string) (read, write float64, decisions int) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.IndexByte(line, '{')
		if i < 0 || !strings.Contains(line, `"component":"authorizer"`) {
			continue
		}
		var m struct {
			RCU float64 `json:"rcu"`
			WCU float64 `json:"wcu"`
		}
		if err := json.Unmarshal([]byte(line[i:]), &m); err != nil {
			continue
		}
		read += m.RCU
		write += m.WCU
		decisions++
	}
	return read, write, decisions
}

// TestAuthenticationCapacity measures what authentication costs in
// DynamoDB, from the units the authorizer reports per decision.
func TestAuthenticationCapacity(t *testing.T) {
	cases := []struct {
		name        string
		run         func(e *env)
		read, write float64
		decisions   int
	}{
		{"Digest round (401 then answer)", func(e *env) {
			r, _ := e.digest("GET", "/api/accounts/me", "capuser", "secret", "")
			expect(t, r, 200)
		}, 1, 1, 2},
		{"API key", func(e *env) { expect(t, e.withKey(e.admin.Key, "GET", "/api/accounts/me", ""), 200) }, 1, 0, 1},
		{"JWT", func(e *env) {
			tok := signJWT(t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": "cap@example.org"})
			expect(t, e.do("GET", "/api/accounts/me", header{"Authorization": "Bearer " + tok}, ""), 200)
		}, 0.5, 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.newAccount("capuser", "secret", "SHA-256", false)
			expect(t, e.create(`{"username":"capmail","password":"123456","algorithm":"SHA-256","email":"cap@example.org"}`), 200)
			_, _, before := authorizerUnits(t, e.logs.String())
			r0, w0, _ := authorizerUnits(t, e.logs.String())
			c.run(e)
			// Function logs may lag their answer by a moment.
			var read, write float64
			var n int
			for i := 0; i < 50; i++ {
				r1, w1, n1 := authorizerUnits(t, e.logs.String())
				read, write, n = r1-r0, w1-w0, n1-before
				if n >= c.decisions {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if n != c.decisions || read != c.read || write != c.write {
				t.Fatalf("%d decisions, %.1f RCU, %.1f WCU; want %d, %.1f RCU, %.1f WCU", n, read, write, c.decisions, c.read, c.write)
			}
		})
	}
}
