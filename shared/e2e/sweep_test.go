//go:build integration

package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// TestNoServerErrorOnAnyRoute sends every route of the table, as an admin,
// path values and bodies a careless or hostile client sends, and requires
// an answer below 500 every time (a 500 is always a bug), with a JSON body
// under /api.
func TestNoServerErrorOnAnyRoute(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true"})
	values := []string{"abc", "0", "-1", "99999999999999999999", "1.5", "<urn:uuid:0>", "a@b", strings.Repeat("x", 3000), "%00", "%FF%FE"}
	bodies := []string{"", "{", "[]", "null", `"text"`, `{"id":[1],"username":{},"password":1,"email":[],"phone":true,"dictionary":"x","from":1,"to":[],"initiated_at":"never"}`}
	for _, r := range api.Routes.Routes() {
		for i, v := range values {
			path := r.Path
			for _, p := range r.ParamNames() {
				val := v
				if !strings.HasPrefix(v, "%") {
					val = url.PathEscape(v)
				}
				path = strings.Replace(path, "{"+p+"}", val, 1)
			}
			body := bodies[i%len(bodies)]
			for _, h := range []header{{"X-Api-Key": e.admin.Key}, {"From": "sip:" + v + "@" + domain}} {
				resp := e.do(r.Method, path, h, body)
				if resp.Status >= 500 {
					t.Errorf("%s %s (body %.40q, %v): %d %.200s", r.Method, path[:min(len(path), 120)], body, keysOfHeader(h), resp.Status, resp.Body)
				}
				if strings.HasPrefix(r.Path, "/api") && resp.Status >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
					t.Errorf("%s %s: %d with Content-Type %q", r.Method, path[:min(len(path), 120)], resp.Status, resp.Header.Get("Content-Type"))
				}
			}
		}
	}
	if t.Failed() {
		fmt.Println(e.logs.String())
	}
}

func keysOfHeader(h header) []string {
	var out []string
	for k := range h {
		out = append(out, k)
	}
	return out
}
