//go:build integration

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// TestStatisticsLifecycle: what deletes statistics.
// An admin deletion removes what the account sent, not what it received;
// a self-deletion keeps everything.
func TestStatisticsLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	sender := e.newAccount("lifesender", "secret-pass", "SHA-256", false)
	self := e.newAccount("lifeself", "secret-pass", "SHA-256", false)
	sent, received, selfSent := statID("life-sent"), statID("life-received"), statID("life-self")
	post := func(id, from, to string) {
		expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+id+`","from":"`+from+`@`+domain+`","to":"`+to+`@`+domain+`","initiated_at":"2024-03-25T10:11:12Z"}`), 200)
	}
	post(sent, "lifesender", "mike")
	post(received, "mike", "lifesender")
	post(selfSent, "lifeself", "mike")
	expect(t, e.asAdmin("POST", "/api/statistics/messages", `{"id":"`+sent+`","from":"LifeSender@`+strings.ToUpper(domain)+`","sent_at":"2024-03-25T10:11:12Z","encrypted":false}`), 200)

	expect(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", sender.ID), ""), 200)
	if e.callItem(sent) != nil {
		t.Error("the deleted account's call survived")
	}
	if e.messageItem(sent) != nil {
		t.Error("the deleted account's message (sender spelt in another case, as MySQL's collation matches it) survived")
	}
	if e.callItem(received) == nil {
		t.Error("a call the deleted account only received was deleted")
	}

	expect(t, e.withKey(self.Key, "DELETE", "/api/accounts/me", ""), 200)
	if e.callItem(selfSent) == nil {
		t.Error("a self-deletion must keep the account's statistics, as FlexiAPI's")
	}
}

// TestStatisticsDocumented: the read-back routes are in the OpenAPI
// document and the /api page, marked as additions; FlexiAPI's routes are not.
func TestStatisticsDocumented(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/api/openapi.json", nil, "")
	expect(t, r, 200)
	paths := r.JSON(t)["paths"].(map[string]any)
	op := func(path, method string) map[string]any {
		p, ok := paths[path].(map[string]any)
		if !ok {
			t.Fatalf("%s is not documented", path)
		}
		return p[method].(map[string]any)
	}
	for _, p := range []string{"/api/statistics/counts", "/api/statistics/export/calls", "/api/statistics/export/messages"} {
		if op(p, "get")["x-addition"] != true {
			t.Errorf("GET %s is not marked as an addition", p)
		}
	}
	if _, marked := op("/api/statistics/calls", "post")["x-addition"]; marked {
		t.Error("FlexiAPI's POST /api/statistics/calls is marked as an addition")
	}
	page := e.do("GET", "/api", header{"Accept": "text/html"}, "")
	expect(t, page, 200)
	// Every route the table marks (the statistics read-back, and the
	// email confirmation of the accounts area), and no other.
	want := 0
	for _, r := range api.Routes.Routes() {
		if r.Addition {
			want++
		}
	}
	if want < 3 {
		t.Fatalf("the route table marks %d additions, want at least the 3 statistics read-back routes", want)
	}
	if n := strings.Count(page.Body, "Addition (not in FlexiAPI)"); n != want {
		t.Errorf("the /api page marks %d routes as additions, want %d", n, want)
	}
}
