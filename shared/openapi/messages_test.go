package openapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
)

// withMessages adds the messages group's request schema.
func withMessages(base api.Schemas) api.Schemas {
	out := api.Schemas{}
	for _, part := range []api.Schemas{base, messageapi.Schemas()} {
		for k, v := range part {
			out[k] = v
		}
	}
	return out
}

// TestMessagesOperation: POST /api/messages is documented with its gate's
// real condition (two variables set, not "is true") and its answer.
func TestMessagesOperation(t *testing.T) {
	var routes []api.Route
	for _, r := range api.Routes.Routes() {
		if r.ID() == "POST /api/messages" {
			routes = append(routes, r)
		}
	}
	if len(routes) != 1 {
		t.Fatalf("%d POST /api/messages routes", len(routes))
	}
	raw, err := Document(api.MustTable(routes), messageapi.Schemas(), Info{Title: "t", ServerURL: "http://localhost"})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Description string                     `json:"description"`
			Gate        string                     `json:"x-gate"`
			Responses   map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/api/messages"]["post"]
	if op.Gate != "SIP_PROXY" || !strings.Contains(op.Description, "`SIP_PROXY` and `SIP_SENDER_URI` are set") ||
		strings.Contains(op.Description, "is `true`") {
		t.Errorf("gate %q, description %q", op.Gate, op.Description)
	}
	for _, code := range []string{"200", "404", "422"} {
		if _, ok := op.Responses[code]; !ok {
			t.Errorf("no %s response", code)
		}
	}
	if !strings.Contains(string(op.Responses["200"]), `"id"`) || !strings.Contains(string(op.Responses["404"]), "SIP_SENDER_URI") {
		t.Errorf("responses %s", raw)
	}
}
