package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// TestRouterFacts: a body that fails, or whose handler finds a value
// taken, is validated again with the facts of its store rules, so that the
// 422 lists every failure in field order; without facts (or when they
// cannot be read) the first answer stands.
func TestRouterFacts(t *testing.T) {
	tb := testTable(t)
	schema := validate.Schema{Steps: []validate.Step{{
		{Name: "username", Rules: []validate.Rule{validate.Required(), validate.StoreRule("unique", "taken", "The username has already been taken.")}},
		{Name: "token", Rules: []validate.Rule{validate.Required()}},
	}}}
	handlers := map[string]Handler{}
	for _, r := range tb.Routes() {
		handlers[r.Handler] = func(context.Context, *Request) (*Response, error) {
			return nil, InvalidField("username", "The username has already been taken.")
		}
	}
	var lookups int
	facts := func(taken bool, fail error) map[string]FactsFunc {
		return map[string]FactsFunc{"create": func(_ context.Context, _ *Request, in validate.Input) (validate.Facts, error) {
			lookups++
			return validate.Facts{"taken": taken}, fail
		}}
	}
	fields := func(rt *Router, body string) []string {
		t.Helper()
		r := rt.Serve(context.Background(), "/api/accounts", nil, &Request{Method: "POST", Path: "/api/accounts",
			Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body),
			Authorizer: PrincipalContext(Principal{AccountID: 1, Admin: true})})
		if r.Status != 422 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var out struct{ Errors map[string]any }
		if err := json.Unmarshal(r.Body, &out); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, n := range []string{"username", "token"} {
			if out.Errors[n] != nil {
				names = append(names, n)
			}
		}
		return names
	}
	router := func(f map[string]FactsFunc) *Router {
		rt, err := NewRouter(tb, "g", handlers, RouterOptions{Schemas: Schemas{"create": schema}, Facts: f, GateOn: func(Gate) bool { return true }})
		if err != nil {
			t.Fatal(err)
		}
		return rt
	}
	for _, c := range []struct {
		name  string
		facts map[string]FactsFunc
		body  string
		want  []string
	}{
		{"no facts", nil, `{"username":"x"}`, []string{"token"}},
		{"taken beside the missing token", facts(true, nil), `{"username":"x"}`, []string{"username", "token"}},
		{"nothing taken", facts(false, nil), `{"username":"x"}`, []string{"token"}},
		{"facts not readable", facts(true, errors.New("down")), `{"username":"x"}`, []string{"token"}},
		{"the handler's 422 stands when the body is fine", facts(false, nil), `{"username":"x","token":"t"}`, []string{"username"}},
	} {
		if got := fields(router(c.facts), c.body); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: fields %v, want %v", c.name, got, c.want)
		}
	}
	if lookups == 0 {
		t.Fatal("the facts were never looked up")
	}
}
