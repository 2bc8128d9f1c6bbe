package openapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/flexiapi-serverless/flexiapi/shared/openapi/openapitest"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/accountapi"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

func testConfig(t testing.TB) *config.Config {
	t.Helper()
	env := map[string]string{"APP_KEY": "test-key", "ACCOUNT_BLACKLISTED_USERNAMES": "admin,root"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var testInfo = Info{Title: "FlexiAPI test", ServerURL: "https://api.example.org/prod"}

// richTable exercises what the production table does not use yet: a
// deprecated route, a gated one, a user route with a body, every rule kind.
func richTable(t testing.TB) (*api.Table, api.Schemas) {
	t.Helper()
	tb, err := api.NewTable([]api.Route{
		{Method: "GET", Path: "/api", Group: "meta", Access: api.Public, Handler: "Documentation", Tag: "Documentation",
			Summary: "The page.", Status: 200, Response: "html"},
		{Method: "GET", Path: "/api/openapi.json", Group: "meta", Access: api.Public, Handler: "OpenAPI", Tag: "Documentation",
			Summary: "The document.", Status: 200, Response: "OpenAPI"},
		{Method: "POST", Path: "/api/things", Group: "g", Access: api.User, Handler: "ThingCreate", Tag: "Things",
			Summary: "Create a thing.", Body: "thing.create", Status: 201, Response: "Account"},
		{Method: "GET", Path: "/api/things", Group: "g", Access: api.Admin, Handler: "ThingIndex", Tag: "Things",
			Summary: "List things.", Status: 200, Response: "AccountPage"},
		{Method: "GET", Path: "/api/things/{id}", Group: "g", Access: api.Admin, Handler: "ThingShow", Tag: "Things",
			Summary: "Show a thing.", Params: map[string]string{"id": "the thing id"}, Status: 200, Response: "AccountShow", Deprecated: true},
		{Method: "GET", Path: "/api/things/{sip}/info", Group: "g", Access: api.Public, Handler: "ThingInfo", Tag: "Things",
			Summary: "Public info.", Params: map[string]string{"sip": "a SIP address"}, Status: 200, Response: "text"},
		{Method: "POST", Path: "/api/danger", Group: "g", Access: api.Public, Handler: "Danger", Tag: "Danger zone",
			Summary: "Unsecure.", Body: "thing.create", Status: 200, Response: "empty", Deprecated: true, Gate: api.GateDangerous},
	})
	if err != nil {
		t.Fatal(err)
	}
	schema := validate.Schema{Steps: []validate.Step{
		{
			{Name: "name", Type: "string", Desc: "the name", Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Min(3), validate.Max(10)}},
			{Name: "code", Type: "string", Rules: []validate.Rule{validate.Nullable(), validate.Digits(4)}},
			{Name: "pin", Type: "string", Rules: []validate.Rule{validate.Size(6)}},
			{Name: "kind", Type: "string", Rules: []validate.Rule{validate.In("a", "b")}},
			{Name: "email", Type: "string", Rules: []validate.Rule{validate.RequiredWithout("phone"), validate.Email()}},
			{Name: "phone", Type: "string", Rules: []validate.Rule{validate.StartsWith("+"), validate.WithoutSpaces()}},
			{Name: "flag", Type: "boolean", Rules: []validate.Rule{validate.Boolean()}},
		},
		{
			{Name: "when", Type: "string", Rules: []validate.Rule{validate.DateFormat()}},
			{Name: "dict", Type: "object", Rules: []validate.Rule{validate.Dictionary()}},
			{Name: "re", Type: "string", Rules: []validate.Rule{validate.Pattern("regex:^x+$", regexp.MustCompile(`^x+$`), "bad"), validate.NoUppercase()}},
			{Name: "user", Type: "string", Rules: []validate.Rule{validate.NotPhoneNumber(), validate.Blacklist([]string{"root"}), validate.Documented("unique:things,user"), validate.Filled()}},
		},
	}}
	return tb, api.Schemas{"thing.create": schema}
}

type fixture struct {
	name    string
	table   *api.Table
	schemas api.Schemas
}

func fixtures(t testing.TB) []fixture {
	rich, richSchemas := richTable(t)
	return []fixture{
		{"production", api.Routes, withResources(withMessages(withStatistics(accountapi.Schemas(testConfig(t)))), testConfig(t))},
		{"rich", rich, richSchemas},
	}
}

func render(t testing.TB, f fixture) ([]byte, map[string]any) {
	t.Helper()
	raw, err := Document(f.table, f.schemas, testInfo)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	return raw, doc
}

func jsonValue(t testing.TB, raw []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDocumentValidatesAgainstOpenAPISchema checks the document against
// the official OpenAPI 3.1 JSON Schema (testdata/README.md), formats
// asserted.
func TestDocumentValidatesAgainstOpenAPISchema(t *testing.T) {
	validate := openapitest.Validator(t)
	for _, fx := range fixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			raw, _ := render(t, fx)
			if err := validate(raw); err != nil {
				t.Fatalf("the document is not a valid OpenAPI 3.1 document:\n%v", err)
			}
		})
	}
	// The validator does reject what is not OpenAPI 3.1.
	bad := []string{
		`{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{}}`,
		`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{}}}}}}`,
		`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"parameters":[{"name":"a","in":"path","schema":{}}]}}}}`,
	}
	for _, b := range bad {
		if err := validate([]byte(b)); err == nil {
			t.Errorf("accepted an invalid document: %s", b)
		}
	}
}

