package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// resourcePaths rebuilds the path of every API Gateway resource from the
// PathPart/ParentId chain; the root is "/" (its id is the RestApi's
// RootResourceId attribute).
func resourcePaths(t *testing.T, tp *Template) (byID map[string]string, root string) {
	t.Helper()
	apis := tp.OfType("AWS::ApiGateway::RestApi")
	if len(apis) != 1 {
		t.Fatalf("%d RestApi, want 1", len(apis))
	}
	for id := range apis {
		root = id
	}
	res := tp.OfType("AWS::ApiGateway::Resource")
	byID = map[string]string{}
	var pathOf func(id string, depth int) string
	pathOf = func(id string, depth int) string {
		if p, ok := byID[id]; ok {
			return p
		}
		r, ok := res[id]
		if !ok || depth > 50 {
			t.Fatalf("resource %s: not an API Gateway resource", id)
		}
		parent := r.Properties["ParentId"].(map[string]any)
		var prefix string
		if ga, ok := parent["Fn::GetAtt"].([]any); ok {
			if ga[0] != root || ga[1] != "RootResourceId" {
				t.Fatalf("resource %s: parent %v", id, parent)
			}
		} else {
			prefix = pathOf(parent["Ref"].(string), depth+1)
		}
		p := prefix + "/" + r.Properties["PathPart"].(string)
		byID[id] = p
		return p
	}
	for id := range res {
		pathOf(id, 0)
	}
	return byID, root
}

// methodOf is one deployed method.
type methodOf struct {
	auth       string
	authorizer string // logical id
	function   string // logical id of the integrated function
}

func methods(t *testing.T, tp *Template) map[string]methodOf {
	t.Helper()
	paths, root := resourcePaths(t, tp)
	out := map[string]methodOf{}
	for id, m := range tp.OfType("AWS::ApiGateway::Method") {
		var path string
		rid := m.Properties["ResourceId"].(map[string]any)
		if ga, ok := rid["Fn::GetAtt"].([]any); ok && ga[0] == root && ga[1] == "RootResourceId" {
			path = "/"
		} else {
			path = paths[rid["Ref"].(string)]
		}
		key := m.Properties["HttpMethod"].(string) + " " + path
		if _, dup := out[key]; dup {
			t.Errorf("method %s declared twice", key)
		}
		integ, _ := m.Properties["Integration"].(map[string]any)
		if integ["Type"] != "AWS_PROXY" || integ["IntegrationHttpMethod"] != "POST" {
			t.Errorf("method %s (%s): integration %v, want a Lambda proxy (AWS_PROXY, POST)", key, id, integ)
		}
		mo := methodOf{auth: fmt.Sprint(m.Properties["AuthorizationType"])}
		if a := refs(m.Properties["AuthorizerId"]); len(a) > 0 {
			mo.authorizer = a[0]
		}
		if f := refs(integ["Uri"]); len(f) == 1 {
			mo.function = f[0]
		} else {
			t.Errorf("method %s: integration URI %v names %d resources", key, integ["Uri"], len(f))
		}
		out[key] = mo
	}
	return out
}

func gwPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// TestMethodsFromRouteTable: every route is a method on its gateway
// resource with the right access and function; HEAD twins GET; every
// resource with methods, the root and /{proxy+} have an ANY fallback to
// meta; and nothing else exists.
func TestMethodsFromRouteTable(t *testing.T) {
	b := devStack(t)
	got := methods(t, b.json)
	authz := b.idOf(b.stack.Authorizer.Node().DefaultChild().(awscdk.CfnElement))
	meta := b.fnID(api.GroupMeta)
	deployed := b.stack.Settings.Routes // the table without closed gates

	want := map[string]methodOf{}
	for _, r := range deployed.Routes() {
		m := methodOf{auth: "NONE", function: b.fnID(r.Group)}
		if r.Access.Protected() {
			m.auth, m.authorizer = "CUSTOM", authz
		}
		path := gwPath(deployed.GatewayPath(r))
		want[r.Method+" "+path] = m
		if r.Method == "GET" {
			want["HEAD "+path] = m
		}
	}
	for path := range deployed.Resources() {
		want["ANY "+gwPath(path)] = methodOf{auth: "NONE", function: meta}
	}
	want["ANY /"] = methodOf{auth: "NONE", function: meta}
	want["ANY /{proxy+}"] = methodOf{auth: "NONE", function: meta}

	// The table's own view agrees (HEAD included where GET is).
	for path, ms := range deployed.Resources() {
		for _, m := range ms {
			if _, ok := want[m+" "+gwPath(path)]; !ok {
				t.Errorf("Resources() lists %s %s, which no route declares", m, path)
			}
		}
	}
	for _, k := range sortedKeys(want) {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("missing method %s", k)
		case g != want[k]:
			t.Errorf("method %s: got %+v, want %+v", k, g, want[k])
		}
	}
	for _, k := range sortedKeys(got) {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected method %s: %+v", k, got[k])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d methods, want %d", len(got), len(want))
	}
	t.Logf("%d routes, %d gateway resources, %d methods", len(deployed.Routes()), len(deployed.Resources()), len(got))
}

