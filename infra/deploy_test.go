package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// sampleConfig is the repository's sample deploy configuration.
const sampleConfig = "deploy/example.json"

// notInSample are the settings the sample leaves out, each documented in
// deploy/README.md: the zips' folder, the restore-only table keys, and
// the certificate of the Flexisip load balancer the sample leaves off.
var notInSample = []string{CtxDist, CtxExistingTable, CtxExistingTableStream, CtxLoadBalancerCertificate}

func readSample(t *testing.T) map[string]any {
	t.Helper()
	root, err := FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// bareSample is the sample without its custom domain and VPC settings.
func bareSample(t *testing.T) string {
	m := readSample(t)
	delete(m, CtxDomains)
	delete(m, CtxVPC)
	return writeConfig(t, m)
}

func sampleStack(t *testing.T) *built {
	return build(t, "sample", map[string]any{CtxConfig: sampleConfig})
}

func bareSampleStack(t *testing.T) *built {
	return build(t, "sample-bare", map[string]any{CtxConfig: bareSample(t)})
}

// TestSampleDocumented: the sample holds every setting but the
// restore-only ones, and deploy/README.md documents every setting.
func TestSampleDocumented(t *testing.T) {
	root, _ := FindRepoRoot(".")
	readme, err := os.ReadFile(filepath.Join(root, "deploy", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sample := readSample(t)
	var missing []string
	for k := range settingKeys() {
		if !strings.Contains(string(readme), "`"+k+"`") {
			t.Errorf("deploy/README.md does not document %s", k)
		}
		if _, ok := sample[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	want := append([]string(nil), notInSample...)
	sort.Strings(want)
	if !reflect.DeepEqual(missing, want) {
		t.Errorf("settings left out of the sample: %v, want %v", missing, want)
	}
	for _, k := range []string{"name", "certificateArn", "basePath", "hostedZoneId", "subnets", "securityGroups", "schedule", "deleteAfterDays"} {
		if !strings.Contains(string(readme), "`"+k+"`") {
			t.Errorf("deploy/README.md does not document the field %s", k)
		}
	}
}

// TestSampleWithDomainAndVPC: the sample's custom domain (domain name,
// base path mapping, DNS record, outputs, APP_URL) and VPC placements.
func TestSampleWithDomainAndVPC(t *testing.T) {
	b := sampleStack(t)
	s := b.stack.Settings
	if s.Stage != "prod" || !s.Production || s.Backup == nil {
		t.Fatalf("settings from the file: stage %q production %v backup %v", s.Stage, s.Production, s.Backup)
	}
	catch(t, "domain", func() {
		b.template.ResourceCountIs(jsii.String("AWS::ApiGateway::DomainName"), jsii.Number(1))
		b.template.HasResourceProperties(jsii.String("AWS::ApiGateway::DomainName"), &map[string]any{
			"DomainName":             "flexiapi.example.org",
			"RegionalCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
			"EndpointConfiguration":  map[string]any{"Types": []any{"REGIONAL"}},
			"SecurityPolicy":         "TLS_1_2",
		})
		b.template.ResourceCountIs(jsii.String("AWS::ApiGateway::BasePathMapping"), jsii.Number(1))
		b.template.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), &map[string]any{
			"HostedZoneId": "Z0123456789ABCDEFGHIJ", "Name": "flexiapi.example.org.", "Type": "A",
		})
		b.template.HasOutput(jsii.String("RestDomainUrl"), &map[string]any{"Value": "https://flexiapi.example.org/"})
		b.template.HasOutput(jsii.String("RestDomainTarget"), &map[string]any{})
	})
	for _, m := range b.json.OfType("AWS::ApiGateway::BasePathMapping") {
		p := m.Properties
		if _, ok := p["BasePath"]; ok {
			t.Errorf("the sample maps the root: BasePath %v", p["BasePath"])
		}
		if !refersTo(p["RestApiId"], b.idOf(b.stack.API.Node().DefaultChild().(awscdk.CfnElement))) || p["Stage"] == nil {
			t.Errorf("mapping %v", p)
		}
	}
	// APP_URL follows the domain in every endpoint function.
	for _, g := range []string{"accounts", "resources", "meta"} {
		vars := b.json.Resources[b.fnID(g)].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if vars["APP_URL"] != "https://flexiapi.example.org" {
			t.Errorf("%s: APP_URL %v", g, vars["APP_URL"])
		}
	}
	// VPC: accounts and flexisip-sync, each with its own groups; nothing else.
	want := map[string][]any{
		"accounts":   {"sg-0a1b2c3d4e5f60718"},
		FlexisipSync: {"sg-0f1e2d3c4b5a69788"},
	}
	for _, p := range append(Programs(), FlexisipSync) {
		fn := b.json.Resources[b.fnID(p)]
		vpc, has := fn.Properties["VpcConfig"].(map[string]any)
		if sg, placed := want[p]; placed {
			if !has || !reflect.DeepEqual(vpc["SecurityGroupIds"], sg) ||
				!reflect.DeepEqual(vpc["SubnetIds"], []any{"subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"}) {
				t.Errorf("%s: VpcConfig %v", p, fn.Properties["VpcConfig"])
			}
			if !strings.Contains(jsonString(b.json.Resources), "ec2:CreateNetworkInterface") {
				t.Errorf("%s: no network interface permission", p)
			}
		} else if has {
			t.Errorf("%s is in a VPC: %v", p, vpc)
		}
	}
	catch(t, "vpc (assertions)", func() {
		b.template.HasResourceProperties(jsii.String("AWS::Lambda::Function"), &map[string]any{
			"Description": "FlexiAPI accounts, stage prod",
			"VpcConfig":   map[string]any{"SecurityGroupIds": []any{"sg-0a1b2c3d4e5f60718"}},
		})
	})
}

// TestSampleWithoutDomainAndVPC: the same file without those settings
// has no domain, no VPC, and no APP_URL: links follow the request.
func TestSampleWithoutDomainAndVPC(t *testing.T) {
	b := bareSampleStack(t)
	for _, typ := range []string{"AWS::ApiGateway::DomainName", "AWS::ApiGateway::BasePathMapping", "AWS::Route53::RecordSet"} {
		if n := len(b.json.OfType(typ)); n != 0 {
			t.Errorf("%d %s", n, typ)
		}
	}
	for id, fn := range b.json.OfType("AWS::Lambda::Function") {
		if _, ok := fn.Properties["VpcConfig"]; ok {
			t.Errorf("%s in a VPC", id)
		}
		vars, _ := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if _, ok := vars["APP_URL"]; ok {
			t.Errorf("%s: APP_URL %v without a domain", id, vars["APP_URL"])
		}
	}
	if _, ok := b.json.Outputs["RestDomainUrl"]; ok {
		t.Error("a domain output without a domain")
	}
}

// TestObservability: the dashboard covers the API, each function, the
// table and the WAF; the backup plan selects the table; tracing is off
// unless asked.
func TestObservability(t *testing.T) {
	b := devStack(t)
	dashes := b.json.OfType("AWS::CloudWatch::Dashboard")
	if len(dashes) != 1 {
		t.Fatalf("%d dashboards", len(dashes))
	}
	for _, d := range dashes {
		body := jsonString(d.Properties["DashboardBody"])
		for _, want := range []string{"AWS/ApiGateway", "Count", "4XXError", "5XXError", "p99", "AWS/Lambda", "Invocations", "Duration",
			"AWS/DynamoDB", "ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents",
			"AWS/WAFV2", "AllowedRequests", "BlockedRequests"} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard without %s", want)
			}
		}
		for _, p := range Programs() {
			if !strings.Contains(body, b.fnID(p)) {
				t.Errorf("dashboard without the %s function", p)
			}
		}
	}
	if n := len(b.json.OfType("AWS::Backup::BackupPlan")); n != 0 {
		t.Errorf("%d backup plans without the setting", n)
	}
	for id, fn := range b.json.OfType("AWS::Lambda::Function") {
		if _, ok := fn.Properties["TracingConfig"]; ok {
			t.Errorf("%s traced without the setting", id)
		}
	}

	traced := build(t, "traced", map[string]any{CtxStage: "tr", CtxTracing: "true", CtxBackup: `{"deleteAfterDays": 90}`})
	for id, fn := range traced.json.OfType("AWS::Lambda::Function") {
		if !reflect.DeepEqual(fn.Properties["TracingConfig"], map[string]any{"Mode": "Active"}) {
			t.Errorf("%s: TracingConfig %v", id, fn.Properties["TracingConfig"])
		}
	}
	catch(t, "tracing and backup", func() {
		traced.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), &map[string]any{"TracingEnabled": true})
		traced.template.HasResourceProperties(jsii.String("AWS::Backup::BackupPlan"), &map[string]any{
			"BackupPlan": map[string]any{"BackupPlanRule": []any{assertions.Match_ObjectLike(&map[string]any{
				"ScheduleExpression": "cron(0 4 * * ? *)", "Lifecycle": map[string]any{"DeleteAfterDays": 90},
			})}},
		})
		traced.template.ResourceCountIs(jsii.String("AWS::Backup::BackupSelection"), jsii.Number(1))
	})
	tableID := traced.idOf(traced.stack.Table.Node().DefaultChild().(awscdk.CfnElement))
	for _, sel := range traced.json.OfType("AWS::Backup::BackupSelection") {
		if !refersTo(sel.Properties["BackupSelection"], tableID) {
			t.Errorf("the backup selection does not name the table: %v", sel.Properties)
		}
	}
}