// TestSchemasAreJSONSchema checks every schema of the document against the
// JSON Schema 2020-12 meta-schema, and compiles them (patterns included).
func TestSchemasAreJSONSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	meta, err := c.Compile("https://json-schema.org/draft/2020-12/schema")
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fixtures(t) {
		raw, _ := render(t, fx)
		doc := jsonValue(t, raw).(map[string]any)
		comps := doc["components"].(map[string]any)["schemas"].(map[string]any)
		if err := c.AddResource("doc-"+fx.name+".json", doc); err != nil {
			t.Fatal(err)
		}
		for name, s := range comps {
			if err := meta.Validate(s); err != nil {
				t.Errorf("%s: schema %s is not JSON Schema 2020-12: %v", fx.name, name, err)
			}
			if _, err := c.Compile("doc-" + fx.name + ".json#/components/schemas/" + name); err != nil {
				t.Errorf("%s: schema %s does not compile: %v", fx.name, name, err)
			}
		}
	}
}

func operations(doc map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			out[strings.ToUpper(method)+" "+path] = op.(map[string]any)
		}
	}
	return out
}

func TestDocumentListsExactlyTheTable(t *testing.T) {
	for _, fx := range fixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			_, doc := render(t, fx)
			if doc["openapi"] != "3.1.0" {
				t.Fatalf("openapi = %v", doc["openapi"])
			}
			ops := operations(doc)
			var want, got []string
			seen := map[string]bool{}
			for _, r := range fx.table.Routes() {
				want = append(want, r.ID())
				op, ok := ops[r.ID()]
				if !ok {
					continue
				}
				// A handler's first route has its name as operation id;
				// the others (Flexisip's prefix) derive theirs from it.
				id, _ := op["operationId"].(string)
				if first := !seen[r.Handler]; first && id != r.Handler || !first && !strings.HasPrefix(id, r.Handler+"_") || op["summary"] != r.Summary {
					t.Errorf("%s: operationId %v, summary %v", r.ID(), op["operationId"], op["summary"])
				}
				seen[r.Handler] = true
				if tags, _ := op["tags"].([]any); len(tags) != 1 || tags[0] != r.Tag {
					t.Errorf("%s: tags %v", r.ID(), op["tags"])
				}
				if dep, _ := op["deprecated"].(bool); dep != r.Deprecated {
					t.Errorf("%s: deprecated %v", r.ID(), op["deprecated"])
				}
				if _, ok := op["responses"].(map[string]any)[fmt.Sprint(r.Status)]; !ok {
					t.Errorf("%s: no %d response", r.ID(), r.Status)
				}
				var params []string
				for _, p := range asSlice(op["parameters"]) {
					p := p.(map[string]any)
					if p["in"] != "path" {
						continue
					}
					params = append(params, p["name"].(string))
					if p["required"] != true || p["description"] != r.Params[p["name"].(string)] {
						t.Errorf("%s: parameter %v", r.ID(), p)
					}
				}
				if !reflect.DeepEqual(params, r.ParamNames()) {
					t.Errorf("%s: path parameters %v, want %v", r.ID(), params, r.ParamNames())
				}
				if r.Gate != "" && (op["x-gate"] == nil || !strings.Contains(op["description"].(string), "Disabled unless")) {
					t.Errorf("%s: gated route without a note: %v", r.ID(), op["description"])
				}
			}
			for id := range ops {
				got = append(got, id)
			}
			sort.Strings(want)
			sort.Strings(got)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("operations differ from the table:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func TestSecurity(t *testing.T) {
	for _, fx := range fixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			_, doc := render(t, fx)
			schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
			want := map[string]map[string]any{
				SchemeDigest:       {"type": "http", "scheme": "digest"},
				SchemeAPIKeyHeader: {"type": "apiKey", "in": "header", "name": "x-api-key"},
				SchemeAPIKeyCookie: {"type": "apiKey", "in": "cookie", "name": "x-api-key"},
				SchemeBearerJWT:    {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
				SchemeSecret:       {"type": "apiKey", "in": "query", "name": "secret"},
			}
			if len(schemes) != len(want) {
				t.Errorf("security schemes: %v", schemes)
			}
			for name, fields := range want {
				s, _ := schemes[name].(map[string]any)
				for k, v := range fields {
					if s[k] != v {
						t.Errorf("scheme %s: %s = %v, want %v", name, k, s[k], v)
					}
				}
			}
			if d, _ := schemes[SchemeDigest].(map[string]any)["description"].(string); !strings.Contains(d, "From") {
				t.Errorf("the digest scheme must explain the From header: %q", d)
			}
			if _, global := doc["security"]; global {
				t.Error("security is per operation")
			}
			ops := operations(doc)
			for _, r := range fx.table.Routes() {
				op := ops[r.ID()]
				if op["x-access"] != string(r.Access) {
					t.Errorf("%s: x-access %v", r.ID(), op["x-access"])
				}
				sec, ok := op["security"].([]any)
				if !ok {
					t.Errorf("%s: no security array", r.ID())
					continue
				}
				responses := op["responses"].(map[string]any)
				if r.Access == api.Secret {
					if len(sec) != 1 || sec[0].(map[string]any)[SchemeSecret] == nil || responses["403"] == nil || responses["401"] != nil {
						t.Errorf("%s: a secret route: security %v, responses %v", r.ID(), sec, responses)
					}
					continue
				}
				if !r.Access.Protected() {
					if len(sec) != 0 {
						t.Errorf("%s: public route with security %v", r.ID(), sec)
					}
					own403 := false
					for _, a := range r.Answers {
						own403 = own403 || a.Status == 403
					}
					if responses["401"] != nil || responses["403"] != nil && !own403 {
						t.Errorf("%s: public route documents 401, or a 403 its row does not declare", r.ID())
					}
					continue
				}
				var names []string
				for _, req := range sec {
					for n, scopes := range req.(map[string]any) {
						if len(req.(map[string]any)) != 1 || len(scopes.([]any)) != 0 {
							t.Errorf("%s: each requirement is one scheme without scopes: %v", r.ID(), req)
						}
						names = append(names, n)
					}
				}
				want, statuses := SecuritySchemes, []string{"401", "403", "422"}
				if !r.On(api.REST) {
					// The machine API: the API key only, checked by the function.
					want, statuses = []string{SchemeAPIKeyHeader, SchemeAPIKeyCookie}, []string{"401", "403", "503"}
				}
				if !reflect.DeepEqual(names, want) {
					t.Errorf("%s: security %v, want any of %v", r.ID(), names, want)
				}
				for _, status := range statuses {
					if responses[status] == nil {
						t.Errorf("%s: protected route without %s", r.ID(), status)
					}
				}
				if h := responses["401"].(map[string]any)["headers"]; (h == nil) == r.On(api.REST) {
					t.Errorf("%s: 401 headers %v: a DIGEST challenge on the REST API only", r.ID(), h)
				}
				d403, _ := responses["403"].(map[string]any)["description"].(string)
				if (r.Access == api.Admin) != strings.Contains(d403, api.MsgUnauthorizedArea) {
					t.Errorf("%s: 403 %q", r.ID(), d403)
				}
			}
		})
	}
}

