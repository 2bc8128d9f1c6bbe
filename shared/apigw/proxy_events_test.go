package apigw_test

// The API Gateway proxy events of events/ through this package's adapter,
// the meta function's router and the accounts routes' guard.

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/accountapi"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
	"github.com/flexiapi-serverless/flexiapi/shared/metaapi"
	"github.com/flexiapi-serverless/flexiapi/shared/openapi"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
)

func TestProxyEvents(t *testing.T) {
	tests := []struct {
		file, method, path, resource string
		stage, requestID             string
		query                        map[string][]string
		header                       map[string]string
		authorizer                   map[string]string
	}{
		{
			file: "proxy-ping.json", method: "GET", path: "/api/ping", resource: "/api/ping",
			stage: "prod", requestID: "0f6b2c1e-8d4a-4f3b-9a7e-2c5d8b1f6e30",
			header: map[string]string{"User-Agent": "curl/8.5.0", "Accept": "*/*"},
		},
		{
			file: "proxy-accounts-me-apikey.json", method: "GET", path: "/api/accounts/me", resource: "/api/accounts/me",
			stage: "prod", requestID: "6a3e9d27-41c8-4b5f-8e2a-7d0c3f9b1a54",
			header: map[string]string{"X-Api-Key": fixtureAPIKey, "Accept": "application/json"},
			authorizer: map[string]string{
				api.CtxAccountID: "1", api.CtxUsername: "admin", api.CtxDomain: fixtureDomain,
				api.CtxAdmin: "true", api.CtxBlocked: "false", api.CtxMethod: "api_key",
				"principalId": "1", "integrationLatency": "38",
			},
		},
		{
			file: "proxy-create-account.json", method: "POST", path: "/api/accounts", resource: "/api/accounts",
			stage: "prod", requestID: "c41d7e90-2b6f-4a38-9e15-8f3a6c2d0b79",
			header: map[string]string{"Content-Type": "application/json", "X-Api-Key": fixtureAPIKey},
			authorizer: map[string]string{
				api.CtxAccountID: "1", api.CtxUsername: "admin", api.CtxDomain: fixtureDomain,
				api.CtxAdmin: "true", api.CtxBlocked: "false", api.CtxMethod: "api_key",
				"principalId": "1", "integrationLatency": "41",
			},
		},
		{
			file: "proxy-unknown-route.json", method: "GET", path: "/api/does-not-exist", resource: "/{proxy+}",
			stage: "prod", requestID: "9d2f4b61-7c3e-4e8a-b5d0-1a6f3c9e2b84",
			query:  map[string][]string{"tag": {"a", "b"}},
			header: map[string]string{"Accept": "application/json"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var ev events.APIGatewayProxyRequest
			readEvent(t, tc.file, &ev)
			if ev.HTTPMethod != tc.method || ev.Path != tc.path || ev.Resource != tc.resource {
				t.Errorf("event: %s %s (resource %s), want %s %s (%s)", ev.HTTPMethod, ev.Path, ev.Resource, tc.method, tc.path, tc.resource)
			}
			rc := ev.RequestContext
			if rc.Stage != tc.stage || rc.ResourcePath != tc.resource || rc.HTTPMethod != tc.method || rc.Path != "/prod"+tc.path {
				t.Errorf("requestContext: stage %q resourcePath %q httpMethod %q path %q", rc.Stage, rc.ResourcePath, rc.HTTPMethod, rc.Path)
			}
			// Both header maps carry the same headers, as API Gateway sends them.
			if len(ev.Headers) != len(ev.MultiValueHeaders) {
				t.Errorf("%d headers but %d multi-value headers", len(ev.Headers), len(ev.MultiValueHeaders))
			}
			for k, v := range ev.Headers {
				if mv := ev.MultiValueHeaders[k]; len(mv) == 0 || mv[len(mv)-1] != v {
					t.Errorf("header %s: %q, multi-value %q", k, v, mv)
				}
			}

			req := apigw.Request(context.Background(), ev)
			if req.Method != tc.method || req.Path != tc.path {
				t.Errorf("request: %s %s", req.Method, req.Path)
			}
			if req.SourceIP != fixtureIP {
				t.Errorf("SourceIP = %q, want %q", req.SourceIP, fixtureIP)
			}
			if req.RequestID != tc.requestID {
				t.Errorf("RequestID = %q, want %q", req.RequestID, tc.requestID)
			}
			if req.BaseURL != fixtureBaseURL {
				t.Errorf("BaseURL = %q, want %q (origin and stage prefix)", req.BaseURL, fixtureBaseURL)
			}
			for k, want := range tc.header {
				if got := req.Header.Get(k); got != want {
					t.Errorf("Header %s = %q, want %q", k, got, want)
				}
			}
			if tc.query == nil {
				tc.query = map[string][]string{}
			}
			if !reflect.DeepEqual(map[string][]string(req.Query), tc.query) {
				t.Errorf("Query = %v, want %v", req.Query, tc.query)
			}
			if tc.authorizer == nil {
				tc.authorizer = map[string]string{}
			}
			if !reflect.DeepEqual(req.Authorizer, tc.authorizer) {
				t.Errorf("Authorizer = %v, want %v", req.Authorizer, tc.authorizer)
			}
			if ev.Body == "" && len(req.Body) != 0 || ev.Body != "" && string(req.Body) != ev.Body {
				t.Errorf("Body = %q, event body %q", req.Body, ev.Body)
			}
		})
	}
}