// TestEnvironmentSize: an environment over 4 KB fails the synth, naming
// the function, the variable and what to do instead; one under passes.
func TestEnvironmentSize(t *testing.T) {
	rc := "[sip]\n" + strings.Repeat("contact_filter=sip:a-long-line-of-a-linphonerc@sip.example.org\n", 70)
	app := newApp(t, map[string]any{CtxStage: "big", CtxConfig: writeConfig(t, map[string]any{"ACCOUNT_PROVISIONING_RC_FILE": rc})})
	_, err := Build(app)
	if err == nil {
		t.Fatal("a 4.6 KB environment was accepted")
	}
	for _, want := range []string{"function authorizer", "over Lambda's limit of 4096", "ACCOUNT_PROVISIONING_RC_FILE holds",
		`write "ACCOUNT_PROVISIONING_RC_FILE": {"ssmParameter": "/flexiapi/big/account-provisioning-rc-file"} in the deploy file`,
		"aws ssm put-parameter --name /flexiapi/big/account-provisioning-rc-file --type SecureString --tier Advanced",
		"keep in the linphonerc only the sections the apps need"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message without %q: %v", want, err)
		}
	}
	small := newApp(t, map[string]any{CtxStage: "small", CtxConfig: writeConfig(t, map[string]any{"ACCOUNT_PROVISIONING_RC_FILE": rc[:2500]})})
	if _, err := Build(small); err != nil {
		t.Fatalf("a 2.5 KB value: %v", err)
	}
	if err := checkEnvironment("x", "prod", map[string]*string{"APP_NAME": jsii.String(strings.Repeat("n", 5000))}); err == nil ||
		!strings.Contains(err.Error(), "APP_NAME holds 5000") || !strings.Contains(err.Error(), `"APP_NAME": {"ssmParameter": "/flexiapi/prod/app-name"}`) {
		t.Errorf("another variable: %v", err)
	}
}

