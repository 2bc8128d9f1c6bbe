package apigw_test

// The machine API's events (an HTTP API, payload format 1.0): the same
// adapter, told apart by their "version" member.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/extauth"
	"github.com/flexiapi-serverless/flexiapi/shared/extauthapi"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
)

func TestMachineEvents(t *testing.T) {
	for _, c := range []struct {
		file, method, resource string
		header                 map[string]string
		query                  map[string]string
	}{
		{"machine-stats-call.json", "POST", "/api/stats/calls",
			map[string]string{"X-Api-Key": fixtureAPIKey, "Content-Type": "application/json", "Accept": "application/json"}, nil},
		{"machine-extauth.json", "GET", "/api/flexisip/auth", nil,
			// Decoded, as API Gateway passes them: Flexisip escaped the
			// nonce's "+", "/" and "=" (and "null" stays the text null).
			map[string]string{"nonce": "Lx8v+2Qb/Zk3JmW9aT1e7g==", "qop": "auth", "opaque": "null", "username": "alice01"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			var ev apigw.Event
			readEvent(t, c.file, &ev)
			if ev.API() != api.Machine {
				t.Fatalf("version %q: not read as the machine API's event", ev.Version)
			}
			route, ok := api.Routes.On(api.Machine).ByGateway(ev.HTTPMethod, ev.Resource)
			if !ok || route.Method != c.method || !route.On(api.Machine) {
				t.Fatalf("no machine route for %s %s", ev.HTTPMethod, ev.Resource)
			}
			req := apigw.Request(context.Background(), ev.APIGatewayProxyRequest)
			for k, v := range c.header {
				if got := req.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			for k, v := range c.query {
				if got := req.Query.Get(k); got != v {
					t.Errorf("query %s = %q, want %q", k, got, v)
				}
			}
		})
	}
	var rest apigw.Event
	readEvent(t, "proxy-accounts-me-apikey.json", &rest)
	if rest.API() != api.REST {
		t.Fatal("a REST API event read as the machine API's")
	}
}

// Through the extauth function's router: the fixture's secret opens the
// route, a wrong one is an HTTP 403 before anything is read, and the
// handler answers in the plugin's format.
func TestMachineExtAuthEvent(t *testing.T) {
	var ev apigw.Event
	readEvent(t, "machine-extauth.json", &ev)
	secret := ev.QueryStringParameters[api.SecretParam]
	rt, err := api.NewRouter(api.Routes, api.GroupExtAuth, extauthapi.Handlers(extauth.NewChecker(nil, testConfig(t))),
		api.RouterOptions{SecretOK: func(s string) bool { return auth.SecretMatches(s, []string{"another-secret-of-32-characters!!"}) }, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := apigw.ProxyHandler(rt)(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	if resp.StatusCode != http.StatusForbidden || json.Unmarshal([]byte(resp.Body), &body) != nil || body["message"] != api.MsgForbidden {
		t.Fatalf("a wrong secret: %d %s", resp.StatusCode, resp.Body)
	}
	if secret == "" {
		t.Fatal("the fixture carries no secret")
	}
}

// keysRefuse is a hand-written fake key authenticator that refuses every
// key (the real one needs the table; the RIE run uses it).
type keysRefuse struct{}

func (keysRefuse) APIKeyPrincipal(context.Context, http.Header) (*api.Principal, *api.Error, error) {
	return nil, api.Abort(http.StatusUnauthorized, api.MsgInvalidAPIKey), nil
}

// The load balancer's event: its path routed here on the machine API's
// table (the key check ran: the route matched), its status described.
func TestALBEvent(t *testing.T) {
	var ev apigw.Event
	readEvent(t, "alb-stats-device.json", &ev, "requestContext.elb.targetGroupArn")
	if ev.TargetGroupARN == "" || ev.API() != api.Machine {
		t.Fatalf("not read as a load balancer's event: %+v", ev)
	}
	rt, err := api.NewRouter(api.Routes, api.GroupStatistics, statsapi.Handlers(nil, testConfig(t)),
		api.RouterOptions{Schemas: statsapi.Schemas(), Keys: keysRefuse{}, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := apigw.ProxyHandler(rt)(context.Background(), ev)
	if err != nil || resp.StatusCode != 401 || resp.StatusDescription != "401 Unauthorized" || !strings.Contains(resp.Body, api.MsgInvalidAPIKey) {
		t.Fatalf("%+v %v", resp, err)
	}
	ev.Path = "/api/nowhere"
	if resp, _ := apigw.ProxyHandler(rt)(context.Background(), ev); resp.StatusCode != 404 || resp.StatusDescription != "404 Not Found" {
		t.Fatalf("unknown path: %+v", resp)
	}
	// A load balancer does not decode the query string; the adapter does.
	ev.MultiValueQueryStringParameters = map[string][]string{"a%2Bb": {"c%20d"}}
	ev.Path = "/api/flexisip/auth"
	ext, err := api.NewRouter(api.Routes, api.GroupExtAuth, map[string]api.Handler{"FlexisipAuthCheck": func(_ context.Context, r *api.Request) (*api.Response, error) {
		return api.Text(200, r.Query.Get("a+b")), nil
	}}, api.RouterOptions{SecretOK: func(string) bool { return true }, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ev.HTTPMethod = "GET"
	if resp, _ := apigw.ProxyHandler(ext)(context.Background(), ev); resp.Body != "c d" {
		t.Fatalf("query: %+v", resp)
	}
}
