package metaapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/accountapi"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
	"github.com/flexiapi-serverless/flexiapi/shared/openapi"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
)

func testDocs(t testing.TB) *Docs {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"APP_KEY": "k", "APP_URL": "https://flexiapi.example.org"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := NewDocs(api.Routes, openapi.Info{Title: "Test API", ServerURL: cfg.AppURL}, accountapi.Schemas(cfg), statsapi.Schemas(), resourceapi.Schemas(cfg), messageapi.Schemas())
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func testRouter(t *testing.T, docs *Docs) *api.Router {
	t.Helper()
	// The router refuses a route of the group without a handler, and a
	// handler without a route.
	rt, err := api.NewRouter(api.Routes, api.GroupMeta, Handlers(docs), api.RouterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func serve(rt *api.Router, method, path, baseURL string) *api.Response {
	return rt.Serve(context.Background(), path, nil, &api.Request{Method: method, Path: path, BaseURL: baseURL,
		Header: http.Header{}})
}

func TestDocumentationRoutes(t *testing.T) {
	rt := testRouter(t, testDocs(t))
	const base = "https://abc.execute-api.eu-west-3.amazonaws.com/prod"

	r := serve(rt, "GET", "/api/openapi.json", base)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi.json: %d %v", r.Status, r.Header)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != base {
		t.Fatalf("openapi %q, servers %+v", doc.OpenAPI, doc.Servers)
	}
	if len(doc.Paths) == 0 || doc.Paths["/api/openapi.json"] == nil || doc.Paths["/api"] == nil {
		t.Fatalf("paths: %v", doc.Paths)
	}

	r = serve(rt, "GET", "/api", base)
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/html; charset=UTF-8" {
		t.Fatalf("page: %d %v", r.Status, r.Header)
	}
	page := string(r.Body)
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, "<code>"+base+"</code>") ||
		!strings.Contains(page, `href="`+base+`/api/openapi.json"`) || strings.Contains(page, serverPlaceholder) {
		t.Fatalf("page: %.300s", page)
	}

	for _, path := range []string{"/api", "/api/openapi.json"} {
		h := serve(rt, "HEAD", path, base)
		if h.Status != 200 || len(h.Body) != 0 || h.Header.Get("Content-Type") == "" {
			t.Errorf("HEAD %s: %d %v %d bytes", path, h.Status, h.Header, len(h.Body))
		}
	}
	if p := serve(rt, "GET", "/api/ping", base); p.Status != 200 || string(p.Body) != "pong" {
		t.Errorf("ping: %d %q", p.Status, p.Body)
	}
}

func TestServerURL(t *testing.T) {
	docs := testDocs(t)
	url := func(body []byte) string {
		var doc struct {
			Servers []struct {
				URL string `json:"url"`
			} `json:"servers"`
		}
		if err := json.Unmarshal(body, &doc); err != nil || len(doc.Servers) != 1 {
			t.Fatalf("servers: %v %s", err, body[:200])
		}
		return doc.Servers[0].URL
	}
	if got := url(mustDoc(docs.OpenAPI(""))); got != "https://flexiapi.example.org" {
		t.Errorf("without a base URL the document uses APP_URL, got %q", got)
	}
	if !strings.Contains(string(mustDoc(docs.Page(""))), "<code>https://flexiapi.example.org</code>") {
		t.Error("without a base URL the page uses APP_URL")
	}
	// A base URL comes from the Host and X-Forwarded-Proto headers: it is
	// escaped in both outputs, and only an http(s) URL is used.
	hostile := `http://evil.example"><script>alert(1)</script>`
	for _, u := range []string{hostile, "https://a.example/prod?x=<b>"} {
		if got := url(mustDoc(docs.OpenAPI(u))); got != u && got != "https://flexiapi.example.org" {
			t.Errorf("server URL %q for %q", got, u)
		}
		if p := string(mustDoc(docs.Page(u))); strings.Contains(p, "<script>") || strings.Contains(p, "<b>") {
			t.Errorf("the base URL %q is not escaped in the page", u)
		}
	}
	for _, u := range []string{"javascript://x%0Aalert(1)", "//evil.example", "https://user:pw@evil.example", "ftp://x"} {
		if got := url(mustDoc(docs.OpenAPI(u))); got != "https://flexiapi.example.org" {
			t.Errorf("%q: server URL %q, want APP_URL", u, got)
		}
		if p := string(mustDoc(docs.Page(u))); strings.Contains(p, "evil") || strings.Contains(p, "javascript") {
			t.Errorf("%q reached the page", u)
		}
	}
	if p := string(mustDoc(docs.Page("https://a.example/prod"))); !strings.Contains(p, `href="https://a.example/prod/api/openapi.json"`) {
		t.Error("the link to the document must keep the stage prefix")
	}
}

func TestNewDocsRefusesDuplicateSchemas(t *testing.T) {
	cfg, err := config.Load(func(k string) string { return map[string]string{"APP_KEY": "k"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	s := accountapi.Schemas(cfg)
	if _, err := NewDocs(api.Routes, openapi.Info{}, s, s); err == nil {
		t.Fatal("a schema declared by two groups must be refused")
	}
	if _, err := NewDocs(api.Routes, openapi.Info{}); err == nil {
		t.Fatal("a route body without its schema must be refused")
	}
}

// TestRenderedOnFirstUse: building the docs at init renders nothing (the
// meta function's cold start is ping's); the first request renders once.
func TestRenderedOnFirstUse(t *testing.T) {
	docs := testDocs(t)
	if docs.openapi != nil || docs.page != nil {
		t.Fatal("NewDocs rendered the documentation")
	}
	first := mustDoc(docs.OpenAPI("https://x"))
	again := mustDoc(docs.Page("https://x"))
	if len(first) == 0 || len(again) == 0 || docs.openapi == nil {
		t.Fatal("not rendered on first use")
	}
}

func BenchmarkRenderDocs(b *testing.B) {
	for i := 0; i < b.N; i++ {
		mustDoc(testDocs(b).OpenAPI("https://x"))
	}
}

func BenchmarkServeOpenAPI(b *testing.B) {
	docs := testDocs(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = mustDoc(docs.OpenAPI("https://abc.execute-api.eu-west-3.amazonaws.com/prod"))
	}
}

func mustDoc(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
