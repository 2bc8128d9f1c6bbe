package main

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

const (
	machineDomain      = "flexisip-api.example.org"
	machineCertificate = "arn:aws:acm:eu-west-1:123456789012:certificate/0d3a6f7e-1111-4a2b-9c3d-5e6f7a8b9c0d"
)

// machineOptions adds the machine API's custom domain and the statistics
// load balancer.
var machineOptions = map[string]any{
	CtxStage: "edge",
	CtxDomains: map[string]any{APIMachine: map[string]any{
		"name":           machineDomain,
		"certificateArn": machineCertificate,
	}},
	CtxLoadBalancer:            true,
	CtxLoadBalancerCertificate: "arn:aws:acm:eu-west-1:123456789012:certificate/7e6d5c4b-2222-4a2b-9c3d-5e6f7a8b9c0d",
	CtxMachineThrottleRate:     300,
	CtxMachineThrottleBurst:    600,
}

func machineStack(t *testing.T) *built { return build(t, "machine", machineOptions) }

// TestMachineRoutes: one HTTP API whose routes are exactly the machine
// rows of the route table (method and gateway path), each on its group's
// function through a Lambda proxy integration with payload format 1.0,
// without any authorizer.
func TestMachineRoutes(t *testing.T) {
	b := devStack(t)
	apis := b.json.OfType("AWS::ApiGatewayV2::Api")
	if len(apis) != 1 {
		t.Fatalf("%d HTTP APIs, want 1", len(apis))
	}
	for _, a := range apis {
		if a.Properties["ProtocolType"] != "HTTP" {
			t.Fatalf("protocol %v", a.Properties["ProtocolType"])
		}
	}
	integrations := b.json.OfType("AWS::ApiGatewayV2::Integration")
	fnOf := map[string]string{} // integration id → function logical id
	for id, in := range integrations {
		p := in.Properties
		if p["IntegrationType"] != "AWS_PROXY" || p["PayloadFormatVersion"] != "1.0" {
			t.Errorf("integration %s: %v %v, want AWS_PROXY and payload format 1.0", id, p["IntegrationType"], p["PayloadFormatVersion"])
		}
		if f := refs(p["IntegrationUri"]); len(f) == 1 {
			fnOf[id] = f[0]
		}
	}
	want := map[string]string{}
	for _, r := range MachineRoutes().Routes() {
		if !r.On(api.Machine) {
			t.Fatalf("%s is not a machine row", r.ID())
		}
		want[r.Method+" "+api.Routes.GatewayPath(r)] = b.fnID(r.Group)
	}
	got := map[string]string{}
	for id, r := range b.json.OfType("AWS::ApiGatewayV2::Route") {
		p := r.Properties
		key := fmt.Sprint(p["RouteKey"])
		if _, dup := got[key]; dup {
			t.Errorf("route %s declared twice", key)
		}
		target := strings.Join(refs(p["Target"]), ",")
		got[key] = fnOf[target]
		if at, ok := p["AuthorizationType"]; ok && at != "NONE" {
			t.Errorf("route %s (%s): authorization %v: the functions check the key", key, id, at)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("routes\n got %v\nwant %v", got, want)
	}
	if len(want) < 19 {
		t.Errorf("%d machine routes: the five ingestion routes under two prefixes, eight conference routes and the SIP check are 19", len(want))
	}
	t.Logf("%d machine routes on %d integrations", len(got), len(integrations))
}

// TestMachineStage: the $default stage, auto-deployed, throttles every
// route and writes the access log format of api.MachineAccessLog, which
// holds no query string nor path, to a log group of the stack.
func TestMachineStage(t *testing.T) {
	for name, c := range map[string]struct {
		b           func(*testing.T) *built
		rate, burst float64
	}{
		"dev":     {devStack, DefaultMachineThrottleRate, DefaultMachineThrottleBurst},
		"machine": {machineStack, 300, 600},
	} {
		t.Run(name, func(t *testing.T) {
			b := c.b(t)
			stages := b.json.OfType("AWS::ApiGatewayV2::Stage")
			if len(stages) != 1 {
				t.Fatalf("%d HTTP API stages", len(stages))
			}
			for _, s := range stages {
				p := s.Properties
				if p["StageName"] != "$default" || p["AutoDeploy"] != true {
					t.Errorf("stage %v auto-deploy %v", p["StageName"], p["AutoDeploy"])
				}
				rs, _ := p["DefaultRouteSettings"].(map[string]any)
				if rs["ThrottlingRateLimit"] != c.rate || rs["ThrottlingBurstLimit"] != c.burst {
					t.Errorf("route throttling %v, want %v/%v", rs, c.rate, c.burst)
				}
				al, _ := p["AccessLogSettings"].(map[string]any)
				format := fmt.Sprint(al["Format"])
				if format != api.MachineAccessLogFormat() {
					t.Errorf("access log format %s", format)
				}
				for _, leak := range []string{"$context.path", "querystring", "$input", "$context.requestOverride"} {
					if strings.Contains(strings.ToLower(format), strings.ToLower(leak)) {
						t.Errorf("the access log format holds %s", leak)
					}
				}
				lg := refs(al["DestinationArn"])
				if len(lg) != 1 || b.json.Resources[lg[0]].Type != "AWS::Logs::LogGroup" || b.json.Resources[lg[0]].Properties["LogGroupClass"] != "INFREQUENT_ACCESS" {
					t.Errorf("access log destination %v: an Infrequent Access log group of the stack", al["DestinationArn"])
				}
			}
			catch(t, "stage (assertions)", func() {
				b.template.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), &map[string]any{
					"StageName": "$default", "AutoDeploy": true,
					"AccessLogSettings": map[string]any{"Format": api.MachineAccessLogFormat()},
				})
			})
		})
	}
}