// TestInvokePermissions: one permission per integrated function and API
// (not one per method or route), for that API only; the authorizer's for
// its authorizer.
func TestInvokePermissions(t *testing.T) {
	b := devStack(t)
	apiID := b.idOf(b.stack.API.Node().DefaultChild().(awscdk.CfnElement))
	machineID := b.idOf(b.stack.MachineAPI.Node().DefaultChild().(awscdk.CfnElement))
	authz := b.idOf(b.stack.Authorizer.Node().DefaultChild().(awscdk.CfnElement))
	count := map[string]int{}
	for id, p := range b.json.OfType("AWS::Lambda::Permission") {
		fn := refs(p.Properties["FunctionName"])
		if len(fn) != 1 {
			t.Fatalf("permission %s: function %v", id, p.Properties["FunctionName"])
		}
		count[fn[0]+" "+fmt.Sprint(p.Properties["Principal"])]++
		if p.Properties["Principal"] == "apigateway.amazonaws.com" && !refersTo(p.Properties["SourceArn"], apiID) && !refersTo(p.Properties["SourceArn"], machineID) {
			t.Errorf("permission %s: source %v is not one of the stack's APIs", id, p.Properties["SourceArn"])
		}
		if fn[0] == b.fnID(Authorizer) && !refersTo(p.Properties["SourceArn"], authz) {
			t.Errorf("authorizer permission %s: source %v is not the authorizer", id, p.Properties["SourceArn"])
		}
	}
	want := map[string]int{}
	for _, g := range api.Groups {
		// The REST API integrates a function with a route there (even a
		// gated-off one: messages), the machine API one with a machine row.
		if len(api.Routes.On(api.REST).Group(g)) > 0 {
			want[b.fnID(g)+" apigateway.amazonaws.com"]++
		}
		if len(MachineRoutes().Group(g)) > 0 {
			want[b.fnID(g)+" apigateway.amazonaws.com"]++
		}
	}
	want[b.fnID(Authorizer)+" apigateway.amazonaws.com"] = 1
	want[b.fnID(Maintenance)+" events.amazonaws.com"] = 1
	if !reflect.DeepEqual(count, want) {
		t.Errorf("permissions %v, want %v", count, want)
	}
}

func TestAuthorizer(t *testing.T) {
	b := devStack(t)
	as := b.json.OfType("AWS::ApiGateway::Authorizer")
	if len(as) != 1 {
		t.Fatalf("%d authorizers, want 1", len(as))
	}
	for id, a := range as {
		p := a.Properties
		if p["Type"] != "REQUEST" {
			t.Errorf("%s: type %v, want REQUEST", id, p["Type"])
		}
		if ttl, ok := p["AuthorizerResultTtlInSeconds"]; !ok || ttl != float64(0) {
			t.Errorf("%s: AuthorizerResultTtlInSeconds %v, want 0 (Digest answers are single-use)", id, ttl)
		}
		if v, ok := p["IdentitySource"]; ok {
			t.Errorf("%s: IdentitySource %q, want none (the authorizer must run on requests without credentials)", id, v)
		}
		if !refersTo(p["AuthorizerUri"], b.fnID(Authorizer)) {
			t.Errorf("%s: URI %v does not invoke the authorizer function", id, p["AuthorizerUri"])
		}
	}
	catch(t, "authorizer (assertions)", func() {
		b.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Authorizer"), &map[string]any{
			"Type": "REQUEST", "AuthorizerResultTtlInSeconds": 0,
			"IdentitySource": assertions.Match_Absent(),
		})
	})
}