// subs lists, sorted, the Fn::Sub strings of one resource or a list.
func subs(v any) []string {
	var out []string
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, fmt.Sprint(m["Fn::Sub"]))
		}
	}
	sort.Strings(out)
	return out
}

// TestSSMParameters: a linphonerc far over the 4 KB environment given as
// an SSM parameter synthesizes; each function's environment holds the
// mapping, not the value; each role may read that parameter and no other
// (the name's leading slash is not doubled in the ARN); a parameter for a
// secret stops the stack generating APP_KEY; flexisip-sync gets only
// APP_SIP_DOMAIN's parameter.
func TestSSMParameters(t *testing.T) {
	b := build(t, "ssm", map[string]any{CtxStage: "ssm", CtxFlexisipSecret: testSecretARN, CtxConfig: writeConfig(t, map[string]any{
		"ACCOUNT_PROVISIONING_RC_FILE": map[string]any{"ssmParameter": "/flexiapi/ssm/linphonerc"},
		"APP_KEY":                      map[string]any{"ssmParameter": "/flexiapi/ssm/app-key"},
		"APP_SIP_DOMAIN":               map[string]any{"ssmParameter": "flexiapi-sip-domain"},
		"APP_NAME":                     "Example VoIP",
	})})
	if b.stack.AppKey != nil {
		t.Error("APP_KEY given as a parameter, and the stack generated one")
	}
	mapping := `{"ACCOUNT_PROVISIONING_RC_FILE":"/flexiapi/ssm/linphonerc","APP_KEY":"/flexiapi/ssm/app-key","APP_SIP_DOMAIN":"flexiapi-sip-domain"}`
	arn := func(name string) map[string]any {
		return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/" + name}
	}
	want := map[string][]any{"": {arn("flexiapi/ssm/linphonerc"), arn("flexiapi/ssm/app-key"), arn("flexiapi-sip-domain")}}
	programs := append(Programs(), FlexisipSync)
	for _, p := range programs {
		fn := b.json.Resources[b.fnID(p)]
		vars, _ := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		wantMapping, wantARNs := mapping, want[""]
		if p == FlexisipSync {
			wantMapping, wantARNs = `{"APP_SIP_DOMAIN":"flexiapi-sip-domain"}`, []any{arn("flexiapi-sip-domain")}
		}
		if vars["FLEXIAPI_SSM_PARAMETERS"] != wantMapping {
			t.Errorf("%s: FLEXIAPI_SSM_PARAMETERS=%v, want %s", p, vars["FLEXIAPI_SSM_PARAMETERS"], wantMapping)
		}
		for _, name := range []string{"ACCOUNT_PROVISIONING_RC_FILE", "APP_KEY", "APP_SIP_DOMAIN"} {
			if _, ok := vars[name]; ok {
				t.Errorf("%s: %s is in the environment: %v", p, name, vars[name])
			}
		}
		var found []any
		for _, pol := range b.json.OfType("AWS::IAM::Policy") {
			if !refersTo(pol.Properties["Roles"], b.idOf(b.stack.Functions[p].Role().Node().DefaultChild().(awscdk.CfnElement))) {
				continue
			}
			for _, st := range pol.Properties["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				st := st.(map[string]any)
				if jsonString(st["Action"]) == `"ssm:GetParameters"` {
					found = append(found, st["Resource"])
				} else if strings.Contains(jsonString(st["Action"]), "ssm:") {
					t.Errorf("%s: another SSM statement: %v", p, st)
				}
			}
		}
		if len(found) != 1 || strings.Join(subs(found[0]), " ") != strings.Join(subs(wantARNs), " ") {
			t.Errorf("%s: ssm:GetParameters on %s, want %s", p, jsonString(found), jsonString(wantARNs))
		}
	}
	plain := devStack(t)
	for _, pol := range plain.json.OfType("AWS::IAM::Policy") {
		if strings.Contains(jsonString(pol.Properties), "ssm:") {
			t.Errorf("no parameter, yet an SSM statement: %v", pol.Properties)
		}
	}
	if vars := plain.json.Resources[plain.fnID(Authorizer)].Properties["Environment"].(map[string]any)["Variables"].(map[string]any); vars["FLEXIAPI_SSM_PARAMETERS"] != nil {
		t.Errorf("no parameter, yet FLEXIAPI_SSM_PARAMETERS=%v", vars["FLEXIAPI_SSM_PARAMETERS"])
	}
}

