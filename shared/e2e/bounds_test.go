//go:build integration

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

		// Creation flows (shared/accountapi/creation.go).
		{route: "GET /creation_token/check/{token}", name: "request token", method: "GET", path: "/creation_token/check/" + longName, status: 404},
		{route: "POST /creation_token/check/{token}", name: "request token", method: "POST", path: "/creation_token/check/" + longName, status: 419},
		{route: "POST /api/account_creation_tokens/using-account-creation-request-token", name: "request token", method: "POST",
			path: "/api/account_creation_tokens/using-account-creation-request-token", body: `{"account_creation_request_token":"` + longName + `"}`, status: 422},
		{route: "POST /api/account_creation_tokens/send-by-push", name: "pn_prid", method: "POST", path: "/api/account_creation_tokens/send-by-push",
			body: `{"pn_provider":"fcm","pn_param":"p","pn_prid":"` + longName + `"}`, status: 422},
		{route: "POST /api/accounts/with-account-creation-token", name: "token", method: "POST", path: "/api/accounts/with-account-creation-token",
			body: `{"username":"longtoken","password":"secret1","account_creation_token":"` + longName + `"}`, status: 422},
		{route: "POST /api/accounts/with-account-creation-token", name: "username", method: "POST", path: "/api/accounts/with-account-creation-token",
			body: `{"username":"` + longName + `","password":"secret1","account_creation_token":"abcdefghijklm"}`, status: 422},
		{route: "POST /api/accounts/public", name: "domain", method: "POST", path: "/api/accounts/public",
			body: `{"username":"longdomain","password":"secret1","algorithm":"MD5","email":"a@b.org","domain":"` + longDomain + `","account_creation_token":"abcdefghijklm"}`, status: 422},
		{route: "POST /api/accounts/recover-by-phone", name: "phone", method: "POST", path: "/api/accounts/recover-by-phone",
			body: `{"phone":"+` + longDigits + `","account_creation_token":"abcdefghijklm"}`, status: 422},
		{route: "GET /api/accounts/{sip}/info", name: "username", method: "GET", path: "/api/accounts/" + longName + "@" + domain + "/info", status: 404},
		{route: "GET /api/accounts/{sip}/info", name: "domain", method: "GET", path: "/api/accounts/admin@" + longDomain + "/info", status: 404},
		{route: "GET /api/accounts/{phone}/info-by-phone", name: "phone", method: "GET", path: "/api/accounts/+" + longDigits + "/info-by-phone", status: 422},
		{route: "GET /api/accounts/{sip}/recover/{recover_key}", name: "phone alias", method: "GET", path: "/api/accounts/+" + longDigits + "@" + domain + "/recover/1234", status: 404},
		{route: "GET /api/accounts/{sip}/recover/{recover_key}", name: "domain", method: "GET", path: "/api/accounts/admin@" + longDomain + "/recover/1234", status: 404},
		{route: "POST /api/accounts/{sip}/activate/email", name: "username", method: "POST", path: "/api/accounts/" + longName + "@" + domain + "/activate/email",
			body: `{"confirmation_key":"abcdefghijklm"}`, status: 404},
		{route: "POST /api/accounts/{sip}/activate/phone", name: "username", method: "POST", path: "/api/accounts/+" + longDigits + "@" + domain + "/activate/phone",
			body: `{"confirmation_key":"1234"}`, status: 404},
		{route: "GET /api/accounts/{id}/activate", name: "id", method: "GET", path: "/api/accounts/" + longDigits + "/activate", auth: "admin", status: 422},
		{route: "GET /api/accounts/{id}/deactivate", name: "id", method: "GET", path: "/api/accounts/" + longDigits + "/deactivate", auth: "admin", status: 422},

		// The authenticated account's own routes.
		{route: "POST /api/accounts/me/email/request", name: "email (a key: the email marker)", method: "POST", path: "/api/accounts/me/email/request", auth: "admin",
			body: `{"email":"` + longName + `@example.org"}`, status: 422},
		{route: "POST /api/accounts/me/phone/request", name: "phone (a key: the phone marker)", method: "POST", path: "/api/accounts/me/phone/request", auth: "admin",
			body: `{"phone":"+` + longDigits + `"}`, status: 422},
		{route: "DELETE /api/accounts/me/devices/{uuid}", name: "uuid (the registrar, no table key)", method: "DELETE", path: "/api/accounts/me/devices/" + longName, auth: "admin", status: 200},
		{route: "GET /api/accounts/me/contacts/{sip}", name: "username", method: "GET", path: "/api/accounts/me/contacts/" + longName + "@" + domain, auth: "admin", status: 404},
		{route: "GET /api/accounts/me/contacts/{sip}", name: "domain", method: "GET", path: "/api/accounts/me/contacts/admin@" + longDomain, auth: "admin", status: 404},

		// Resources: ids are integers (422), dictionary keys bounded (255).
		{route: "GET /api/accounts/{id}/contacts", name: "id", method: "GET", path: "/api/accounts/" + longDigits + "/contacts", auth: "admin", status: 422},
		{route: "GET /api/accounts/{id}/contacts/{contact_id}", name: "contact id", method: "GET", path: "/api/accounts/1/contacts/" + longDigits, auth: "admin", status: 422},
		{route: "POST /api/accounts/{id}/contacts/{contact_id}", name: "contact id", method: "POST", path: "/api/accounts/1/contacts/" + longDigits, auth: "admin", status: 422},
		{route: "DELETE /api/accounts/{id}/contacts/{contact_id}", name: "contact id", method: "DELETE", path: "/api/accounts/1/contacts/" + longDigits, auth: "admin", status: 422},
		{route: "GET /api/accounts/{id}/dictionary", name: "id", method: "GET", path: "/api/accounts/" + longDigits + "/dictionary", auth: "admin", status: 422},
		{route: "GET /api/accounts/{id}/dictionary/{key}", name: "key", method: "GET", path: "/api/accounts/1/dictionary/" + longName, auth: "admin", status: 422},
		{route: "POST /api/accounts/{id}/dictionary/{key}", name: "key", method: "POST", path: "/api/accounts/1/dictionary/" + longName, auth: "admin", body: `{"value":"v"}`, status: 422},
		{route: "DELETE /api/accounts/{id}/dictionary/{key}", name: "key", method: "DELETE", path: "/api/accounts/1/dictionary/" + longName, auth: "admin", status: 422},
		{route: "GET /api/accounts/{id}/actions", name: "id", method: "GET", path: "/api/accounts/" + longDigits + "/actions", auth: "admin", status: 422},
		{route: "GET /api/accounts/{id}/actions/{action_id}", name: "action id", method: "GET", path: "/api/accounts/1/actions/" + longDigits, auth: "admin", status: 422},
		{route: "POST /api/accounts/{id}/actions", name: "id", method: "POST", path: "/api/accounts/" + longDigits + "/actions", auth: "admin", body: `{"key":"k","code":"c"}`, status: 422},
		{route: "PUT /api/accounts/{id}/actions/{action_id}", name: "action id", method: "PUT", path: "/api/accounts/1/actions/" + longDigits, auth: "admin", body: `{"key":"k","code":"c"}`, status: 422},
		{route: "PATCH /api/accounts/{id}/actions/{action_id}", name: "action id", method: "PATCH", path: "/api/accounts/1/actions/" + longDigits, auth: "admin", body: `{"key":"k","code":"c"}`, status: 422},
		{route: "DELETE /api/accounts/{id}/actions/{action_id}", name: "action id", method: "DELETE", path: "/api/accounts/1/actions/" + longDigits, auth: "admin", status: 422},
		{route: "GET /api/contacts_lists/{id}", name: "id", method: "GET", path: "/api/contacts_lists/" + longDigits, auth: "admin", status: 422},
		{route: "PUT /api/contacts_lists/{id}", name: "id", method: "PUT", path: "/api/contacts_lists/" + longDigits, auth: "admin", body: `{"title":"t","description":"d"}`, status: 422},
		{route: "PATCH /api/contacts_lists/{id}", name: "id", method: "PATCH", path: "/api/contacts_lists/" + longDigits, auth: "admin", body: `{"title":"t","description":"d"}`, status: 422},
		{route: "DELETE /api/contacts_lists/{id}", name: "id", method: "DELETE", path: "/api/contacts_lists/" + longDigits, auth: "admin", status: 422},
		{route: "POST /api/contacts_lists", name: "title (a key: the title marker)", method: "POST", path: "/api/contacts_lists", auth: "admin", body: `{"title":"` + longName + `","description":"d"}`, status: 422},
		{route: "POST /api/contacts_lists/{contacts_list_id}/contacts/{contact_id}", name: "list id", method: "POST", path: "/api/contacts_lists/" + longDigits + "/contacts/1", auth: "admin", status: 422},
		{route: "DELETE /api/contacts_lists/{contacts_list_id}/contacts/{contact_id}", name: "list id", method: "DELETE", path: "/api/contacts_lists/" + longDigits + "/contacts/1", auth: "admin", status: 422},
		{route: "POST /api/accounts/{id}/contacts_lists/{contacts_list_id}", name: "list id", method: "POST", path: "/api/accounts/1/contacts_lists/" + longDigits, auth: "admin", status: 422},
		{route: "DELETE /api/accounts/{id}/contacts_lists/{contacts_list_id}", name: "list id", method: "DELETE", path: "/api/accounts/1/contacts_lists/" + longDigits, auth: "admin", status: 422},
		{route: "GET /api/account_types/{id}", name: "id", method: "GET", path: "/api/account_types/" + longDigits, auth: "admin", status: 422},
		{route: "PUT /api/account_types/{id}", name: "id", method: "PUT", path: "/api/account_types/" + longDigits, auth: "admin", body: `{"key":"kkk"}`, status: 422},
		{route: "PATCH /api/account_types/{id}", name: "id", method: "PATCH", path: "/api/account_types/" + longDigits, auth: "admin", body: `{"key":"kkk"}`, status: 422},
		{route: "DELETE /api/account_types/{id}", name: "id", method: "DELETE", path: "/api/account_types/" + longDigits, auth: "admin", status: 422},
		{route: "POST /api/account_types", name: "key (a key: the type key marker)", method: "POST", path: "/api/account_types", auth: "admin", body: `{"key":"` + longName + `"}`, status: 422},
		{route: "POST /api/accounts/{id}/types/{type_id}", name: "type id", method: "POST", path: "/api/accounts/1/types/" + longDigits, auth: "admin", status: 422},
		{route: "DELETE /api/accounts/{id}/types/{type_id}", name: "type id", method: "DELETE", path: "/api/accounts/1/types/" + longDigits, auth: "admin", status: 422},

		// Statistics: ids are keys.
		{route: "POST /api/statistics/messages", name: "id", method: "POST", path: "/api/statistics/messages", auth: "admin",
			body: `{"id":"` + longName + `","from":"a@b.c","sent_at":"2024-01-01T00:00:00Z","encrypted":false}`, status: 422},
		{route: "POST /api/statistics/calls", name: "id", method: "POST", path: "/api/statistics/calls", auth: "admin",
			body: `{"id":"` + longName + `","from":"a@b.c","to":"c@d.e","initiated_at":"2024-01-01T00:00:00Z"}`, status: 422},
		{route: "PATCH /api/statistics/messages/{message_id}/to/{to}/devices/{device_id}", name: "ids", method: "PATCH",
			path: "/api/statistics/messages/" + longName + "/to/" + longName + "@" + domain + "/devices/" + longName, auth: "admin",
			body: `{"last_status":200,"received_at":"2024-01-01T00:00:00Z"}`, status: 404},
		{route: "PATCH /api/statistics/calls/{call_id}/devices/{device_id}", name: "ids", method: "PATCH", path: "/api/statistics/calls/" + longName + "/devices/" + longName, auth: "admin",
			body: `{"rang_at":"2024-01-01T00:00:00Z"}`, status: 404},
		{route: "PATCH /api/statistics/calls/{call_id}", name: "id", method: "PATCH", path: "/api/statistics/calls/" + longName, auth: "admin",
			body: `{"ended_at":"2024-01-01T00:00:00Z"}`, status: 404},

		// The machine API (served on its own port): Flexisip's prefix, and
		// the conference events, answered without reading their ids.
		{route: "POST /api/stats/calls", name: "id", method: "POST", path: "/api/stats/calls", auth: "admin",
			body: `{"id":"` + longName + `","from":"a@b.c","to":"c@d.e","initiated_at":"2024-01-01T00:00:00Z"}`, status: 422},
		{route: "PATCH /api/stats/messages/{message_id}/to/{to}/devices/{device_id}", name: "ids", method: "PATCH",
			path: "/api/stats/messages/" + longName + "/to/" + longName + "@" + domain + "/devices/" + longName, auth: "admin",
			body: `{"last_status":200,"received_at":"2024-01-01T00:00:00Z"}`, status: 404},
		{route: "PATCH /api/stats/calls/{call_id}/devices/{device_id}", name: "ids", method: "PATCH", path: "/api/stats/calls/" + longName + "/devices/" + longName, auth: "admin",
			body: `{"rang_at":"2024-01-01T00:00:00Z"}`, status: 404},
		{route: "PATCH /api/stats/calls/{call_id}", name: "id", method: "PATCH", path: "/api/stats/calls/" + longName, auth: "admin",
			body: `{"ended_at":"2024-01-01T00:00:00Z"}`, status: 404},
		{route: "PATCH /api/statistics/conferences/{conference_id}", name: "id", method: "PATCH", path: "/api/statistics/conferences/" + longName, auth: "admin", body: `{}`, status: 202},
		{route: "POST /api/statistics/conferences/{conference_id}/participants/{sip}/events", name: "ids", method: "POST",
			path: "/api/statistics/conferences/" + longName + "/participants/" + longName + "@" + longDomain + "/events", auth: "admin", body: `{}`, status: 202},
		{route: "POST /api/statistics/conferences/{conference_id}/participants/{sip}/devices/{device_id}/events", name: "ids", method: "POST",
			path: "/api/statistics/conferences/" + longName + "/participants/" + longName + "@" + domain + "/devices/" + longName + "/events", auth: "admin", body: `{}`, status: 202},
		{route: "PATCH /api/stats/conferences/{conference_id}", name: "id", method: "PATCH", path: "/api/stats/conferences/" + longName, auth: "admin", body: `{}`, status: 202},
		{route: "POST /api/stats/conferences/{conference_id}/participants/{sip}/events", name: "ids", method: "POST",
			path: "/api/stats/conferences/" + longName + "/participants/" + longName + "@" + domain + "/events", auth: "admin", body: `{}`, status: 202},
		{route: "POST /api/stats/conferences/{conference_id}/participants/{sip}/devices/{device_id}/events", name: "ids", method: "POST",
			path: "/api/stats/conferences/" + longName + "/participants/" + longName + "@" + domain + "/devices/" + longName + "/events", auth: "admin", body: `{}`, status: 202},

		// Query strings and the 2021 aliases.
		{route: "GET /api/statistics/counts", name: "domain", method: "GET", path: "/api/statistics/counts?from=2024-01-01&to=2024-01-02&domain=" + longDomain, auth: "admin", status: 422},
		{route: "GET /api/statistics/export/calls", name: "domain", method: "GET", path: "/api/statistics/export/calls?from=2024-01-01&to=2024-01-02&domain=" + longDomain, auth: "admin", status: 422},
		{route: "GET /api/statistics/export/messages", name: "cursor", method: "GET", path: "/api/statistics/export/messages?from=2024-01-01&to=2024-01-02&cursor=" + longName, auth: "admin", status: 422},
		{route: "POST /api/tokens", name: "pn_prid", method: "POST", path: "/api/tokens", body: `{"pn_provider":"fcm","pn_param":"p","pn_prid":"` + longName + `"}`, status: 422},
		{route: "POST /api/accounts/with-token", name: "token", method: "POST", path: "/api/accounts/with-token",
			body: `{"username":"longtoken","password":"secret1","algorithm":"MD5","token":"` + longName + `"}`, status: 422},

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
			do := e.do
			if m, err := api.Routes.Match(c.method, strings.SplitN(c.path, "?", 2)[0]); err == nil && !m.Route.On(api.REST) {
				do = e.machineDo
			}
			r := do(c.method, c.path, h, c.body)
			if strings.HasPrefix(c.path, "/creation_token/") && r.Status == c.status {
				return // a web page: its errors are HTML pages
			}
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
