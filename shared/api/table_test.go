package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

func testTable(t *testing.T) *Table {
	t.Helper()
	tb, err := NewTable([]Route{
		{Method: "GET", Path: "/api/ping", Group: "g", Access: Public, Handler: "Ping"},
		{Method: "GET", Path: "/api/accounts/me", Group: "g", Access: User, Handler: "Me"},
		{Method: "DELETE", Path: "/api/accounts/me", Group: "g", Access: User, Handler: "DeleteMe"},
		{Method: "GET", Path: "/api/accounts/{id}", Group: "g", Access: Admin, Handler: "Show"},
		{Method: "GET", Path: "/api/accounts/{sip}/info", Group: "g", Access: Public, Handler: "Info"},
		{Method: "POST", Path: "/api/accounts", Group: "g", Access: Admin, Handler: "Create", Body: "create"},
		{Method: "GET", Path: "/api/secret", Group: "g", Access: Public, Handler: "Secret", Gate: GateDangerous},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestGatewayNames(t *testing.T) {
	tb := testTable(t)
	info, _ := tb.ByGateway("GET", "/api/accounts/{id}/info")
	if info.Handler != "Info" {
		t.Fatalf("the {sip} sibling of {id} must take the name {id} in API Gateway: %+v", info)
	}
	if got := tb.RouteParams(info, map[string]string{"id": "bob@x"}); got["sip"] != "bob@x" {
		t.Fatalf("params renamed back: %v", got)
	}
	if _, ok := tb.ByGateway("HEAD", "/api/ping"); !ok {
		t.Fatal("HEAD finds GET")
	}
}

func TestMatch(t *testing.T) {
	tb := testTable(t)
	cases := []struct {
		method, path string
		handler      string
		params       map[string]string
		notFound     bool
		allowed      string
	}{
		{"GET", "/api/accounts/me", "Me", nil, false, ""},
		{"GET", "/api/accounts/me/", "Me", nil, false, ""},
		{"GET", "/api/accounts/42", "Show", map[string]string{"id": "42"}, false, ""},
		{"GET", "/api/accounts/bob@sip.example.org/info", "Info", map[string]string{"sip": "bob@sip.example.org"}, false, ""},
		{"GET", "/api/accounts/bob%40sip.example.org/info", "Info", map[string]string{"sip": "bob@sip.example.org"}, false, ""},
		{"HEAD", "/api/ping", "Ping", nil, false, ""},
		{"GET", "/api/nothing", "", nil, true, ""},
		{"GET", "/api/accounts/me/extra", "", nil, true, ""},
		{"POST", "/api/accounts/me", "", nil, false, "GET, HEAD, DELETE"},
		{"PATCH", "/api/ping", "", nil, false, "GET, HEAD"},
	}
	for _, c := range cases {
		m, err := tb.Match(c.method, c.path)
		switch {
		case c.handler != "":
			if err != nil || m.Route.Handler != c.handler {
				t.Errorf("%s %s: %+v %v", c.method, c.path, m.Route, err)
			}
			for k, v := range c.params {
				if m.Params[k] != v {
					t.Errorf("%s %s: param %s = %q", c.method, c.path, k, m.Params[k])
				}
			}
		case c.notFound:
			if err == nil || !err.NotFound {
				t.Errorf("%s %s: want 404, got %+v %v", c.method, c.path, m, err)
			}
		default:
			if err == nil || err.NotFound || strings.Join(err.Allowed, ", ") != c.allowed {
				t.Errorf("%s %s: want 405 %s, got %v", c.method, c.path, c.allowed, err)
			}
		}
	}
}

func TestTableRejectsConflicts(t *testing.T) {
	_, err := NewTable([]Route{
		{Method: "GET", Path: "/api/a/{id}", Group: "g", Access: Public, Handler: "A"},
		{Method: "GET", Path: "/api/a/{other}", Group: "g", Access: Public, Handler: "B"},
	})
	if err == nil {
		t.Fatal("two GETs on the same gateway resource must be refused")
	}
	if _, err := NewTable([]Route{{Method: "GET", Path: "/api/x", Group: "g", Access: "root", Handler: "A"}}); err == nil {
		t.Fatal("unknown access level accepted")
	}
}

func TestFallback(t *testing.T) {
	tb := testTable(t)
	off := func(Gate) bool { return false }
	r := FallbackResponse(tb, "GET", "/api/nothing", off)
	if r.Status != 404 || string(r.Body) != `{"message":"The route api/nothing could not be found."}` {
		t.Fatalf("404: %d %s", r.Status, r.Body)
	}
	r = FallbackResponse(tb, "POST", "/api/accounts/me", off)
	if r.Status != 405 || r.Header.Get("Allow") != "GET, HEAD, DELETE" ||
		string(r.Body) != `{"message":"The POST method is not supported for route api/accounts/me. Supported methods: GET, HEAD, DELETE."}` {
		t.Fatalf("405: %d %v %s", r.Status, r.Header, r.Body)
	}
	r = FallbackResponse(tb, "OPTIONS", "/api/accounts/me", off)
	if r.Status != 200 || r.Header.Get("Allow") != "GET,HEAD,DELETE" || len(r.Body) != 0 {
		t.Fatalf("OPTIONS: %d %v %q", r.Status, r.Header, r.Body)
	}
	if r := FallbackResponse(tb, "GET", "/api/secret", off); r.Status != 404 {
		t.Fatalf("a disabled route is unknown: %d", r.Status)
	}
}

func TestRouter(t *testing.T) {
	tb := testTable(t)
	var got *Request
	handlers := map[string]Handler{}
	for _, r := range tb.Routes() {
		handlers[r.Handler] = func(_ context.Context, r *Request) (*Response, error) {
			got = r
			if r.Route.Handler == "Secret" {
				panic("boom")
			}
			return Text(200, "ok"), nil
		}
	}
	schema := validate.Schema{Steps: []validate.Step{{{Name: "username", Rules: []validate.Rule{validate.Required()}}}}}
	rt, err := NewRouter(tb, "g", handlers, RouterOptions{Schemas: Schemas{"create": schema}, GateOn: func(Gate) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	admin := PrincipalContext(Principal{AccountID: 1, Admin: true})
	user := PrincipalContext(Principal{AccountID: 2})
	blocked := PrincipalContext(Principal{AccountID: 3, Admin: true, Blocked: true})
	serve := func(method, resource, body string, ctx map[string]string) *Response {
		return rt.Serve(context.Background(), resource, nil, &Request{Method: method, Path: resource,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body), Authorizer: ctx})
	}
	cases := []struct {
		name             string
		method, resource string
		body             string
		ctx              map[string]string
		status           int
		message          string
	}{
		{"public", "GET", "/api/ping", "", nil, 200, ""},
		{"user route, user", "GET", "/api/accounts/me", "", user, 200, ""},
		{"admin route, user", "GET", "/api/accounts/{id}", "", user, 403, MsgUnauthorizedArea},
		{"blocked admin", "GET", "/api/accounts/{id}", "", blocked, 403, MsgBlocked},
		{"error from the authorizer", "GET", "/api/accounts/me", "", ErrorContext(Abort(403, "Expired JWT token")), 403, "Expired JWT token"},
		{"no authorizer context is a deployment bug", "GET", "/api/accounts/me", "", nil, 500, "Server Error"},
		{"malformed JSON", "POST", "/api/accounts", `{"username":`, admin, 400, ""},
		{"JSON that is not an object", "POST", "/api/accounts", `[1,2]`, admin, 400, ""},
		{"validation", "POST", "/api/accounts", `{}`, admin, 422, "The username field is required."},
		{"valid body", "POST", "/api/accounts", `{"username":"x"}`, admin, 200, ""},
		{"panic is a 500", "GET", "/api/secret", "", nil, 500, "Server Error"},
		{"unknown resource", "GET", "/{proxy+}", "", nil, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := serve(c.method, c.resource, c.body, c.ctx)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d (%s)", r.Status, c.status, r.Body)
			}
			if c.status >= 400 {
				var body map[string]any
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("error body is not JSON: %q", r.Body)
				}
				if c.message != "" && body["message"] != c.message {
					t.Fatalf("message %q, want %q", body["message"], c.message)
				}
			}
		})
	}
	if r := serve("GET", "/api/accounts/me", "", user); r.Status != 200 || got.Principal == nil || got.Principal.AccountID != 2 {
		t.Fatalf("principal not passed: %+v", got.Principal)
	}
	if r := serve("HEAD", "/api/ping", "", nil); r.Status != 200 || len(r.Body) != 0 {
		t.Fatalf("HEAD keeps no body: %q", r.Body)
	}
}

// Each wiring mistake of a group stops its router, naming the mistake.
func TestRouterChecksWiring(t *testing.T) {
	tb := testTable(t)
	full := func() map[string]Handler {
		out := map[string]Handler{}
		for _, r := range tb.Group("g") {
			out[r.Handler] = func(context.Context, *Request) (*Response, error) { return nil, nil }
		}
		return out
	}
	schemas := Schemas{"create": validate.Schema{}}
	if _, err := NewRouter(tb, "g", full(), RouterOptions{Schemas: schemas}); err != nil {
		t.Fatalf("the complete wiring is refused: %v", err)
	}
	missing := full()
	delete(missing, "Ping")
	extra := full()
	extra["Orphan"] = nil
	cases := []struct {
		name     string
		handlers map[string]Handler
		schemas  Schemas
		want     string
	}{
		{"route without a handler", missing, schemas, `no handler "Ping"`},
		{"handler without a route", extra, schemas, `handler "Orphan" serves no route`},
		{"body without a schema", full(), Schemas{}, `no schema "create"`},
		{"schema without a route", full(), Schemas{"create": {}, "stale": {}}, `schema "stale" is the body of no route`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewRouter(tb, "g", c.handlers, RouterOptions{Schemas: c.schemas})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one naming %s", err, c.want)
			}
		})
	}
}

