package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// Over-long client strings at every place one becomes part of a DynamoDB
// key (partition key ≤ 2048 bytes, sort key ≤ 1024): each must be an
// unknown thing (404, or 401/403 for credentials) or a 422, never a 500,
// and must write nothing.
const (
	overPK = 3000 // past the partition key limit
	overSK = 1500 // past the sort key limit (a SIP domain is a sort key)
)

var (
	longName   = strings.Repeat("a", overPK)
	longDomain = strings.Repeat("d", overSK) + ".example.org"
	longDigits = strings.Repeat("9", overPK)
)

// overlongCase is one entry point. route is the route table's ID
// ("GET /api/accounts/{sip}/search") of the route it exercises, or "" for
// an authentication entry point (any protected route goes through it);
// the coverage check below requires a case for every route that has a
// path parameter.
type overlongCase struct {
	route  string
	name   string
	method string
	path   string
	// auth: "admin" (the admin's API key), "" (no credentials), or
	// headers returns the request's headers.
	auth    string
	headers func(e *env) header
	body    string
	status  int
}

func overlongCases() []overlongCase {
	validPut := `{"username":"renamed","password":"123456","algorithm":"SHA-256"}`
	return []overlongCase{
		// Authentication: Digest From, API key, JWT email claim, nonce.
		{route: "", name: "Digest From, long username", method: "GET", path: "/api/accounts/me",
			headers: func(*env) header { return header{"From": "sip:" + strings.Repeat("x", 5000) + "@" + domain} }, status: 404},
		{route: "", name: "Digest From, long domain", method: "GET", path: "/api/accounts/me",
			headers: func(*env) header { return header{"From": "sip:admin@" + longDomain} }, status: 404},
		{route: "", name: "Digest From, long user and domain", method: "GET", path: "/api/accounts",
			headers: func(*env) header { return header{"From": "sip:" + longName + "@" + longName} }, status: 404},
		{route: "", name: "Digest, long nonce", method: "GET", path: "/api/accounts/me",
			headers: func(e *env) header {
				authz := `Digest username="admin",realm="` + domain + `",nonce="` + longName + `",uri="/api/accounts/me",algorithm=SHA-256,qop=auth,nc=00000001,cnonce="abc",response="00",opaque="` + opaqueOf(e) + `"`
				return header{"From": "sip:admin@" + domain, "Authorization": authz}
			}, status: 401},
		{route: "", name: "API key", method: "GET", path: "/api/accounts/me",
			headers: func(*env) header { return header{"X-Api-Key": longName} }, status: 401},
		{route: "", name: "API key cookie", method: "GET", path: "/api/accounts/me",
			headers: func(*env) header { return header{"Cookie": "x-api-key=" + longName} }, status: 401},
		{route: "", name: "JWT email claim", method: "GET", path: "/api/accounts/me",
			headers: func(e *env) header {
				tok := signJWT(e.t, jwt.SigningMethodRS256, jwtKey, jwt.MapClaims{"email": longName + "@example.org", "exp": time.Now().Add(time.Minute).Unix()})
				return header{"Authorization": "Bearer " + tok}
			}, status: 403},

		// Auth tokens.
		{route: "GET /api/accounts/auth_token/{auth_token}/attach", name: "auth token", method: "GET",
			path: "/api/accounts/auth_token/" + longName + "/attach", auth: "admin", status: 404},
		{route: "GET /api/accounts/me/api_key/{auth_token}", name: "auth token", method: "GET",
			path: "/api/accounts/me/api_key/" + longName, status: 404},

		// Admin account routes.
		{route: "POST /api/accounts", name: "username", method: "POST", path: "/api/accounts", auth: "admin",
			body: `{"username":"` + longName + `","password":"123456","algorithm":"SHA-256"}`, status: 422},
		{route: "POST /api/accounts", name: "domain", method: "POST", path: "/api/accounts", auth: "admin",
			body: `{"username":"longdomain","password":"123456","algorithm":"SHA-256","domain":"` + longDomain + `"}`, status: 422},
		{route: "POST /api/accounts", name: "email", method: "POST", path: "/api/accounts", auth: "admin",
			body: `{"username":"longemail","password":"123456","algorithm":"SHA-256","email":"` + longName + `@example.org"}`, status: 422},
		{route: "POST /api/accounts", name: "phone", method: "POST", path: "/api/accounts", auth: "admin",
			body: `{"username":"longphone","password":"123456","algorithm":"SHA-256","phone":"+` + longDigits + `"}`, status: 422},
		{route: "POST /api/accounts", name: "dictionary key", method: "POST", path: "/api/accounts", auth: "admin",
			body: `{"username":"longdict","password":"123456","algorithm":"SHA-256","dictionary":{"` + longName + `":"v"}}`, status: 422},
		{route: "POST /api/accounts", name: "dictionary value", method: "POST", path: "/api/accounts", auth: "admin",
			body: `{"username":"longdict","password":"123456","algorithm":"SHA-256","dictionary":{"k":"` + longName + `"}}`, status: 422},
		{route: "PUT /api/accounts/{id}", name: "id", method: "PUT", path: "/api/accounts/" + longDigits, auth: "admin", body: validPut, status: 404},
		{route: "PUT /api/accounts/{id}", name: "username", method: "PUT", path: "/api/accounts/1", auth: "admin",
			body: `{"username":"` + longName + `","password":"123456","algorithm":"SHA-256"}`, status: 422},
		{route: "PUT /api/accounts/{id}", name: "phone", method: "PUT", path: "/api/accounts/1", auth: "admin",
			body: `{"username":"admin","password":"123456","algorithm":"SHA-256","phone":"+` + longDigits + `"}`, status: 422},
		{route: "PUT /api/accounts/{id}", name: "email", method: "PUT", path: "/api/accounts/1", auth: "admin",
			body: `{"username":"admin","password":"123456","algorithm":"SHA-256","email":"` + longName + `@example.org"}`, status: 422},
		{route: "PUT /api/accounts/{id}", name: "domain", method: "PUT", path: "/api/accounts/1", auth: "admin",
			body: `{"username":"admin","password":"123456","algorithm":"SHA-256","domain":"` + longDomain + `"}`, status: 422},
		{route: "GET /api/accounts/{id}", name: "id", method: "GET", path: "/api/accounts/" + longDigits, auth: "admin", status: 404},
		{route: "GET /api/accounts/{sip}/search", name: "username", method: "GET", path: "/api/accounts/" + longName + "@" + domain + "/search", auth: "admin", status: 404},
		{route: "GET /api/accounts/{sip}/search", name: "domain", method: "GET", path: "/api/accounts/admin@" + longDomain + "/search", auth: "admin", status: 404},
		{route: "GET /api/accounts/{sip}/search", name: "invalid UTF-8", method: "GET", path: "/api/accounts/%FF%FE@" + domain + "/search", auth: "admin", status: 404},
		{route: "GET /api/accounts/{email}/search-by-email", name: "email", method: "GET", path: "/api/accounts/" + longName + "@example.org/search-by-email", auth: "admin", status: 404},
		{route: "DELETE /api/accounts/{id}", name: "id", method: "DELETE", path: "/api/accounts/" + longDigits, auth: "admin", status: 404},
		{route: "POST /api/accounts/{id}/activate", name: "id", method: "POST", path: "/api/accounts/" + longDigits + "/activate", auth: "admin", status: 422},
		{route: "POST /api/accounts/{id}/deactivate", name: "id", method: "POST", path: "/api/accounts/" + longDigits + "/deactivate", auth: "admin", status: 422},
		{route: "POST /api/accounts/{id}/block", name: "id", method: "POST", path: "/api/accounts/" + longDigits + "/block", auth: "admin", status: 422},
		{route: "POST /api/accounts/{id}/unblock", name: "id", method: "POST", path: "/api/accounts/" + longDigits + "/unblock", auth: "admin", status: 422},

		// Provisioning and vCard (the header is sent so that the token is read).
		{route: "GET /provisioning/{provisioning_token}", name: "token", method: "GET", path: "/provisioning/" + longName,
			headers: func(*env) header { return header{"X-Linphone-Provisioning": "1"} }, status: 404},
		{route: "GET /provisioning/qrcode/{provisioning_token}", name: "token", method: "GET", path: "/provisioning/qrcode/" + longName, status: 404},
		{route: "GET /provisioning/auth_token/{auth_token}", name: "token", method: "GET", path: "/provisioning/auth_token/" + longName,
			headers: func(*env) header { return header{"X-Linphone-Provisioning": "1"} }, status: 404},
		{route: "GET /api/accounts/{id}/provision", name: "id", method: "GET", path: "/api/accounts/" + longDigits + "/provision", auth: "admin", status: 422},
		{route: "GET /contacts/vcard/{sip}", name: "sip", method: "GET", path: "/contacts/vcard/" + longName + "@" + longDomain, auth: "admin", status: 404},

		// Rows for the routes of the other areas go here, one per client
		// string that reaches a key (path segments, body fields, headers).
	}
}

