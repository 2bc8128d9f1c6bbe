package apigw_test

// The URLs an answer hands out (provisioning, QR code, validation page)
// come from the request when APP_URL is unset: the execute-api host and
// its stage, or a custom domain with or without a base path mapping.

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioningapi"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
)

// resourcesRouter is the resources function's router, wired as
// functions/resources does, without a table: GET /provisioning reads none.
func resourcesRouter(t *testing.T, cfg *config.Config) *api.Router {
	t.Helper()
	accounts := account.NewService(nil, cfg)
	resources := resource.NewService(nil, accounts)
	rt, err := api.NewRouter(api.Routes, api.GroupResources,
		api.Merge(resourceapi.Handlers(resources), provisioningapi.Handlers(provisioning.NewService(nil, accounts), accounts, resources)),
		api.RouterOptions{GateOn: apigw.GateOn(cfg), Logger: discardLogger(),
			Schemas: api.Merge(resourceapi.RouterSchemas(cfg), provisioningapi.Schemas(cfg))})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func configWith(t *testing.T, appURL string) *config.Config {
	t.Helper()
	env := map[string]string{"APP_KEY": "base64:events-test-key-0123456789abcdefghijklmnop", "APP_SIP_DOMAIN": fixtureDomain, "APP_URL": appURL}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The sample event of a Linphone app provisioning through the custom
// domain: without APP_URL the XML's vCard URL is on that domain, with no
// stage; with APP_URL it is APP_URL's.
func TestCustomDomainEventLinks(t *testing.T) {
	var ev events.APIGatewayProxyRequest
	readEvent(t, "proxy-provisioning-custom-domain.json", &ev)
	req := apigw.Request(context.Background(), ev)
	if req.BaseURL != "https://flexiapi.example.org" || req.Path != "/provisioning" {
		t.Fatalf("BaseURL %q, Path %q", req.BaseURL, req.Path)
	}
	for appURL, want := range map[string]string{
		"":                             "https://flexiapi.example.org/contacts/vcard",
		"https://accounts.example.net": "https://accounts.example.net/contacts/vcard",
	} {
		resp, err := apigw.ProxyHandler(resourcesRouter(t, configWith(t, appURL)))(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !strings.Contains(resp.Body, ">"+want+"<") {
			t.Errorf("APP_URL %q: %d, want the vCard URL %s in\n%s", appURL, resp.StatusCode, want, resp.Body)
		}
		if strings.Contains(resp.Body, "/prod/") || strings.Contains(resp.Body, "execute-api") {
			t.Errorf("APP_URL %q: a stage or the execute-api host in %s", appURL, resp.Body)
		}
	}
}

// Base and path of a request on each kind of host: API Gateway strips the
// stage on execute-api, nothing at a custom domain's root, and leaves a
// base path in both path fields (the prefix is what precedes the segments
// the resource matched).
func TestBaseURLPerHost(t *testing.T) {
	tests := []struct {
		name, host, resource, path, fullPath string
		params                               map[string]string
		base, wantPath                       string
	}{
		{"execute-api", "k7x2m9q4ra.execute-api.eu-west-1.amazonaws.com", "/provisioning/{provisioning_token}", "/provisioning/abc", "/prod/provisioning/abc",
			map[string]string{"provisioning_token": "abc"}, "https://k7x2m9q4ra.execute-api.eu-west-1.amazonaws.com/prod", "/provisioning/abc"},
		{"custom domain at the root", "flexiapi.example.org", "/provisioning/{provisioning_token}", "/provisioning/abc", "/provisioning/abc",
			map[string]string{"provisioning_token": "abc"}, "https://flexiapi.example.org", "/provisioning/abc"},
		{"custom domain under a base path", "example.org", "/provisioning/{provisioning_token}", "/flexiapi/provisioning/abc", "/flexiapi/provisioning/abc",
			map[string]string{"provisioning_token": "abc"}, "https://example.org/flexiapi", "/provisioning/abc"},
		{"two-segment base path, greedy resource", "example.org", "/{proxy+}", "/a/b/api/nothing/here", "/a/b/api/nothing/here",
			map[string]string{"proxy": "api/nothing/here"}, "https://example.org/a/b", "/api/nothing/here"},
		{"root resource under a base path", "example.org", "/", "/flexiapi", "/flexiapi",
			nil, "https://example.org/flexiapi", "/"},
		{"trailing slash", "example.org", "/api/accounts", "/v1/api/accounts/", "/v1/api/accounts/",
			nil, "https://example.org/v1", "/api/accounts/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := events.APIGatewayProxyRequest{
				Resource: tc.resource, Path: tc.path, HTTPMethod: "GET", PathParameters: tc.params,
				Headers:        map[string]string{"Host": tc.host, "X-Forwarded-Proto": "https"},
				RequestContext: events.APIGatewayProxyRequestContext{Path: tc.fullPath, Stage: "prod", DomainName: tc.host},
			}
			req := apigw.Request(context.Background(), ev)
			if req.BaseURL != tc.base || req.Path != tc.wantPath {
				t.Errorf("BaseURL %q Path %q, want %q %q", req.BaseURL, req.Path, tc.base, tc.wantPath)
			}
			if got := req.LinkBase(""); got != tc.base {
				t.Errorf("LinkBase without APP_URL = %q", got)
			}
			if got := req.LinkBase("https://a.example"); got != "https://a.example" {
				t.Errorf("LinkBase with APP_URL = %q", got)
			}
		})
	}
}