// TestDeployFileSettings: the file's settings, the command line over them,
// typos and FlexiAPI's own variables refused with a pointer.
func TestDeployFileSettings(t *testing.T) {
	file := writeConfig(t, map[string]any{"stage": "fromfile", "accountsMemory": 512, "APP_SIP_DOMAIN": "sip.example.org"})
	s, err := LoadSettings(ctxOf(map[string]any{CtxConfig: file}), "/repo", "/repo/infra")
	if err != nil || s.Stage != "fromfile" || s.Sizing["accounts"].MemoryMB != 512 || s.Env["APP_SIP_DOMAIN"] != "sip.example.org" {
		t.Fatalf("%+v %v", s, err)
	}
	s, err = LoadSettings(ctxOf(map[string]any{CtxConfig: file, CtxStage: "cli"}), "/repo", "/repo/infra")
	if err != nil || s.Stage != "cli" {
		t.Fatalf("the command line wins: %v %v", s, err)
	}
	for name, tc := range map[string]struct {
		file map[string]any
		want string
	}{
		"typo":          {map[string]any{"stge": "x"}, "stge: not a setting of the stack"},
		"config inside": {map[string]any{"config": "other.json"}, "config: not a setting"},
		"FlexiAPI DB":   {map[string]any{"DB_HOST": "127.0.0.1"}, "DB_HOST is FlexiAPI's, not ours: the accounts live in the stack's DynamoDB table"},
		"OVH":           {map[string]any{"OVH_APP_SENDER": "x"}, "docs/operations.md, section 2"},
		"unknown":       {map[string]any{"APP_SIP_DOMAN": "x"}, "maps FlexiAPI's .env"},
		"bad vpc":       {map[string]any{"vpc": map[string]any{"nope": map[string]any{}}}, `"nope" is not a function of the stack`},
		"vpc field":     {map[string]any{"vpc": map[string]any{"accounts": map[string]any{"subnet": []any{"subnet-0a1b2c3d4e5f60718"}}}}, "unknown field"},
		"domain name":   {map[string]any{"domains": map[string]any{"rest": map[string]any{"name": "Not A Domain", "certificateArn": "x"}}}, "not a lower-case domain name"},
		"domain cert":   {map[string]any{"domains": map[string]any{"rest": map[string]any{"name": "a.example.org", "certificateArn": "x"}}}, "not an ACM certificate ARN"},
		"domain api":    {map[string]any{"domains": map[string]any{"soap": map[string]any{}}}, `"soap" is not an API of the stack`},
		"base path":     {map[string]any{"domains": map[string]any{"rest": map[string]any{"name": "a.example.org", "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "basePath": "a/b"}}}, "one path segment"},
		"backup":        {map[string]any{"backup": map[string]any{"schedule": "rate(1 day)"}}, "must be a cron"},
		"latency":       {map[string]any{"latencyAlarmMs": 0}, "latencyAlarmMs=0"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadSettings(ctxOf(map[string]any{CtxConfig: writeConfig(t, tc.file)}), "/repo", "/repo/infra")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	// A base path goes into APP_URL; an explicit APP_URL wins.
	dom := map[string]any{"rest": map[string]any{"name": "example.org", "basePath": "flexiapi",
		"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"}}
	s, err = LoadSettings(ctxOf(map[string]any{CtxConfig: writeConfig(t, map[string]any{"domains": dom})}), "/repo", "/repo/infra")
	if err != nil || s.Env["APP_URL"] != "https://example.org/flexiapi" {
		t.Fatalf("APP_URL %q %v", s.Env["APP_URL"], err)
	}
	s, err = LoadSettings(ctxOf(map[string]any{CtxConfig: writeConfig(t, map[string]any{"domains": dom, "APP_URL": "https://links.example.org"})}), "/repo", "/repo/infra")
	if err != nil || s.Env["APP_URL"] != "https://links.example.org" {
		t.Fatalf("explicit APP_URL %q %v", s.Env["APP_URL"], err)
	}
}

// TestDeployChecklist: every step of docs/deploy.md gives its commands
// and, under **Verify**, a shell block; the steps cover the list.
func TestDeployChecklist(t *testing.T) {
	root, _ := FindRepoRoot(".")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	steps := strings.Split(string(doc), "\n### ")[1:]
	if len(steps) < 14 {
		t.Fatalf("%d steps", len(steps))
	}
	var titles []string
	for _, s := range steps {
		title, body, _ := strings.Cut(s, "\n")
		titles = append(titles, title)
		_, verify, ok := strings.Cut(body, "**Verify")
		if !ok || !strings.Contains(verify, "```sh\n") {
			t.Errorf("step %q: no **Verify** followed by a shell block", title)
			continue
		}
		block, _, _ := strings.Cut(strings.SplitN(verify, "```sh\n", 2)[1], "```")
		if strings.TrimSpace(block) == "" {
			t.Errorf("step %q: an empty verification block", title)
		}
	}
	all := strings.ToLower(strings.Join(titles, " | "))
	for _, want := range []string{"bootstrap", "configuration", "deploy", "custom domain", "ses", "sms", "push", "first admin",
		"flexisip", "provisioning", "import", "smoke", "roll back"} {
		if !strings.Contains(all, want) {
			t.Errorf("no step about %q in %s", want, all)
		}
	}
}