func TestRequestBodies(t *testing.T) {
	for _, fx := range fixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			_, doc := render(t, fx)
			comps := doc["components"].(map[string]any)["schemas"].(map[string]any)
			ops := operations(doc)
			bodies := 0
			for _, r := range fx.table.Routes() {
				op := ops[r.ID()]
				rb, has := op["requestBody"].(map[string]any)
				form := false
				for _, p := range r.Inputs {
					form = form || p.In == api.InForm
				}
				if form && r.Body == "" {
					if _, ok := rb["content"].(map[string]any)["application/x-www-form-urlencoded"]; !ok {
						t.Errorf("%s: form inputs without a form body: %v", r.ID(), rb)
					}
					continue
				}
				if has != (r.Body != "") {
					t.Errorf("%s: requestBody %v, Body %q", r.ID(), rb, r.Body)
					continue
				}
				if !has {
					continue
				}
				bodies++
				for _, media := range []string{"application/json", "application/x-www-form-urlencoded"} {
					s := rb["content"].(map[string]any)[media].(map[string]any)["schema"].(map[string]any)
					if s["$ref"] != "#/components/schemas/"+r.Body {
						t.Errorf("%s: %s body schema %v", r.ID(), media, s)
					}
				}
				if r.Body != "" && op["responses"].(map[string]any)["422"] == nil && r.On(api.REST) {
					t.Errorf("%s: body without 422", r.ID())
				}
			}
			if bodies == 0 {
				t.Fatal("no route with a body: the test proves nothing")
			}
			for name, vs := range fx.schemas {
				s, ok := comps[name].(map[string]any)
				if !ok {
					t.Errorf("schema %s missing", name)
					continue
				}
				checkBody(t, name, s, vs)
			}
			// Properties keep the declaration order of the fields.
			for name, vs := range fx.schemas {
				bi, err := bodySchema(name, vs)
				if err != nil {
					t.Fatal(err)
				}
				props, _ := bi.schema.get("properties")
				var got, want []string
				for _, p := range props.(obj) {
					got = append(got, p.k)
				}
				for _, f := range vs.Fields() {
					want = append(want, f.Name)
					if alias, _ := aliasOf(f); alias != "" {
						want = append(want, alias)
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: properties in order %v, want %v", name, got, want)
				}
			}
		})
	}
}

