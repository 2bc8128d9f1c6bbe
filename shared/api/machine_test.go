package api

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The subset an API serves keeps the whole table's gateway paths, so the
// resource an event of either API names is the one the routers look up.
func TestOnKeepsGatewayPaths(t *testing.T) {
	for _, a := range APIs {
		sub := Routes.On(a)
		if len(sub.Routes()) == 0 {
			t.Fatalf("the %s API serves no route", a)
		}
		for _, r := range sub.Routes() {
			if got, want := sub.GatewayPath(r), Routes.GatewayPath(r); got != want {
				t.Errorf("%s on the %s API: gateway path %s, the table's is %s", r.ID(), a, got, want)
			}
		}
	}
}

// The machine API serves FlexiAPI's five ingestion routes (which stay on
// the REST API), the same five under Flexisip's default prefix, with the
// same handlers, bodies and answers, Flexisip's four conference calls
// under both prefixes, and the SIP check; nothing else.
func TestMachineRows(t *testing.T) {
	ingestion := map[string]Route{}
	for _, r := range Routes.Routes() {
		if r.Group == GroupStatistics && r.Body != "" && strings.HasPrefix(r.Path, "/api/statistics/") {
			ingestion[r.ID()] = r
			if !r.On(REST) || !r.On(Machine) {
				t.Errorf("%s: FlexiAPI's ingestion route must be on both APIs", r.ID())
			}
		}
	}
	if len(ingestion) != 5 {
		t.Fatalf("%d ingestion routes, want FlexiAPI's five", len(ingestion))
	}
	for _, r := range Routes.Routes() {
		switch {
		case strings.HasPrefix(r.Path, "/api/stats/"):
			if r.On(REST) || !r.On(Machine) {
				t.Errorf("%s: Flexisip's default prefix is served by the machine API only", r.ID())
			}
			if strings.Contains(r.Path, "/conferences") {
				continue
			}
			twin, ok := ingestion[r.Method+" /api/statistics/"+strings.TrimPrefix(r.Path, "/api/stats/")]
			if !ok {
				t.Errorf("%s: no /api/statistics/ twin", r.ID())
				continue
			}
			if r.Handler != twin.Handler || r.Body != twin.Body || r.Status != twin.Status || r.Response != twin.Response || r.Access != twin.Access {
				t.Errorf("%s differs from %s", r.ID(), twin.ID())
			}
		case r.On(Machine) && !r.On(REST):
			if !strings.Contains(r.Path, "/conferences") && r.Access != Secret {
				t.Errorf("%s: unexpected machine-only route", r.ID())
			}
		}
	}
	// Flexisip's conference calls (src/flexiapi/flexi-stats.cc), under
	// both prefixes.
	for _, p := range []string{"/api/stats/", "/api/statistics/"} {
		for _, call := range [][2]string{
			{"POST", "conferences"},
			{"PATCH", "conferences/c0nf"},
			{"POST", "conferences/c0nf/participants/alice@sip.example.org/events"},
			{"POST", "conferences/c0nf/participants/alice@sip.example.org/devices/%22%3Curn:uuid:1%3E%22/events"},
		} {
			m, err := Routes.On(Machine).Match(call[0], p+call[1])
			if err != nil || m.Route.Handler != "StatisticsConferenceEvent" {
				t.Errorf("%s %s%s: not a conference route of the machine API (%v)", call[0], p, call[1], err)
			}
		}
	}
}

