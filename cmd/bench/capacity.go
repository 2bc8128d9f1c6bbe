package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// capCase is the realistic request of one endpoint with one way of
// authenticating.
type capCase struct {
	routeID string
	auth    string
	what    string
	status  int // expected
	run     func(ctx context.Context) (reply, []expect, error)
}

type capResult struct {
	routeID, auth, what string
	status              int
	authU, fnU          units   // summed over the operation
	legs                []units // per API Gateway request (Digest: 401, answer)
	err                 error
}

// capacityCases builds the sequence: each case may use what an earlier
// one created (the auth token, the created account).
func capacityCases(c *apiClient, f *fixtures) []capCase {
	var token string
	var created int64
	key := func(k string) map[string]string { return map[string]string{"X-Api-Key": k} }
	admin := key(f.admin.Key)
	one := func(method string, path func() string, h map[string]string, body string, protected bool) func(ctx context.Context) (reply, []expect, error) {
		return func(ctx context.Context) (reply, []expect, error) {
			r, err := c.do(ctx, method, path(), h, body)
			switch {
			case err != nil:
				return r, nil, err
			case !protected:
				return r, []expect{public(r)}, nil
			case r.status == 401:
				return r, []expect{denied(r)}, nil
			}
			return r, []expect{allowed(r)}, nil
		}
	}
	fixed := func(p string) func() string { return func() string { return p } }
	createdPath := func(suffix string) func() string {
		return func() string { return "/api/accounts/" + strconv.FormatInt(created, 10) + suffix }
	}
	digest := func(path string) func(ctx context.Context) (reply, []expect, error) {
		return func(ctx context.Context) (reply, []expect, error) {
			return c.digestRound(ctx, "GET", path, f.digest.Username, domain, f.digest.Password, "")
		}
	}
	cases := []capCase{
		{"GET /api/ping", authNone, "ping", 200, one("GET", fixed("/api/ping"), nil, "", false)},
		{"GET /api", authNone, "the HTML documentation", 200, one("GET", fixed("/api"), nil, "", false)},
		{"GET /api/openapi.json", authNone, "the OpenAPI document", 200, one("GET", fixed("/api/openapi.json"), nil, "", false)},
		{"POST /api/accounts/auth_token", authNone, "a new token", 201, func(ctx context.Context) (reply, []expect, error) {
			r, ids, err := one("POST", fixed("/api/accounts/auth_token"), nil, "", false)(ctx)
			var m struct {
				Token string `json:"token"`
			}
			if err == nil && json.Unmarshal(r.body, &m) == nil {
				token = m.Token
			}
			return r, ids, err
		}},
		{"GET /api/accounts/auth_token/{auth_token}/attach", authAPIKey, "attach that token to a user (who has a key)", 200,
			one("GET", func() string { return "/api/accounts/auth_token/" + token + "/attach" }, key(f.tokenUser.Key), "", true)},
		{"GET /api/accounts/me/api_key/{auth_token}", authNone, "exchange the attached token (the account has a key)", 200,
			one("GET", func() string { return "/api/accounts/me/api_key/" + token }, nil, "", false)},
		{"GET /api/accounts/me/api_key", authDigest, "Linphone's key refresh (the account has a key)", 200, digest("/api/accounts/me/api_key")},
		{"GET /api/accounts/me", authAPIKey, "key used less than a minute ago", 200, one("GET", fixed("/api/accounts/me"), key(f.user.Key), "", true)},
		{"GET /api/accounts/me", authJWT, "RS256 token of the account's email", 200,
			one("GET", fixed("/api/accounts/me"), map[string]string{"Authorization": "Bearer " + f.jwtToken}, "", true)},
		{"GET /api/accounts/me", authDigest, "SHA-256 account", 200, digest("/api/accounts/me")},
		{"POST /api/accounts", authAPIKey, "admin creates a non-activated account with an email", 200,
			func(ctx context.Context) (reply, []expect, error) {
				body := `{"username":"capacity1","password":"bench-Pa55","algorithm":"SHA-256","email":"capacity1@example.org"}`
				r, ids, err := one("POST", fixed("/api/accounts"), admin, body, true)(ctx)
				var m struct {
					ID int64 `json:"id"`
				}
				if err == nil && json.Unmarshal(r.body, &m) == nil {
					created = m.ID
				}
				return r, ids, err
			}},
		{"GET /api/accounts", authAPIKey, "admin, page 1 (20 accounts)", 200, one("GET", fixed("/api/accounts"), admin, "", true)},
		{"GET /api/accounts/{id}", authAPIKey, "admin reads the created account", 200, one("GET", createdPath(""), admin, "", true)},
		{"POST /api/accounts/{id}/activate", authAPIKey, "the created account (not activated)", 200, one("POST", createdPath("/activate"), admin, "", true)},
		{"POST /api/accounts/{id}/deactivate", authAPIKey, "the same, now activated", 200, one("POST", createdPath("/deactivate"), admin, "", true)},
		{"POST /api/accounts/{id}/block", authAPIKey, "the same (no API key)", 200, one("POST", createdPath("/block"), admin, "", true)},
		{"POST /api/accounts/{id}/unblock", authAPIKey, "the same", 200, one("POST", createdPath("/unblock"), admin, "", true)},
		{"DELETE /api/accounts/{id}", authAPIKey, "the created account (email, provisioning token, no key)", 200, one("DELETE", createdPath(""), admin, "", true)},
	}
	// Only the routes that exist; a public GET without parameters added
	// since gets a generic case.
	routes := map[string]api.Route{}
	for _, r := range api.Routes.Routes() {
		routes[r.ID()] = r
	}
	var out []capCase
	covered := map[string]bool{}
	for _, c := range cases {
		if _, ok := routes[c.routeID]; ok {
			out = append(out, c)
			covered[c.routeID] = true
		}
	}
	for _, r := range api.Routes.Routes() {
		if covered[r.ID()] || r.Method != "GET" || r.Access != api.Public || len(r.ParamNames()) > 0 {
			continue
		}
		status := r.Status
		if status == 0 {
			status = 200
		}
		out = append(out, capCase{r.ID(), authNone, "public GET (generic case)", status, one("GET", fixed(r.Path), requiredHeaders(r), "", false)})
	}
	return out
}