// aliasOf is the alias of a field and its rules (validate.Aliased).
func aliasOf(f validate.Field) (string, []validate.Rule) {
	for _, r := range f.Rules {
		if a, ok := r.(validate.Aliased); ok {
			return a.Alias()
		}
	}
	return "", nil
}

func checkBody(t *testing.T, name string, s map[string]any, vs validate.Schema) {
	t.Helper()
	props := s["properties"].(map[string]any)
	var wantNames, gotNames, wantReq, gotReq []string
	for _, f := range vs.Fields() {
		wantNames = append(wantNames, f.Name)
		var docs []any
		required := false
		for _, r := range f.Rules {
			docs = append(docs, r.Doc())
			required = required || r.Doc() == "required"
		}
		if alias, inner := aliasOf(f); alias != "" {
			wantNames = append(wantNames, alias)
			for _, r := range inner {
				docs = append(docs, r.Doc())
			}
		}
		if required {
			wantReq = append(wantReq, f.Name)
		}
		p, ok := props[f.Name].(map[string]any)
		if !ok {
			continue
		}
		if !reflect.DeepEqual(p["x-rules"], docs) {
			t.Errorf("%s.%s: x-rules %v, want %v", name, f.Name, p["x-rules"], docs)
		}
		if f.Desc != "" && !strings.HasPrefix(fmt.Sprint(p["description"]), f.Desc) {
			t.Errorf("%s.%s: description %v", name, f.Name, p["description"])
		}
		checkRuleKeywords(t, name+"."+f.Name, f, p)
	}
	for n := range props {
		gotNames = append(gotNames, n)
	}
	for _, r := range asSlice(s["required"]) {
		gotReq = append(gotReq, r.(string))
	}
	sort.Strings(wantNames)
	sort.Strings(gotNames)
	if !reflect.DeepEqual(wantNames, gotNames) {
		t.Errorf("%s: properties %v, want %v", name, gotNames, wantNames)
	}
	if !reflect.DeepEqual(wantReq, gotReq) {
		t.Errorf("%s: required %v, want %v", name, gotReq, wantReq)
	}
	steps := asSlice(s["x-validation-steps"])
	if len(steps) != len(vs.Steps) {
		t.Errorf("%s: x-validation-steps %v", name, steps)
	}
	for i, st := range vs.Steps {
		if i >= len(steps) {
			break
		}
		var names []any
		for _, f := range st {
			names = append(names, f.Name)
		}
		if !reflect.DeepEqual(steps[i], names) {
			t.Errorf("%s: step %d %v, want %v", name, i+1, steps[i], names)
		}
	}
}