// A name that two parts of a group declare stops the merge.
func TestMergeRefusesDuplicates(t *testing.T) {
	a := map[string]Handler{"Ping": nil, "Create": nil}
	b := map[string]Handler{"Create": nil}
	if got := Merge(a, map[string]Handler{"Other": nil}); len(got) != 3 {
		t.Fatalf("merged %d handlers, want 3", len(got))
	}
	defer func() {
		p := recover()
		if p == nil || !strings.Contains(fmt.Sprint(p), `"Create"`) {
			t.Fatalf("a duplicate was merged: %v", p)
		}
	}()
	Merge(a, b)
}

func TestProductionTable(t *testing.T) {
	for _, r := range Routes.Routes() {
		if r.Summary == "" || r.Tag == "" || r.Status == 0 || r.Response == "" {
			t.Errorf("%s: summary, tag, status and response are needed by the documentation", r.ID())
		}
		found := false
		for _, g := range Groups {
			found = found || g == r.Group
		}
		if !found {
			t.Errorf("%s: unknown group %q", r.ID(), r.Group)
		}
		for _, p := range r.ParamNames() {
			if r.Params[p] == "" {
				t.Errorf("%s: parameter %s is not documented", r.ID(), p)
			}
		}
	}
}

func TestGatewayResponseRender(t *testing.T) {
	g, _ := GatewayResponseFor(GWAccessDenied)
	status, h, body := g.Render(map[string]string{"challenge": `Digest realm="x"`, "message": "Nonce replayed"}, "", 403)
	if status != 401 || h["WWW-Authenticate"] != `Digest realm="x"` || body != `{"message":"Nonce replayed"}` {
		t.Fatalf("%d %v %s", status, h, body)
	}
	_, h, _ = g.Render(map[string]string{"message": "x"}, "", 403)
	if _, ok := h["WWW-Authenticate"]; ok {
		t.Fatal("an empty challenge must not produce a header")
	}
	d, _ := GatewayResponseFor(GWDefault4XX)
	status, _, body = d.Render(nil, `Missing "x"`, 413)
	if status != 413 || body != `{"message":"Missing \"x\""}` {
		t.Fatalf("%d %s", status, body)
	}
}