// metaRouter is the meta function's router, built as functions/meta does.
func metaRouter(t *testing.T, cfg *config.Config) *api.Router {
	t.Helper()
	docs, err := metaapi.NewDocs(api.Routes, openapi.Info{Title: cfg.AppName + " API", ServerURL: cfg.AppURL, GateOn: apigw.GateOn(cfg)},
		accountapi.Schemas(cfg), statsapi.Schemas(), resourceapi.Schemas(cfg), messageapi.Schemas())
	if err != nil {
		t.Fatal(err)
	}
	rt, err := api.NewRouter(api.Routes.Deployed(apigw.GateOn(cfg)), api.GroupMeta, metaapi.Handlers(docs),
		api.RouterOptions{GateOn: apigw.GateOn(cfg), Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestProxyEventsThroughTheMetaFunction(t *testing.T) {
	handler := apigw.ProxyHandler(metaRouter(t, testConfig(t)))
	tests := []struct {
		file        string
		status      int
		contentType string
		body        string
	}{
		{"proxy-ping.json", http.StatusOK, api.ContentText, "pong"},
		{"proxy-unknown-route.json", http.StatusNotFound, api.ContentJSON, `{"message":"The route api/does-not-exist could not be found."}`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var ev apigw.Event
			readEvent(t, tc.file, &ev)
			resp, err := handler(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || resp.Body != tc.body || resp.IsBase64Encoded {
				t.Errorf("got %d %q (base64 %v), want %d %q", resp.StatusCode, resp.Body, resp.IsBase64Encoded, tc.status, tc.body)
			}
			if ct := resp.MultiValueHeaders["Content-Type"]; len(ct) != 1 || ct[0] != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tc.contentType)
			}
			if tc.contentType == api.ContentJSON && !json.Valid([]byte(resp.Body)) {
				t.Errorf("body is not JSON: %s", resp.Body)
			}
			// What the function returns must be a proxy response API Gateway accepts.
			out, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(strings.NewReader(string(out)))
			dec.DisallowUnknownFields()
			var back events.APIGatewayProxyResponse
			if err := dec.Decode(&back); err != nil {
				t.Errorf("response is not a proxy response: %v", err)
			}
		})
	}
}

// The accounts events: the guard turns their authorizer context into the
// admin principal, and the creation body passes the account.create rules.
func TestAccountsEventsGuardAndBody(t *testing.T) {
	cfg := testConfig(t)
	for _, file := range []string{"proxy-accounts-me-apikey.json", "proxy-create-account.json"} {
		t.Run(file, func(t *testing.T) {
			var ev events.APIGatewayProxyRequest
			readEvent(t, file, &ev)
			route, ok := api.Routes.ByGateway(ev.HTTPMethod, ev.Resource)
			if !ok {
				t.Fatalf("no route for %s %s", ev.HTTPMethod, ev.Resource)
			}
			if route.Group != api.GroupAccounts || !route.Access.Protected() {
				t.Fatalf("route %s: group %s, access %s", route.ID(), route.Group, route.Access)
			}
			req := apigw.Request(context.Background(), ev)
			p, deny := api.Guard(route, req.Authorizer)
			if deny != nil {
				t.Fatalf("guard answered %d %s", deny.Status, deny.Body)
			}
			want := api.Principal{AccountID: 1, Username: "admin", Domain: fixtureDomain, Admin: true, Method: "api_key"}
			if *p != want {
				t.Errorf("principal = %+v, want %+v", *p, want)
			}
			if route.Body == "" {
				return
			}
			in, err := req.Input()
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			schema, ok := accountapi.Schemas(cfg)[route.Body]
			if !ok {
				t.Fatalf("no schema %q", route.Body)
			}
			if errs := schema.Validate(in); errs != nil {
				t.Errorf("the body fails %s: %s", route.Body, errs.Message())
			}
			if u, _ := in.String("username"); u != "alice01" {
				t.Errorf("username = %q", u)
			}
		})
	}
}