// checkRuleKeywords checks the JSON Schema keywords each rule implies.
func checkRuleKeywords(t *testing.T, where string, f validate.Field, p map[string]any) {
	t.Helper()
	patterns := map[string]bool{}
	if s, ok := p["pattern"].(string); ok {
		patterns[s] = true
	}
	for _, a := range asSlice(p["allOf"]) {
		patterns[a.(map[string]any)["pattern"].(string)] = true
	}
	types := fmt.Sprint(p["type"])
	for _, r := range f.Rules {
		rule, arg, _ := strings.Cut(r.Doc(), ":")
		switch rule {
		case "min":
			if fmt.Sprint(p["minLength"]) != arg {
				t.Errorf("%s: %s but minLength %v", where, r.Doc(), p["minLength"])
			}
		case "max":
			if fmt.Sprint(p["maxLength"]) != arg {
				t.Errorf("%s: %s but maxLength %v", where, r.Doc(), p["maxLength"])
			}
		case "size":
			if fmt.Sprint(p["minLength"]) != arg || fmt.Sprint(p["maxLength"]) != arg {
				t.Errorf("%s: %s but lengths %v..%v", where, r.Doc(), p["minLength"], p["maxLength"])
			}
		case "in":
			for _, v := range strings.Split(arg, ",") {
				found := false
				for _, e := range asSlice(p["enum"]) {
					found = found || e == v
				}
				if !found {
					t.Errorf("%s: %s but enum %v", where, r.Doc(), p["enum"])
				}
			}
		case "email":
			if p["format"] != "email" {
				t.Errorf("%s: email but format %v", where, p["format"])
			}
		case "regex":
			if !patterns[arg] {
				t.Errorf("%s: %s but patterns %v", where, r.Doc(), patterns)
			}
		case "nullable":
			if !strings.Contains(types, "null") {
				t.Errorf("%s: nullable but type %v", where, types)
			}
		}
	}
	typed := false
	for _, r := range f.Rules {
		if tr, ok := r.(validate.Typed); ok && len(tr.Types()) > 0 {
			typed = true
		}
	}
	if _, aliased := aliasOf(f); p["type"] == nil && typed && aliased == nil {
		t.Errorf("%s: no type, though a rule restricts it", where)
	}
	if p["type"] != nil && f.Type != "" && !strings.Contains(types, f.Type) && !(f.Type == "integer" && strings.Contains(types, "number")) {
		t.Errorf("%s: type %v, declared %s", where, types, f.Type)
	}
}

