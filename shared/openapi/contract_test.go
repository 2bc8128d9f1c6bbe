package openapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// production renders the production document with the gates of gateOn.
func production(t *testing.T, gateOn func(api.Gate) bool) map[string]map[string]any {
	t.Helper()
	fx := fixtures(t)[0]
	info := testInfo
	info.GateOn = gateOn
	raw, err := Document(fx.table, fx.schemas, info)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return operations(doc)
}

func allOpen(api.Gate) bool { return true }

// TestRowsReachTheDocument: every input, header and answer a route row
// declares is in its operation, where a client generator looks for it.
func TestRowsReachTheDocument(t *testing.T) {
	ops := production(t, allOpen)
	checked := 0
	for _, r := range api.Routes.Routes() {
		op := ops[r.ID()]
		params := map[string]map[string]any{}
		for _, p := range asSlice(op["parameters"]) {
			p := p.(map[string]any)
			params[p["in"].(string)+":"+p["name"].(string)] = p
		}
		responses := op["responses"].(map[string]any)
		for _, in := range r.Inputs {
			checked++
			if in.In == api.InForm {
				form := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/x-www-form-urlencoded"].(map[string]any)
				if _, ok := form["schema"].(map[string]any)["properties"].(map[string]any)[in.Name]; !ok {
					t.Errorf("%s: form field %s not in the form body", r.ID(), in.Name)
				}
				continue
			}
			p, ok := params[in.In+":"+in.Name]
			if !ok {
				t.Errorf("%s: input %s (%s) is no parameter", r.ID(), in.Name, in.In)
				continue
			}
			if p["required"] != (in.Required || in.RequiredWhen != "") {
				t.Errorf("%s: %s required %v with every gate open", r.ID(), in.Name, p["required"])
			}
		}
		ok := responses[fmt.Sprint(r.Status)].(map[string]any)
		for _, h := range r.Sets {
			checked++
			if _, found := ok["headers"].(map[string]any)[h.Name]; !found {
				t.Errorf("%s: header %s not in the %d answer", r.ID(), h.Name, r.Status)
			}
		}
		for _, a := range r.Answers {
			checked++
			resp, found := responses[fmt.Sprint(a.Status)].(map[string]any)
			if !found {
				t.Errorf("%s: answer %d not documented", r.ID(), a.Status)
				continue
			}
			sh := shapes[a.Response]
			if a.Response == "" {
				sh = errorShape
			}
			content, _ := resp["content"].(map[string]any)
			if _, found := content[sh.media]; sh.media != "" && !found {
				t.Errorf("%s: answer %d has no %s body", r.ID(), a.Status, sh.media)
			}
			if a.Only && sh.media != mediaJSON && content[mediaJSON] != nil {
				t.Errorf("%s: answer %d is only %s, yet the generic JSON error is documented too", r.ID(), a.Status, sh.media)
			}
			if !strings.Contains(resp["description"].(string), a.Desc) {
				t.Errorf("%s: answer %d: description %q lacks %q", r.ID(), a.Status, resp["description"], a.Desc)
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d declarations checked: the table lost its inputs and answers", checked)
	}
}

// TestConditionalInputs: the provisioning header is required exactly when
// the deployment requires it.
func TestConditionalInputs(t *testing.T) {
	for _, on := range []bool{true, false} {
		ops := production(t, func(g api.Gate) bool { return g != api.GateProvisioningHeader || on })
		for _, id := range []string{"GET /provisioning", "GET /provisioning/me", "GET /provisioning/{provisioning_token}", "GET /provisioning/auth_token/{auth_token}"} {
			found := false
			for _, p := range asSlice(ops[id]["parameters"]) {
				p := p.(map[string]any)
				if p["name"] == "x-linphone-provisioning" && p["in"] == "header" {
					found = true
					if p["required"] != on {
						t.Errorf("%s: header required %v with the switch %v", id, p["required"], on)
					}
				}
			}
			if !found {
				t.Errorf("%s: no x-linphone-provisioning header", id)
			}
		}
	}
}

// TestAnswersAsServed: the odd answers FlexiAPI gives and we keep are in
// the document as they are served.
func TestAnswersAsServed(t *testing.T) {
	ops := production(t, allOpen)
	content := func(id, status, media string) map[string]any {
		t.Helper()
		resp, _ := ops[id]["responses"].(map[string]any)[status].(map[string]any)
		c, _ := resp["content"].(map[string]any)[media].(map[string]any)
		if c == nil {
			t.Fatalf("%s %s: no %s content in %v", id, status, media, resp)
		}
		s, _ := c["schema"].(map[string]any)
		return s
	}
	// An empty 200 is text/html with an empty body.
	if s := content("DELETE /api/accounts/{id}", "200", "text/html"); s["maxLength"] != float64(0) {
		t.Errorf("empty answer: %v", s)
	}
	// An absent dictionary key: 200 text/html, beside the JSON value.
	content("GET /api/accounts/{id}/dictionary/{key}", "200", "text/html")
	content("GET /api/accounts/{id}/dictionary/{key}", "200", "application/json")
	// POST /messages' 422: the validation shape or FlexiAPI's daemon shape.
	s := content("POST /api/messages", "422", "application/json")
	if alts := fmt.Sprint(s["anyOf"]); !strings.Contains(alts, "ValidationError") || !strings.Contains(alts, "DaemonError") {
		t.Errorf("messages 422: %v", s)
	}
	// The validation page's 404 is an HTML page, and only that.
	resp := ops["GET /creation_token/check/{token}"]["responses"].(map[string]any)["404"].(map[string]any)
	if c := resp["content"].(map[string]any); c["text/html"] == nil || c["application/json"] != nil {
		t.Errorf("validation page 404: %v", c)
	}
	// Statuses beside the success.
	for id, status := range map[string]string{
		"POST /api/account_creation_tokens/send-by-push": "503",
		"POST /api/tokens":                    "429",
		"POST /api/accounts/me/phone/request": "429",
		"POST /api/account_creation_tokens/using-account-creation-request-token": "404",
		"GET /api/accounts/{phone}/info-by-phone":                                "422",
		"POST /creation_token/check/{token}":                                     "419",
		"POST /api/accounts/{id}/dictionary/{key}":                               "200",
		"PATCH /api/statistics/calls/{call_id}/devices/{device_id}":              "200",
	} {
		if ops[id]["responses"].(map[string]any)[status] == nil {
			t.Errorf("%s: no %s", id, status)
		}
	}
}

// TestFieldTypesAreWhatTheRulesAccept: the type of every body field is
// the set of JSON types its rules let through: numbers where the server
// takes a number as its text, never a field without a type.
func TestFieldTypesAreWhatTheRulesAccept(t *testing.T) {
	fx := fixtures(t)[0]
	fields := 0
	for name, vs := range fx.schemas {
		bi, err := bodySchema(name, vs)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range bi.Fields {
			fields++
			if f.Type == "any" {
				t.Errorf("%s.%s: no rule says which JSON types it accepts", name, f.Name)
			}
		}
	}
	if fields < 50 {
		t.Fatalf("only %d fields", fields)
	}
	typeOf := func(body, field string) string {
		bi, err := bodySchema(body, fx.schemas[body])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range bi.Fields {
			if f.Name == field {
				return f.Type
			}
		}
		t.Fatalf("%s.%s not found", body, field)
		return ""
	}
	for _, c := range []struct{ body, field, want string }{
		{"account.create", "password", "string or number"},
		{"account.create", "email", "string"},
		{"account.create", "dictionary", "object or array"},
		{"account.update", "admin", "string or integer or boolean"},
		{"statistics.message_device", "last_status", "string or integer"},
		{"statistics.message", "from", "string"},
		{"statistics.call_device", "invite_terminated", "object"},
		{"dictionary_entry", "value", "string or number or boolean"},
		{"creation.activate_phone", "confirmation_key", "string or number"},
	} {
		if got := typeOf(c.body, c.field); got != c.want {
			t.Errorf("%s.%s: type %q, want %q", c.body, c.field, got, c.want)
		}
	}
}

func TestIntersectTypes(t *testing.T) {
	for _, c := range []struct{ a, b, want []string }{
		{[]string{"string", "number"}, []string{"string"}, []string{"string"}},
		{[]string{"string", "number"}, []string{"integer", "string"}, []string{"string", "integer"}},
		{[]string{"boolean", "integer", "string"}, []string{"string", "number"}, []string{"string", "integer"}},
		{[]string{"object", "array"}, []string{"string"}, nil},
	} {
		if got := intersectTypes(c.a, c.b); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%v ∩ %v = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