func TestTableRejectsBadAPIs(t *testing.T) {
	for name, r := range map[string]Route{
		"unknown API":          {Method: "GET", Path: "/api/x", Group: "g", Access: Public, Handler: "A", APIs: []API{"soap"}},
		"repeated API":         {Method: "GET", Path: "/api/x", Group: "g", Access: Public, Handler: "A", APIs: []API{Machine, Machine}},
		"secret route on REST": {Method: "GET", Path: "/api/x", Group: "g", Access: Secret, Handler: "A"},
	} {
		if _, err := NewTable([]Route{r}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// keysFake is a hand-written fake of the key authenticator (the real one,
// shared/authn, is tested there and end to end): a key maps to a
// principal; "down" is a failed dependency.
type keysFake map[string]*Principal

func (f keysFake) APIKeyPrincipal(_ context.Context, h http.Header) (*Principal, *Error, error) {
	key, ok := h["X-Api-Key"]
	switch {
	case !ok:
		return nil, Abort(http.StatusUnauthorized, MsgNoCredentials), nil
	case key[0] == "down":
		return nil, nil, &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	case f[key[0]] == nil:
		return nil, Abort(http.StatusUnauthorized, MsgInvalidAPIKey), nil
	}
	return f[key[0]], nil, nil
}

func machineTable(t *testing.T) *Table {
	t.Helper()
	tb, err := NewTable([]Route{
		{Method: "POST", Path: "/api/statistics/calls", Group: "g", Access: Admin, Handler: "Call", APIs: []API{REST, Machine}},
		{Method: "POST", Path: "/api/stats/calls", Group: "g", Access: Admin, Handler: "Call", APIs: []API{Machine}},
		{Method: "GET", Path: "/api/accounts/me", Group: "g", Access: User, Handler: "Me"},
		{Method: "GET", Path: "/api/check", Group: "g", Access: Secret, Handler: "Check", APIs: []API{Machine}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestRouterMachine(t *testing.T) {
	tb := machineTable(t)
	var got *Request
	ok := func(_ context.Context, r *Request) (*Response, error) { got = r; return Text(200, "1"), nil }
	keys := keysFake{
		"admin-key":   {AccountID: 1, Admin: true, Method: "api_key"},
		"user-key":    {AccountID: 2, Method: "api_key"},
		"blocked-key": {AccountID: 3, Admin: true, Blocked: true, Method: "api_key"},
	}
	secret := "the-secret"
	rt, err := NewRouter(tb, "g", map[string]Handler{"Call": ok, "Me": ok, "Check": ok},
		RouterOptions{Keys: keys, SecretOK: func(s string) bool { return s == secret }})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(api API, method, resource, query string, h http.Header, authz map[string]string) *Response {
		got = nil
		q, _ := url.ParseQuery(query)
		return rt.Serve(context.Background(), resource, nil, &Request{API: api, Method: method, Path: resource,
			Query: q, Header: h, Authorizer: authz})
	}
	key := func(k string) http.Header { return http.Header{"X-Api-Key": {k}} }
	admin := PrincipalContext(Principal{AccountID: 1, Admin: true})
	cases := []struct {
		name             string
		api              API
		method, resource string
		query            string
		h                http.Header
		authz            map[string]string
		status           int
		message          string
	}{
		{"machine, admin key", Machine, "POST", "/api/stats/calls", "", key("admin-key"), nil, 200, ""},
		{"machine, both prefixes", Machine, "POST", "/api/statistics/calls", "", key("admin-key"), nil, 200, ""},
		{"machine, no key", Machine, "POST", "/api/stats/calls", "", http.Header{}, nil, 401, MsgNoCredentials},
		{"machine, wrong key", Machine, "POST", "/api/stats/calls", "", key("nope"), nil, 401, MsgInvalidAPIKey},
		{"machine, non-admin key", Machine, "POST", "/api/stats/calls", "", key("user-key"), nil, 403, MsgUnauthorizedArea},
		{"machine, blocked admin", Machine, "POST", "/api/stats/calls", "", key("blocked-key"), nil, 403, MsgBlocked},
		{"machine, table down", Machine, "POST", "/api/stats/calls", "", key("down"), nil, 503, "Service Unavailable"},
		{"machine ignores an authorizer context", Machine, "POST", "/api/stats/calls", "", http.Header{}, admin, 401, MsgNoCredentials},
		{"machine, a REST-only route", Machine, "GET", "/api/accounts/me", "", key("admin-key"), nil, 404, "Not Found"},
		{"REST, a machine-only route", REST, "POST", "/api/stats/calls", "", key("admin-key"), admin, 404, "The route api/stats/calls could not be found."},
		{"REST still trusts its authorizer", REST, "POST", "/api/statistics/calls", "", http.Header{}, admin, 200, ""},
		{"REST never reads the key itself", REST, "POST", "/api/statistics/calls", "", key("admin-key"), nil, 500, "Server Error"},
		{"secret, right", Machine, "GET", "/api/check", "secret=the-secret&x=1", http.Header{}, nil, 200, ""},
		{"secret, wrong", Machine, "GET", "/api/check", "secret=the-secreT", http.Header{}, nil, 403, MsgForbidden},
		{"secret, missing", Machine, "GET", "/api/check", "", key("admin-key"), admin, 403, MsgForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := serve(c.api, c.method, c.resource, c.query, c.h, c.authz)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d (%s)", r.Status, c.status, r.Body)
			}
			if c.status >= 400 {
				var body map[string]any
				if err := json.Unmarshal(r.Body, &body); err != nil || body["message"] != c.message {
					t.Fatalf("body %s, want message %q", r.Body, c.message)
				}
				if got != nil {
					t.Fatal("the handler ran")
				}
			}
		})
	}
	if r := serve(Machine, "POST", "/api/stats/calls", "", key("admin-key"), nil); r.Status != 200 || got.Principal == nil || got.Principal.AccountID != 1 || got.API != Machine {
		t.Fatalf("principal not passed: %+v", got)
	}
}

// A group that serves a protected machine route needs the key
// authenticator; one that serves a secret route needs the secret check.
func TestRouterChecksMachineWiring(t *testing.T) {
	tb := machineTable(t)
	handlers := map[string]Handler{"Call": nil, "Me": nil, "Check": nil}
	if _, err := NewRouter(tb, "g", handlers, RouterOptions{SecretOK: func(string) bool { return false }}); err == nil || !strings.Contains(err.Error(), "no key authenticator") {
		t.Fatalf("no key authenticator accepted: %v", err)
	}
	if _, err := NewRouter(tb, "g", handlers, RouterOptions{Keys: keysFake{}}); err == nil || !strings.Contains(err.Error(), "no secret check") {
		t.Fatalf("no secret check accepted: %v", err)
	}
}