// TestResponseSchemasMatchTheRenderers validates what the code really
// answers against the documented shapes (closed objects: a key added to
// the renderers and not to the documentation fails here).
func TestResponseSchemasMatchTheRenderers(t *testing.T) {
	raw, _ := render(t, fixtures(t)[0])
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("doc.json", jsonValue(t, raw)); err != nil {
		t.Fatal(err)
	}
	schema := func(name string) *jsonschema.Schema {
		s, err := c.Compile("doc.json#/components/schemas/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	check := func(name string, body []byte) {
		t.Helper()
		if err := schema(name).Validate(jsonValue(t, body)); err != nil {
			t.Errorf("%s does not describe %s:\n%v", name, body, err)
		}
	}
	now := time.Date(2024, 3, 25, 10, 11, 12, 0, time.UTC)
	s := func(v string) *string { return &v }
	bare := &account.Account{ID: 7, Username: "bob", Domain: "sip.example.org", IPAddress: "203.0.113.9",
		UserAgent: "FlexiAPI", CreatedAt: now, UpdatedAt: now, Passwords: map[string]string{"SHA-256": "x"}}
	full := &account.Account{ID: 8, Username: "alice", Domain: "sip.example.org", IPAddress: "203.0.113.9",
		UserAgent: "Linphone", CreatedAt: now, UpdatedAt: now, Activated: true, Blocked: true,
		Email: s("alice@example.org"), ConfirmationKey: s("abcdefghijklm"), DisplayName: s("Alice"), DTMFProtocol: s("rfc2833"),
		Phone: s("+33612345678"), ProvisioningToken: s("tok"),
		Passwords:            map[string]string{"MD5": "x", "SHA-256": "y"},
		Admin:                &account.Role{CreatedAt: now, UpdatedAt: now},
		ActivationExpiration: &account.ActivationExpiration{Expires: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now},
		Dictionary:           []account.DictionaryEntry{{Key: "k", Value: "v"}},
	}
	realm := s("sip.example.org")
	views := map[account.View]string{
		account.ViewFull:                "Account",
		account.ViewWithConfirmationKey: "AccountWithConfirmationKey",
		account.ViewAdminShow:           "AccountShow",
		account.ViewAdminList:           "AccountListItem",
	}
	for v, name := range views {
		for _, a := range []*account.Account{bare, full} {
			check(name, account.Render(a, v, nil))
			check(name, account.Render(a, v, realm))
		}
		// Each variant has exactly its keys: another view does not fit.
		other := views[(v+1)%account.View(len(views))]
		if err := schema(other).Validate(jsonValue(t, account.Render(full, v, nil))); err == nil {
			t.Errorf("%s accepts the %s view", other, name)
		}
	}
	items := [][]byte{account.Render(bare, account.ViewAdminList, nil), account.Render(full, account.ViewAdminList, nil)}
	check("AccountPage", api.Paginate(items, 1, account.PerPage, 2, "https://api.example.org/api/accounts"))
	check("AccountPage", api.Paginate(nil, 3, account.PerPage, 2, "https://api.example.org/api/accounts"))
	check("AccountPage", api.Paginate(items, 9, 2, 400, "https://api.example.org/api/accounts"))
	check("Error", api.NotFound().Response().Body)
	check("Error", api.Abort(403, "").Response().Body)
	errs := validate.Single("username", "The username field is required.")
	errs.Add("password", "The password field is required.")
	check("ValidationError", api.Invalid(errs).Response().Body)
	check("APIKey", []byte(`{"api_key":"abc"}`))
}

func TestPage(t *testing.T) {
	for _, fx := range fixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			info := testInfo
			info.GateOn = func(api.Gate) bool { return true }
			page, err := Page(fx.table, fx.schemas, info)
			if err != nil {
				t.Fatal(err)
			}
			// A deployment whose gates are closed does not list their
			// routes: they are not deployed.
			info.GateOn = func(api.Gate) bool { return false }
			closed, err := Page(fx.table, fx.schemas, info)
			if err != nil {
				t.Fatal(err)
			}
			ids, hrefs := wellFormed(t, page)
			text := string(page)
			for _, r := range fx.table.Routes() {
				e := `<h3><span class="method">` + r.Method + `</span><code class="path">` + r.Path + `</code></h3>`
				if listed := strings.Contains(string(closed), e); listed != (r.Gate == "") {
					t.Errorf("%s: listed %v when its gate is closed", r.ID(), listed)
				}
				if !strings.Contains(text, e) {
					t.Errorf("%s: not on the page", r.ID())
				}
				if !ids[routeAnchor(r)] {
					t.Errorf("%s: no anchor %s", r.ID(), routeAnchor(r))
				}
				block := endpointBlock(t, text, routeAnchor(r))
				badge := map[api.Access]string{api.Public: ">Public<", api.User: ">User<", api.Admin: ">Admin<"}[r.Access]
				if !strings.Contains(block, badge) {
					t.Errorf("%s: no %s badge", r.ID(), badge)
				}
				if r.Deprecated != strings.Contains(block, ">Deprecated<") {
					t.Errorf("%s: deprecated marker wrong", r.ID())
				}
				if (r.Gate != "") != strings.Contains(block, "Served only when") {
					t.Errorf("%s: gate note wrong", r.ID())
				}
				if r.Body != "" {
					for _, f := range fx.schemas[r.Body].Fields() {
						if !strings.Contains(block, "<tr><td><code>"+f.Name+"</code>") {
							t.Errorf("%s: JSON parameter %s missing", r.ID(), f.Name)
						}
						for _, rule := range f.Rules {
							if !strings.Contains(html.UnescapeString(block), `<code class="rule">`+rule.Doc()+`</code>`) {
								t.Errorf("%s: rule %s of %s missing", r.ID(), rule.Doc(), f.Name)
							}
						}
					}
				}
				for _, p := range r.ParamNames() {
					if !strings.Contains(block, "<li><code>"+p+"</code>") {
						t.Errorf("%s: path parameter %s missing", r.ID(), p)
					}
				}
			}
			if !hrefs[testInfo.ServerURL+"/api/openapi.json"] {
				t.Error("no link to /api/openapi.json")
			}
			for h := range hrefs {
				if strings.HasPrefix(h, "#") && !ids[h[1:]] {
					t.Errorf("dangling link %s", h)
				}
			}
			for _, must := range []string{"x-api-key", "Cookie: x-api-key=", "Authorization: Bearer", "from: sip:", "exactly one challenge",
				"Account blocked", "Unauthorized area", testInfo.ServerURL} {
				if !strings.Contains(html.UnescapeString(text), must) {
					t.Errorf("the introduction does not mention %q", must)
				}
			}
		})
	}
}