// TestLambdaLogFormat: every function logs JSON, Lambda's own lines at
// WARN and above only (no START/END/REPORT), ours from INFO.
func TestLambdaLogFormat(t *testing.T) {
	b := devStack(t)
	for _, prog := range Programs() {
		lc, _ := b.json.Resources[b.fnID(prog)].Properties["LoggingConfig"].(map[string]any)
		if lc["LogFormat"] != "JSON" || lc["SystemLogLevel"] != "WARN" || lc["ApplicationLogLevel"] != "INFO" {
			t.Errorf("%s: logging config %v", prog, lc)
		}
	}
}

// TestMachineAlarms: the machine API's 5xx, p99 latency and 4xx rate
// (Flexisip logs a 4xx as a success), all on this HTTP API.
func TestMachineAlarms(t *testing.T) {
	b := devStack(t)
	apiID := b.idOf(b.stack.MachineAPI.Node().DefaultChild().(awscdk.CfnElement))
	found := map[string]bool{}
	for id, a := range b.json.OfType("AWS::CloudWatch::Alarm") {
		p := a.Properties
		switch {
		case p["MetricName"] == "5xx" && refersTo(p["Dimensions"], apiID):
			found["5xx"] = p["Threshold"] == float64(5)
		case p["MetricName"] == "Latency" && refersTo(p["Dimensions"], apiID):
			found["latency"] = p["ExtendedStatistic"] == "p99" && p["Threshold"] == float64(DefaultMachineLatencyMS)
		case strings.Contains(jsonString(p["Metrics"]), "100 * errors / requests"):
			ms := jsonString(p["Metrics"])
			found["4xx rate"] = refersTo(p["Metrics"], apiID) && strings.Contains(ms, `"MetricName":"4xx"`) &&
				strings.Contains(ms, `"MetricName":"Count"`) && p["Threshold"] == float64(DefaultMachine4xxPercent)
			if !found["4xx rate"] {
				t.Errorf("alarm %s: %s", id, ms)
			}
		}
	}
	for _, k := range []string{"5xx", "latency", "4xx rate"} {
		if !found[k] {
			t.Errorf("no or a wrong %s alarm on the machine API", k)
		}
	}
}