func TestGatewayResponses(t *testing.T) {
	b := devStack(t)
	got := map[string]map[string]any{}
	for _, r := range b.json.OfType("AWS::ApiGateway::GatewayResponse") {
		typ := r.Properties["ResponseType"].(string)
		if _, dup := got[typ]; dup {
			t.Errorf("gateway response %s declared twice", typ)
		}
		got[typ] = r.Properties
	}
	if len(got) != len(api.GatewayResponses) {
		t.Errorf("%d gateway responses, want %d", len(got), len(api.GatewayResponses))
	}
	for _, g := range api.GatewayResponses {
		p, ok := got[g.Type]
		if !ok {
			t.Errorf("missing gateway response %s", g.Type)
			continue
		}
		if g.Status == 0 {
			if s, ok := p["StatusCode"]; ok {
				t.Errorf("%s: status %v, want API Gateway's own", g.Type, s)
			}
		} else if p["StatusCode"] != fmt.Sprint(g.Status) {
			t.Errorf("%s: status %v, want %d", g.Type, p["StatusCode"], g.Status)
		}
		wantParams := map[string]any{}
		for name, src := range g.Headers {
			wantParams["gatewayresponse.header."+name] = src
		}
		gotParams, _ := p["ResponseParameters"].(map[string]any)
		if gotParams == nil {
			gotParams = map[string]any{}
		}
		if !reflect.DeepEqual(gotParams, wantParams) {
			t.Errorf("%s: parameters %v, want %v", g.Type, gotParams, wantParams)
		}
		wantTpl := map[string]any{"application/json": g.Template}
		if !reflect.DeepEqual(p["ResponseTemplates"], wantTpl) {
			t.Errorf("%s: templates %v, want %v", g.Type, p["ResponseTemplates"], wantTpl)
		}
	}
	// The 401 Digest challenge, one per response (API Gateway sends one
	// value per header; the authorizer's context carries it).
	catch(t, "ACCESS_DENIED (assertions)", func() {
		b.template.HasResourceProperties(jsii.String("AWS::ApiGateway::GatewayResponse"), &map[string]any{
			"ResponseType": "ACCESS_DENIED", "StatusCode": "401",
			"ResponseParameters": map[string]any{"gatewayresponse.header.WWW-Authenticate": "context.authorizer.challenge"},
		})
	})
}

func TestTable(t *testing.T) {
	for _, tc := range []struct {
		name       string
		b          func(*testing.T) *built
		production bool
	}{{"dev", devStack, false}, {"prod", prodStack, true}} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b(t)
			tables := b.json.OfType("AWS::DynamoDB::Table")
			if len(tables) != 1 {
				t.Fatalf("%d tables, want 1", len(tables))
			}
			var tb Resource
			for _, r := range tables {
				tb = r
			}
			p := tb.Properties
			if p["BillingMode"] != "PAY_PER_REQUEST" {
				t.Errorf("billing %v", p["BillingMode"])
			}
			keys := func(pk, sk string) []any {
				return []any{
					map[string]any{"AttributeName": pk, "KeyType": "HASH"},
					map[string]any{"AttributeName": sk, "KeyType": "RANGE"},
				}
			}
			if !reflect.DeepEqual(p["KeySchema"], keys(schema.PartitionKey, schema.SortKey)) {
				t.Errorf("key schema %v", p["KeySchema"])
			}
			defs := map[string]string{}
			for _, d := range p["AttributeDefinitions"].([]any) {
				m := d.(map[string]any)
				defs[m["AttributeName"].(string)] = m["AttributeType"].(string)
			}
			wantDefs := map[string]string{schema.PartitionKey: "S", schema.SortKey: "S"}
			wantGSI := map[string]any{}
			for _, ix := range schema.Indexes {
				wantDefs[ix.PartitionKey], wantDefs[ix.SortKey] = "S", "S"
				proj := map[string]any{"ProjectionType": ix.Projection}
				if len(ix.NonKeyAttributes) > 0 {
					var nk []any
					for _, a := range ix.NonKeyAttributes {
						nk = append(nk, a)
					}
					proj["NonKeyAttributes"] = nk
				}
				wantGSI[ix.Name] = map[string]any{"IndexName": ix.Name, "KeySchema": keys(ix.PartitionKey, ix.SortKey), "Projection": proj}
			}
			if !reflect.DeepEqual(defs, wantDefs) {
				t.Errorf("attributes %v, want %v", defs, wantDefs)
			}
			gotGSI := map[string]any{}
			for _, g := range p["GlobalSecondaryIndexes"].([]any) {
				gotGSI[g.(map[string]any)["IndexName"].(string)] = g
			}
			if !reflect.DeepEqual(gotGSI, wantGSI) {
				t.Errorf("indexes\n got %s\nwant %s", jsonString(gotGSI), jsonString(wantGSI))
			}
			if want := map[string]any{"AttributeName": schema.TTLAttribute, "Enabled": true}; !reflect.DeepEqual(p["TimeToLiveSpecification"], want) {
				t.Errorf("TTL %v, want %v", p["TimeToLiveSpecification"], want)
			}
			if want := map[string]any{"PointInTimeRecoveryEnabled": true}; !reflect.DeepEqual(p["PointInTimeRecoverySpecification"], want) {
				t.Errorf("PITR %v", p["PointInTimeRecoverySpecification"])
			}
			if p["DeletionProtectionEnabled"] != tc.production {
				t.Errorf("deletion protection %v, want %v", p["DeletionProtectionEnabled"], tc.production)
			}
			policy := map[bool]string{true: "Retain", false: "Delete"}[tc.production]
			if tb.DeletionPolicy != policy || tb.UpdateReplacePolicy != policy {
				t.Errorf("deletion/replace policy %s/%s, want %s", tb.DeletionPolicy, tb.UpdateReplacePolicy, policy)
			}
		})
	}
}