// opaqueOf is the Digest opaque of an env (base64 of APP_KEY).
func opaqueOf(e *env) string {
	r := e.do("GET", "/api/accounts/me", header{"From": "sip:admin@" + domain}, "")
	return parseChallenge(e.t, r.Header.Get("WWW-Authenticate"))["opaque"]
}

func TestOverlongKeyInputs(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true"})
	cases := overlongCases()
	before := e.snapshot()
	for _, c := range cases {
		t.Run(strings.TrimSpace(c.route+" "+c.name), func(t *testing.T) {
			h := header{}
			if c.auth == "admin" {
				h["X-Api-Key"] = e.admin.Key
			}
			if c.headers != nil {
				for k, v := range c.headers(e) {
					h[k] = v
				}
			}
			r := e.do(c.method, c.path, h, c.body)
			expect(t, r, c.status)
		})
	}
	e.expectUnchanged(before)

	// Every route that takes a client string in its path has a case:
	// a new route without one fails here.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.route] = true
	}
	for _, r := range api.Routes.Routes() {
		if len(r.ParamNames()) > 0 && !covered[r.ID()] {
			t.Errorf("route %s takes a path parameter but has no over-long case in overlongCases", r.ID())
		}
	}
}

// The path of a case must reach its route: a case whose path matches no
// route (or another one) would test nothing.
func TestOverlongCasesMatchTheirRoutes(t *testing.T) {
	for _, c := range overlongCases() {
		if c.route == "" {
			continue
		}
		u, err := url.Parse(c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		m, merr := api.Routes.Match(c.method, u.EscapedPath())
		if merr != nil {
			t.Errorf("%s %s: no route (%v)", c.method, c.name, merr)
			continue
		}
		if m.Route.ID() != c.route {
			t.Errorf("%s %s reaches %s, not %s", c.method, c.name, m.Route.ID(), c.route)
		}
	}
}