func endpointBlock(t *testing.T, page, anchor string) string {
	t.Helper()
	i := strings.Index(page, `id="`+anchor+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], `<div class="endpoint`)
	if j < 0 {
		j = strings.Index(page[i:], "</section>")
	}
	return page[i : i+j]
}

// wellFormed parses the page as XML (strict, HTML entities allowed): every
// element closed and nested, attributes quoted, ids unique; the page loads
// nothing from elsewhere. It returns the ids and the link targets.
func wellFormed(t *testing.T, page []byte) (ids, hrefs map[string]bool) {
	t.Helper()
	ids, hrefs = map[string]bool{}, map[string]bool{}
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "script", "link", "img", "iframe", "object", "embed":
			t.Errorf("external or active content: <%s>", se.Name.Local)
		}
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "id":
				if ids[a.Value] {
					t.Errorf("duplicate id %q", a.Value)
				}
				ids[a.Value] = true
			case "href":
				hrefs[a.Value] = true
			case "src":
				t.Errorf("external asset %q", a.Value)
			}
		}
	}
	if bytes.Contains(page, []byte("url(")) || bytes.Contains(page, []byte("@import")) {
		t.Error("the CSS loads something")
	}
	if !bytes.HasPrefix(page, []byte("<!DOCTYPE html>")) {
		t.Error("no doctype")
	}
	return ids, hrefs
}

func TestDeterministic(t *testing.T) {
	for _, fx := range fixtures(t) {
		first, _ := render(t, fx)
		page, _ := Page(fx.table, fx.schemas, testInfo)
		for i := 0; i < 5; i++ {
			again, _ := render(t, fx)
			if !bytes.Equal(first, again) {
				t.Fatalf("%s: the document changes between renders", fx.name)
			}
			p, _ := Page(fx.table, fx.schemas, testInfo)
			if !bytes.Equal(page, p) {
				t.Fatalf("%s: the page changes between renders", fx.name)
			}
		}
	}
}