func TestFunctions(t *testing.T) {
	for _, tc := range []struct {
		name      string
		b         func(*testing.T) *built
		retention float64
	}{{"dev", devStack, 30}, {"prod", prodStack, 90}} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b(t)
			fns := b.json.OfType("AWS::Lambda::Function")
			if len(fns) != len(Programs()) {
				t.Errorf("%d functions, want %d (%v)", len(fns), len(Programs()), Programs())
			}
			for _, prog := range Programs() {
				id := b.fnID(prog)
				f, ok := fns[id]
				if !ok {
					t.Errorf("%s: no function %s", prog, id)
					continue
				}
				p := f.Properties
				if p["Runtime"] != "provided.al2023" || p["Handler"] != "bootstrap" ||
					!reflect.DeepEqual(p["Architectures"], []any{"arm64"}) {
					t.Errorf("%s: runtime %v, handler %v, architectures %v", prog, p["Runtime"], p["Handler"], p["Architectures"])
				}
				size := b.stack.Settings.Sizing[prog]
				if p["MemorySize"] != float64(size.MemoryMB) || p["Timeout"] != float64(size.TimeoutSeconds) {
					t.Errorf("%s: memory %v timeout %v, want %+v", prog, p["MemorySize"], p["Timeout"], size)
				}
				lg := refs(p["LoggingConfig"])
				if len(lg) != 1 {
					t.Errorf("%s: logging config %v", prog, p["LoggingConfig"])
					continue
				}
				group := b.json.Resources[lg[0]]
				if group.Type != "AWS::Logs::LogGroup" || group.Properties["RetentionInDays"] != tc.retention {
					t.Errorf("%s: log group %s %v, want retention %v", prog, lg[0], group.Properties, tc.retention)
				}
			}
			if got := b.stack.Settings.Sizing[api.GroupAccounts].MemoryMB; tc.name == "prod" && got != 512 {
				t.Errorf("context accountsMemory=512 gave %d", got)
			}
		})
	}
}

// TestEnvironment: unset variables are not written (the functions keep
// their defaults), the table name is the table, APP_KEY is a dynamic
// reference to the generated secret, never a value.
func TestEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    func(*testing.T) *built
		vars map[string]any
	}{{"dev", devStack, nil}, {"prod", prodStack, prodConfig}} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b(t)
			table := ""
			for id := range b.json.OfType("AWS::DynamoDB::Table") {
				table = id
			}
			secrets := b.json.OfType("AWS::SecretsManager::Secret")
			if len(secrets) != 1 {
				t.Fatalf("%d secrets, want 1 (APP_KEY)", len(secrets))
			}
			var secretID string
			for id, s := range secrets {
				secretID = id
				if _, ok := s.Properties["GenerateSecretString"]; !ok || s.Properties["SecretString"] != nil {
					t.Errorf("APP_KEY secret %v: must be generated", s.Properties)
				}
			}
			for _, prog := range Programs() {
				vars := b.json.Resources[b.fnID(prog)].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
				want := []string{"APP_KEY", "FLEXIAPI_TABLE"}
				for k := range tc.vars {
					want = append(want, k)
				}
				if prog == api.GroupAccounts {
					want = append(want, "SNS_PUSH_PLATFORM_APPLICATIONS") // as ARNs (notify_push.go)
				}
				sort.Strings(want)
				if got := sortedKeys(vars); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: variables %v, want %v", prog, got, want)
				}
				if v := vars["FLEXIAPI_TABLE"]; !reflect.DeepEqual(v, map[string]any{"Ref": table}) {
					t.Errorf("%s: FLEXIAPI_TABLE %v", prog, v)
				}
				key := jsonString(vars["APP_KEY"])
				if !strings.Contains(key, "{{resolve:secretsmanager:") || !refersTo(vars["APP_KEY"], secretID) {
					t.Errorf("%s: APP_KEY %s is not a dynamic reference to the secret", prog, key)
				}
				for k, v := range tc.vars {
					if want := fmt.Sprint(v); vars[k] != want {
						t.Errorf("%s: %s=%v, want %q", prog, k, vars[k], want)
					}
				}
			}
		})
	}
}