// requiredHeaders are the request headers a route row declares required
// (always, or under a configuration switch, which the bench deployment
// leaves at its default), each with a placeholder value: the generic case
// must be a request the route accepts.
func requiredHeaders(r api.Route) map[string]string {
	var h map[string]string
	for _, in := range r.Inputs {
		if in.In == api.InHeader && (in.Required || in.RequiredWhen != "") {
			if h == nil {
				h = map[string]string{}
			}
			h[in.Name] = "1"
		}
	}
	return h
}

// measureCapacity runs the cases one at a time and reads their units
// from the log lines of their request ids.
func measureCapacity(ctx context.Context, cases []capCase, sink *logSink) ([]capResult, error) {
	var out []capResult
	for _, cc := range cases {
		res := capResult{routeID: cc.routeID, auth: cc.auth, what: cc.what}
		r, ids, err := cc.run(ctx)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.status = r.status
		switch {
		case err != nil:
			res.err = err
		case r.status != cc.status:
			res.err = fmt.Errorf("status %d, want %d: %.200s", r.status, cc.status, r.body)
		}
		if !sink.wait(ctx, ids, 5*time.Second) && res.err == nil {
			res.err = fmt.Errorf("log lines missing for %v", ids)
		}
		for _, id := range ids {
			u := sink.units([]expect{id})
			res.legs = append(res.legs, u)
			res.authU.AuthRCU += u.AuthRCU
			res.authU.AuthWCU += u.AuthWCU
			res.authU.AuthCalls += u.AuthCalls
			res.fnU.FnRCU += u.FnRCU
			res.fnU.FnWCU += u.FnWCU
			res.fnU.FnCalls += u.FnCalls
			res.authU.AuthBilledMS += u.AuthBilledMS
			res.fnU.FnBilledMS += u.FnBilledMS
			res.fnU.LogBytes += u.LogBytes // the authorizer's lines too: one sum per request
		}
		out = append(out, res)
	}
	return out, nil
}

// unmeasuredRoutes are routes of the table that no case covers (a route
// added after this program was written).
func unmeasuredRoutes(cases []capCase) []string {
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.routeID] = true
	}
	var out []string
	for _, r := range api.Routes.Routes() {
		if !covered[r.ID()] {
			out = append(out, r.ID())
		}
	}
	return out
}