// TestMachineOptions: the custom domain maps the $default stage; the
// Flexisip load balancer listens on HTTPS with its certificate and
// sends /api/flexisip/* to the SIP check and the rest to the statistics function, multi-value headers on.
func TestMachineOptions(t *testing.T) {
	b := machineStack(t)
	doms := b.json.OfType("AWS::ApiGatewayV2::DomainName")
	maps := b.json.OfType("AWS::ApiGatewayV2::ApiMapping")
	if len(doms) != 1 || len(maps) != 1 {
		t.Fatalf("%d domain names, %d API mappings", len(doms), len(maps))
	}
	for _, d := range doms {
		cfg := jsonString(d.Properties["DomainNameConfigurations"])
		if d.Properties["DomainName"] != machineDomain || !strings.Contains(cfg, machineCertificate) {
			t.Errorf("domain %v", d.Properties)
		}
	}
	if _, ok := b.json.Outputs["MachineDomainTarget"]; !ok {
		t.Error("no DNS target output for the custom domain")
	}
	if u, ok := b.json.Outputs["MachineDomainUrl"]; !ok || !strings.Contains(jsonString(u), "https://"+machineDomain+"/") {
		t.Errorf("MachineDomainUrl output %v", u)
	}
	if n := len(devStack(t).json.OfType("AWS::ApiGatewayV2::DomainName")) + len(devStack(t).json.OfType("AWS::ElasticLoadBalancingV2::LoadBalancer")); n != 0 {
		t.Errorf("the default stack has %d domain names and load balancers", n)
	}
	listeners := b.json.OfType("AWS::ElasticLoadBalancingV2::Listener")
	groups := b.json.OfType("AWS::ElasticLoadBalancingV2::TargetGroup")
	rules := b.json.OfType("AWS::ElasticLoadBalancingV2::ListenerRule")
	if len(b.json.OfType("AWS::ElasticLoadBalancingV2::LoadBalancer")) != 1 || len(listeners) != 1 || len(groups) != 2 || len(rules) != 1 {
		t.Fatalf("%d listeners, %d target groups, %d rules", len(listeners), len(groups), len(rules))
	}
	for _, r := range rules {
		if !strings.Contains(jsonString(r.Properties["Conditions"]), "/api/flexisip/*") {
			t.Errorf("rule %v", r.Properties)
		}
	}
	for _, l := range listeners {
		p := l.Properties
		if p["Protocol"] != "HTTPS" || p["Port"] != float64(443) || !strings.Contains(jsonString(p["Certificates"]), machineOptions[CtxLoadBalancerCertificate].(string)) {
			t.Errorf("listener %v", p)
		}
	}
	targets := map[string]bool{}
	for _, g := range groups {
		p := g.Properties
		for _, grp := range []string{api.GroupStatistics, api.GroupExtAuth} {
			if refersTo(p["Targets"], b.fnID(grp)) {
				targets[grp] = true
			}
		}
		if p["TargetType"] != "lambda" || !strings.Contains(jsonString(p["TargetGroupAttributes"]), `"Key":"lambda.multi_value_headers.enabled","Value":"true"`) {
			t.Errorf("target group %v", p)
		}
	}
	if !targets[api.GroupStatistics] || !targets[api.GroupExtAuth] {
		t.Errorf("target groups of %v", targets)
	}
	perms := map[string]int{}
	for _, p := range b.json.OfType("AWS::Lambda::Permission") {
		if p.Properties["Principal"] == "elasticloadbalancing.amazonaws.com" {
			perms[strings.Join(refs(p.Properties["FunctionName"]), ",")]++
		}
	}
	if perms[b.fnID(api.GroupStatistics)] != 1 || perms[b.fnID(api.GroupExtAuth)] != 1 {
		t.Errorf("load balancer permissions %v", perms)
	}
}