// TestAppKeyReference: a configuration that references an existing secret
// gets no generated one, and the reference goes through verbatim.
func TestAppKeyReference(t *testing.T) {
	ref := "{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-3:123456789012:secret:flexiapi-key-AbCdEf:SecretString:::}}"
	b := build(t, "appkeyref", map[string]any{
		CtxStage:  "ref",
		CtxConfig: writeConfig(t, map[string]any{"APP_KEY": ref, "FLEXIAPI_RATE_LIMIT_PER_MINUTE": "1200"}),
	})
	if n := len(b.json.OfType("AWS::SecretsManager::Secret")); n != 0 {
		t.Errorf("%d secrets, want none", n)
	}
	for _, prog := range Programs() {
		vars := b.json.Resources[b.fnID(prog)].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if vars["APP_KEY"] != ref {
			t.Errorf("%s: APP_KEY %v", prog, vars["APP_KEY"])
		}
	}
	rule := wafRule(t, b)
	if rule == nil || rule["Statement"].(map[string]any)["RateBasedStatement"].(map[string]any)["Limit"] != float64(1200) {
		t.Errorf("FLEXIAPI_RATE_LIMIT_PER_MINUTE=1200: rule %v", rule)
	}
}

// policiesOf gathers the statements that apply to a function's role.
func policiesOf(t *testing.T, b *built, program string) []map[string]any {
	t.Helper()
	fn := b.json.Resources[b.fnID(program)]
	role := refs(fn.Properties["Role"])
	if len(role) != 1 {
		t.Fatalf("%s: role %v", program, fn.Properties["Role"])
	}
	r := b.json.Resources[role[0]]
	if m, ok := r.Properties["ManagedPolicyArns"]; ok {
		t.Errorf("%s: managed policies %v (their statements are not least privilege)", program, m)
	}
	var out []map[string]any
	add := func(doc any) {
		for _, s := range doc.(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	if inline, ok := r.Properties["Policies"].([]any); ok {
		for _, p := range inline {
			add(p.(map[string]any)["PolicyDocument"])
		}
	}
	for _, p := range b.json.OfType("AWS::IAM::Policy") {
		for _, ro := range p.Properties["Roles"].([]any) {
			if refersTo(ro, role[0]) {
				add(p.Properties["PolicyDocument"])
			}
		}
	}
	return out
}

// TestIAM: each function has exactly the DynamoDB actions of its code, on
// the table and only the indexes it queries; meta has none; no wildcard.
func TestIAM(t *testing.T) {
	b := devStack(t)
	tableID := b.idOf(b.stack.Table.Node().DefaultChild().(awscdk.CfnElement))
	want := map[string]map[string]bool{
		Authorizer:    {"dynamodb:GetItem table": true, "dynamodb:UpdateItem table": true, "dynamodb:Query GSI3": true},
		api.GroupMeta: {},
		Maintenance: {"dynamodb:GetItem table": true, "dynamodb:UpdateItem table": true, "dynamodb:DeleteItem table": true,
			"dynamodb:Query table": true, "dynamodb:BatchWriteItem table": true, "dynamodb:Query GSI1": true, "dynamodb:Query GSI4": true},
		api.GroupAccounts: {},
	}
	for _, a := range []string{"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem", "BatchWriteItem"} {
		want[api.GroupAccounts]["dynamodb:"+a+" table"] = true
	}
	want[api.GroupAccounts]["dynamodb:Query GSI1"] = true
	want[api.GroupAccounts]["dynamodb:Query GSI2"] = true
	want[api.GroupResources] = map[string]bool{"dynamodb:Query GSI1": true}
	for _, a := range []string{"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem", "BatchWriteItem"} {
		want[api.GroupResources]["dynamodb:"+a+" table"] = true
	}
	// The statistics function checks the API key on the machine API.
	want[api.GroupStatistics] = map[string]bool{"dynamodb:GetItem table": true, "dynamodb:PutItem table": true, "dynamodb:UpdateItem table": true, "dynamodb:Query GSI5": true}
	want[api.GroupMessages] = map[string]bool{} // SIP only, no table
	want[api.GroupExtAuth] = map[string]bool{"dynamodb:GetItem table": true, "dynamodb:PutItem table": true}

	for _, prog := range Programs() {
		got := map[string]bool{}
		for _, s := range policiesOf(t, b, prog) {
			if s["Effect"] != "Allow" {
				t.Errorf("%s: statement %v", prog, s)
			}
			for _, a := range strs(s["Action"]) {
				switch {
				case strings.HasPrefix(a, "dynamodb:"):
					res := s["Resource"]
					list, ok := res.([]any)
					if !ok {
						list = []any{res}
					}
					for _, r := range list {
						if !refersTo(r, tableID) {
							t.Errorf("%s: %s on %v, not the table", prog, a, r)
							continue
						}
						where := "table"
						if j := jsonString(r); strings.Contains(j, "/index/") {
							where = j[strings.Index(j, "/index/")+len("/index/"):]
							where = where[:strings.IndexAny(where, `"`)]
						}
						got[a+" "+where] = true
					}
				case prog == api.GroupAccounts && a == "ses:SendEmail":
					// MAIL_FROM_ADDRESS's identities only (notify_self.go).
					if r := jsonString(s["Resource"]); !strings.Contains(r, ":identity/hello@example.com") ||
						!strings.Contains(r, ":identity/example.com") || strings.Contains(r, `"*"`) {
						t.Errorf("%s: ses:SendEmail on %s", prog, r)
					}
				case prog == api.GroupAccounts && a == "sns:Publish" && s["NotResource"] != nil:
					// SMS to phone numbers only: every topic and endpoint is excluded.
					if jsonString(s["NotResource"]) != `"arn:aws:sns:*:*:*"` {
						t.Errorf("%s: SMS statement %v", prog, s)
					}
				case prog == api.GroupAccounts && s["Sid"] == "Push":
					// The account's platform applications and their endpoints (notify_push.go).
					if r := jsonString(s["Resource"]); !strings.Contains(r, ":app/*") || !strings.Contains(r, ":endpoint/*") || strings.Contains(r, `"*"`) {
						t.Errorf("%s: push statement on %s", prog, r)
					}
				case a == "logs:CreateLogStream" || a == "logs:PutLogEvents":
					if !refersTo(s["Resource"], b.idOf(b.stack.LogGroups[prog].Node().DefaultChild().(awscdk.CfnElement))) {
						t.Errorf("%s: %s on %v, not its log group", prog, a, s["Resource"])
					}
				default:
					t.Errorf("%s: unexpected action %s", prog, a)
				}
			}
		}
		if !reflect.DeepEqual(got, want[prog]) {
			t.Errorf("%s: DynamoDB permissions\n got %v\nwant %v", prog, sortedKeys(got), sortedKeys(want[prog]))
		}
	}

	// No wildcard action or resource anywhere in the stack's policies.
	for _, bb := range []*built{b, prodStack(t)} {
		for id, p := range bb.json.OfType("AWS::IAM::Policy") {
			for _, s := range p.Properties["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				st := s.(map[string]any)
				for _, a := range strs(st["Action"]) {
					if strings.Contains(a, "*") {
						t.Errorf("%s: wildcard action %s", id, a)
					}
				}
				for _, r := range strs(st["Resource"]) {
					if r == "*" {
						t.Errorf("%s: resource * for %v", id, st["Action"])
					}
				}
			}
		}
	}
}

func wafRule(t *testing.T, b *built) map[string]any {
	t.Helper()
	acls := b.json.OfType("AWS::WAFv2::WebACL")
	if len(acls) == 0 {
		return nil
	}
	if len(acls) != 1 {
		t.Fatalf("%d web ACLs", len(acls))
	}
	for _, a := range acls {
		rules := a.Properties["Rules"].([]any)
		if len(rules) != 1 {
			t.Fatalf("%d rules, want 1", len(rules))
		}
		return rules[0].(map[string]any)
	}
	return nil
}

func TestWAF(t *testing.T) {
	b := devStack(t)
	acls := b.json.OfType("AWS::WAFv2::WebACL")
	if len(acls) != 1 {
		t.Fatalf("%d web ACLs, want 1", len(acls))
	}
	var aclID string
	for id, a := range acls {
		aclID = id
		p := a.Properties
		if p["Scope"] != "REGIONAL" || !reflect.DeepEqual(p["DefaultAction"], map[string]any{"Allow": map[string]any{}}) {
			t.Errorf("scope %v default %v", p["Scope"], p["DefaultAction"])
		}
		rule := wafRule(t, b)
		rate := rule["Statement"].(map[string]any)["RateBasedStatement"].(map[string]any)
		if rate["Limit"] != float64(600) || rate["EvaluationWindowSec"] != float64(60) || rate["AggregateKeyType"] != "IP" {
			t.Errorf("rate statement %v, want 600 per 60 s per IP", rate)
		}
		resp := rule["Action"].(map[string]any)["Block"].(map[string]any)["CustomResponse"].(map[string]any)
		if resp["ResponseCode"] != float64(429) {
			t.Errorf("block response %v, want 429", resp)
		}
		body := p["CustomResponseBodies"].(map[string]any)[resp["CustomResponseBodyKey"].(string)].(map[string]any)
		if body["ContentType"] != "APPLICATION_JSON" || body["Content"] != `{"message":"Too Many Attempts."}` {
			t.Errorf("429 body %v", body)
		}
	}
	assoc := b.json.OfType("AWS::WAFv2::WebACLAssociation")
	stageID := b.idOf(b.stack.API.DeploymentStage().Node().DefaultChild().(awscdk.CfnElement))
	if len(assoc) != 1 {
		t.Fatalf("%d associations", len(assoc))
	}
	for _, a := range assoc {
		if !refersTo(a.Properties["WebACLArn"], aclID) || !refersTo(a.Properties["ResourceArn"], stageID) {
			t.Errorf("association %v: not the web ACL on the stage %s", a.Properties, stageID)
		}
	}
	// FLEXIAPI_RATE_LIMIT_PER_MINUTE=0: no rule, no web ACL.
	p := prodStack(t)
	if n := len(p.json.OfType("AWS::WAFv2::WebACL")) + len(p.json.OfType("AWS::WAFv2::WebACLAssociation")); n != 0 {
		t.Errorf("rate limit 0: %d WAF resources, want none", n)
	}
}

func TestStage(t *testing.T) {
	b := devStack(t)
	for _, s := range b.json.OfType("AWS::ApiGateway::Stage") {
		if s.Properties["StageName"] != "dev" {
			t.Errorf("stage %v", s.Properties["StageName"])
		}
		ms := s.Properties["MethodSettings"].([]any)[0].(map[string]any)
		if ms["ThrottlingRateLimit"] != float64(DefaultThrottleRate) || ms["ThrottlingBurstLimit"] != float64(DefaultThrottleBurst) {
			t.Errorf("throttling %v", ms)
		}
		if _, ok := s.Properties["AccessLogSetting"]; ok {
			t.Errorf("dev: access logs on by default")
		}
	}
	for _, s := range prodStack(t).json.OfType("AWS::ApiGateway::Stage") {
		if s.Properties["StageName"] != "prod" {
			t.Errorf("stage %v", s.Properties["StageName"])
		}
		if _, ok := s.Properties["AccessLogSetting"]; !ok {
			t.Errorf("prod: accessLogs=true gave no access log setting")
		}
	}
	for _, r := range b.json.OfType("AWS::ApiGateway::RestApi") {
		if !reflect.DeepEqual(r.Properties["EndpointConfiguration"], map[string]any{"Types": []any{"REGIONAL"}}) {
			t.Errorf("endpoint %v", r.Properties["EndpointConfiguration"])
		}
	}
	if n := len(b.json.OfType("AWS::ApiGateway::Stage")); n != 1 {
		t.Errorf("%d stages", n)
	}
}

func TestSchedule(t *testing.T) {
	b := devStack(t)
	rules := b.json.OfType("AWS::Events::Rule")
	if len(rules) != 1 {
		t.Fatalf("%d rules", len(rules))
	}
	for _, r := range rules {
		if r.Properties["ScheduleExpression"] != "cron(0 3 * * ? *)" || r.Properties["State"] != "ENABLED" {
			t.Errorf("schedule %v %v", r.Properties["ScheduleExpression"], r.Properties["State"])
		}
		targets := r.Properties["Targets"].([]any)
		if len(targets) != 1 || !refersTo(targets[0], b.fnID(Maintenance)) {
			t.Errorf("targets %v, want the maintenance function", targets)
		}
	}
}

func TestAlarms(t *testing.T) {
	for _, tc := range []struct {
		name  string
		b     func(*testing.T) *built
		email string
	}{{"dev", devStack, ""}, {"prod", prodStack, "ops@example.org"}} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b(t)
			topics := b.json.OfType("AWS::SNS::Topic")
			subs := b.json.OfType("AWS::SNS::Subscription")
			var topic string
			if tc.email == "" {
				if len(topics)+len(subs) != 0 {
					t.Errorf("no alarmEmail: %d topics %d subscriptions", len(topics), len(subs))
				}
			} else {
				if len(topics) != 1 || len(subs) != 1 {
					t.Fatalf("%d topics %d subscriptions, want 1 and 1", len(topics), len(subs))
				}
				for id := range topics {
					topic = id
				}
				for _, s := range subs {
					if s.Properties["Protocol"] != "email" || s.Properties["Endpoint"] != tc.email || !refersTo(s.Properties["TopicArn"], topic) {
						t.Errorf("subscription %v", s.Properties)
					}
				}
			}
			// The authorizer's "Unauthorized" answers are Lambda Errors: its
			// alarm counts its failure log lines instead.
			want := map[string]bool{"AWS/ApiGateway 5XXError": true, "FlexiAPI/" + b.stack.Settings.Stage + " AuthorizerFailures": true,
				// observability.go: p99 latency, the table's throttles (a sum of
				// its read and write throttle events), WAF blocks when there is a
				// web ACL; the machine API's 5xx and latency, and its 4xx rate
				// in metric math (no namespace of its own): TestMachineAlarms.
				"AWS/ApiGateway Latency": true, "math AWS/DynamoDB ReadThrottleEvents+WriteThrottleEvents": true,
				"AWS/ApiGateway 5xx": true, "math AWS/ApiGateway 4xx+Count": true}
			if b.stack.WebACL != nil {
				want["AWS/WAFV2 BlockedRequests"] = true
			}
			for _, prog := range Programs() {
				if prog != Authorizer {
					want["AWS/Lambda Errors "+b.fnID(prog)] = true
				}
				want["AWS/Lambda Throttles "+b.fnID(prog)] = true
			}
			filters := b.json.OfType("AWS::Logs::MetricFilter")
			if len(filters) != 1 {
				t.Fatalf("%d metric filters, want the authorizer's", len(filters))
			}
			for _, f := range filters {
				if pat := fmt.Sprint(f.Properties["FilterPattern"]); !strings.Contains(pat, "authorizer failure") {
					t.Errorf("filter pattern %s", pat)
				}
			}
			got := map[string]bool{}
			for id, a := range b.json.OfType("AWS::CloudWatch::Alarm") {
				p := a.Properties
				key := fmt.Sprint(p["Namespace"], " ", p["MetricName"])
				if ms, ok := p["Metrics"].([]any); ok {
					var names []string
					ns := ""
					for _, m := range ms {
						if stat, ok := m.(map[string]any)["MetricStat"].(map[string]any); ok {
							metric := stat["Metric"].(map[string]any)
							ns = fmt.Sprint(metric["Namespace"])
							names = append(names, fmt.Sprint(metric["MetricName"]))
						}
					}
					sort.Strings(names)
					key = "math " + ns + " " + strings.Join(names, "+")
				}
				if p["Namespace"] == "AWS/Lambda" {
					key += " " + strings.Join(refs(p["Dimensions"]), ",")
				}
				got[key] = true
				actions, _ := p["AlarmActions"].([]any)
				if (topic == "") != (len(actions) == 0) || topic != "" && !refersTo(actions, topic) {
					t.Errorf("alarm %s: actions %v, topic %q", id, actions, topic)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("alarms\n got %v\nwant %v", sortedKeys(got), sortedKeys(want))
			}
		})
	}
}