func TestTableProblemsAreErrors(t *testing.T) {
	ok := api.Route{Method: "GET", Path: "/api/x", Group: "g", Access: api.Public, Handler: "X", Summary: "x", Tag: "x", Status: 200, Response: "text"}
	cases := map[string]func(r *api.Route){
		"unknown response shape": func(r *api.Route) { r.Response = "Nope" },
		"missing body schema":    func(r *api.Route) { r.Body = "nope" },
		"no status":              func(r *api.Route) { r.Status = 0 },
	}
	for name, mutate := range cases {
		r := ok
		mutate(&r)
		tb := api.MustTable([]api.Route{r})
		if _, err := Document(tb, nil, testInfo); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := Page(tb, nil, testInfo); err == nil {
			t.Errorf("%s: page accepted", name)
		}
	}
	// One handler behind two routes gets an operation id per route; two
	// routes whose derived ids collide are refused.
	shared := api.MustTable([]api.Route{ok, {Method: "GET", Path: "/api/y", Group: "h", Access: api.Public, Handler: "X", Summary: "y", Tag: "x", Status: 200, Response: "text"}})
	if doc, err := Document(shared, nil, testInfo); err != nil || !strings.Contains(string(doc), `"operationId":"X"`) || !strings.Contains(string(doc), `"operationId":"X_get_y"`) {
		t.Errorf("a shared handler: %v", err)
	}
	dup := api.MustTable([]api.Route{ok, {Method: "GET", Path: "/api/a_b", Group: "g", Access: api.Public, Handler: "X", Summary: "x", Tag: "x", Status: 200, Response: "text"},
		{Method: "GET", Path: "/api/ab", Group: "h", Access: api.Public, Handler: "X", Summary: "y", Tag: "x", Status: 200, Response: "text"}})
	if _, err := Document(dup, nil, testInfo); err == nil {
		t.Error("duplicate operationId accepted")
	}
	for _, shape := range ResponseShapes() {
		r := ok
		r.Response = shape
		if _, err := Document(api.MustTable([]api.Route{r}), nil, testInfo); err != nil {
			t.Errorf("shape %s: %v", shape, err)
		}
	}
}

func TestAnchors(t *testing.T) {
	// FlexiAPI's anchors, so that links to its page keep working.
	cases := map[string]string{
		"GET /api/accounts/me/api_key":                     "get-accountsmeapikey",
		"GET /api/accounts/auth_token/{auth_token}/attach": "get-accountsauthtokenauthtokenattach",
		"POST /api/accounts/me/email/request":              "post-accountsmeemailrequest",
		"GET /api":                                         "get-api",
	}
	for id, want := range cases {
		method, path, _ := strings.Cut(id, " ")
		if got := routeAnchor(api.Route{Method: method, Path: path}); got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
}

func BenchmarkDocument(b *testing.B) {
	fx := fixtures(b)[0]
	for i := 0; i < b.N; i++ {
		if _, err := Document(fx.table, fx.schemas, testInfo); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPage(b *testing.B) {
	fx := fixtures(b)[0]
	for i := 0; i < b.N; i++ {
		if _, err := Page(fx.table, fx.schemas, testInfo); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRenderMatchesDocumentAndPage(t *testing.T) {
	for _, fx := range fixtures(t) {
		doc, page, err := Render(fx.table, fx.schemas, testInfo)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := Document(fx.table, fx.schemas, testInfo)
		p, _ := Page(fx.table, fx.schemas, testInfo)
		if !bytes.Equal(doc, d) || !bytes.Equal(page, p) {
			t.Errorf("%s: Render differs from Document and Page", fx.name)
		}
	}
}

// TestWriteString compares the string encoder with encoding/json's.
func TestWriteString(t *testing.T) {
	cases := []string{"", "plain", `q"uote`, `back\slash`, "\n\r\t\x00\x1f\x7f", "<&>", "é€😀", "\u2028\u2029", "bad\xffutf8\xc3", "`code`"}
	for _, s := range cases {
		var got bytes.Buffer
		writeString(&got, s)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got.String() != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("%q: %s, want %s", s, got.String(), want.String())
		}
	}
}