func TestOutputs(t *testing.T) {
	b := devStack(t)
	tableID := b.idOf(b.stack.Table.Node().DefaultChild().(awscdk.CfnElement))
	apiID := b.idOf(b.stack.API.Node().DefaultChild().(awscdk.CfnElement))
	out := b.json.Outputs
	if o, ok := out["TableName"]; !ok || !reflect.DeepEqual(o.Value, map[string]any{"Ref": tableID}) {
		t.Errorf("TableName output %+v", o)
	}
	if o, ok := out["ApiUrl"]; !ok || !refersTo(o.Value, apiID) || !strings.Contains(jsonString(o.Value), "execute-api") {
		t.Errorf("ApiUrl output %+v", o)
	}
	catch(t, "outputs (assertions)", func() {
		b.template.HasOutput(jsii.String("TableName"), &map[string]any{"Value": map[string]any{"Ref": tableID}})
		b.template.HasOutput(jsii.String("ApiUrl"), &map[string]any{})
	})
}

// TestStackNames: the stack of a stage is FlexiAPI-<stage>.
func TestStackNames(t *testing.T) {
	if got := *devStack(t).stack.StackName(); got != "FlexiAPI-dev" {
		t.Errorf("stack %s", got)
	}
	if got := *prodStack(t).stack.StackName(); got != "FlexiAPI-prod" {
		t.Errorf("stack %s", got)
	}
}

// TestExistingTable: a table restored from a point in time is put in
// service with -c existingTable=<name>: the stack creates no table and the
// functions use, and may only touch, that one.
func TestExistingTable(t *testing.T) {
	b := build(t, "existing", map[string]any{CtxStage: "restored", CtxExistingTable: "flexiapi-restored-2026"})
	if n := len(b.json.OfType("AWS::DynamoDB::Table")); n != 0 {
		t.Fatalf("%d tables created, want none", n)
	}
	for id, fn := range b.json.OfType("AWS::Lambda::Function") {
		env, _ := fn.Properties["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		if vars["FLEXIAPI_TABLE"] != "flexiapi-restored-2026" {
			t.Errorf("%s: FLEXIAPI_TABLE %v", id, vars["FLEXIAPI_TABLE"])
		}
	}
	for id, p := range b.json.OfType("AWS::IAM::Policy") {
		doc, _ := json.Marshal(p.Properties["PolicyDocument"])
		if strings.Contains(string(doc), "dynamodb:") && !strings.Contains(string(doc), "table/flexiapi-restored-2026") {
			t.Errorf("%s grants DynamoDB actions on another table: %s", id, doc)
		}
	}
}
