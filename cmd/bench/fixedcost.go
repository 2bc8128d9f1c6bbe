package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// The fixed monthly cost of a deployed stack (section 8): the CDK app of
// infra/ synthesized as `cdk synth` runs it (its context in
// CDK_CONTEXT_JSON, its output folder in CDK_OUTDIR), for a bare default
// stack and for the sample deploy configuration, then the resources of
// each template that have a monthly or hourly price counted and priced.

// sampleDeployConfig is the repository's sample deploy configuration.
const sampleDeployConfig = "deploy/example.json"

// stackVariant is one synthesized configuration and what it costs.
type stackVariant struct {
	name   string
	config string // deploy configuration file; "" for the defaults
	fixed  *fixedCost
	took   time.Duration
	err    error
}

// fixedItem is one priced kind of resource of a template.
type fixedItem struct {
	key     string  // stable row key across variants
	what    string  // the item, as the table shows it
	price   string  // unit price, as the table shows it
	count   float64 // units priced (alarm metrics, rules, hours...)
	detail  string  // what was counted
	monthly float64
	// usage: charged only in the hours it is used (a custom metric with
	// no data point costs nothing); shown, not in the total.
	usage bool
}

// fixedCost is a template's fixed monthly cost.
type fixedCost struct {
	items []fixedItem
	total float64
	// free counts the resources per type that have no fixed price
	// (priced by use, or free); unknown lists the types the price table
	// does not know.
	free    map[string]int
	unknown []string
}

// cfnTemplate is the part of a CloudFormation template the pricing reads.
type cfnTemplate struct {
	Resources map[string]struct {
		Type       string         `json:"Type"`
		Properties map[string]any `json:"Properties"`
	} `json:"Resources"`
}

// freeTypes have no monthly or hourly price: they cost nothing, or only
// by use (requests, storage, data), which the per-request figures price.
var freeTypes = map[string]bool{
	"AWS::CDK::Metadata": true, "AWS::Logs::LogGroup": true, "AWS::Logs::SubscriptionFilter": true,
	"AWS::Events::Rule": true, "AWS::Scheduler::Schedule": true,
	"AWS::Route53::RecordSet": true, "AWS::CertificateManager::Certificate": true,
	"AWS::WAFv2::WebACLAssociation": true, "AWS::WAFv2::IPSet": true,
	"AWS::SecretsManager::SecretTargetAttachment": true, "AWS::SecretsManager::RotationSchedule": true,
	"AWS::KMS::Alias": true, "AWS::XRay::Group": true, "AWS::XRay::SamplingRule": true,
	"AWS::EC2::VPC": true, "AWS::EC2::Subnet": true, "AWS::EC2::RouteTable": true, "AWS::EC2::Route": true,
	"AWS::EC2::SubnetRouteTableAssociation": true, "AWS::EC2::InternetGateway": true, "AWS::EC2::VPCGatewayAttachment": true,
	"AWS::EC2::SecurityGroup": true, "AWS::EC2::SecurityGroupIngress": true, "AWS::EC2::SecurityGroupEgress": true,
	"AWS::ElasticLoadBalancingV2::Listener": true, "AWS::ElasticLoadBalancingV2::ListenerRule": true,
	"AWS::ElasticLoadBalancingV2::TargetGroup": true, "AWS::ElasticLoadBalancingV2::ListenerCertificate": true,
}

// freePrefixes are services whose resources are all priced by use
// (Lambda's provisioned concurrency excepted: checked apart).
var freePrefixes = []string{"AWS::ApiGateway::", "AWS::ApiGatewayV2::", "AWS::IAM::", "AWS::Lambda::", "AWS::SNS::",
	"AWS::SQS::", "AWS::Backup::", "Custom::"}

var (
	resolveSecretRE = regexp.MustCompile(`\{\{resolve:secretsmanager:([^}]+)\}\}`)
	secretARNRE     = regexp.MustCompile(`arn:aws[a-z-]*:secretsmanager:[^:"]*:[^:"]*:secret:([^:"*}]+)`)
	secretSuffixRE  = regexp.MustCompile(`-[A-Za-z0-9]{6}$`)
)

// referencedSecrets are the secrets a template reads but does not create
// (the operator's, named by a dynamic reference or an ARN), by name.
func referencedSecrets(raw []byte) []string {
	names := map[string]bool{}
	for _, m := range secretARNRE.FindAllSubmatch(raw, -1) {
		names[secretSuffixRE.ReplaceAllString(string(m[1]), "")] = true
	}
	for _, m := range resolveSecretRE.FindAllSubmatch(raw, -1) {
		ref := string(m[1])
		if strings.HasPrefix(ref, "arn:") {
			continue // counted by its ARN above
		}
		name, _, _ := strings.Cut(ref, ":")
		names[name] = true
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// priceTemplate counts and prices the resources of a synthesized
// template that have a monthly or hourly price.
func priceTemplate(raw []byte) (*fixedCost, error) {
	var t cfnTemplate
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	if len(t.Resources) == 0 {
		return nil, errors.New("template: no resources")
	}
	fc := &fixedCost{free: map[string]int{}}
	var (
		acls, rules, ruleGroups             int
		alarms, alarmMetrics, highResMetric int
		composites, dashboards, metrics     int
		secrets, keys, zones, ssmAdvanced   int
		lbs, lbIPv4, nats, eips, endpointAZ int
	)
	unknown := map[string]bool{}
	for _, id := range sortedResourceIDs(t.Resources) {
		r := t.Resources[id]
		p := r.Properties
		switch r.Type {
		case "AWS::WAFv2::WebACL":
			acls++
			rules += len(list(p["Rules"]))
		case "AWS::WAFv2::RuleGroup":
			ruleGroups++
			rules += len(list(p["Rules"]))
		case "AWS::CloudWatch::Alarm":
			alarms++
			n, high := alarmMetricCount(p)
			if high {
				highResMetric += n
			} else {
				alarmMetrics += n
			}
		case "AWS::CloudWatch::CompositeAlarm":
			composites++
		case "AWS::CloudWatch::Dashboard":
			dashboards++
		case "AWS::Logs::MetricFilter":
			metrics += max(len(list(p["MetricTransformations"])), 1)
		case "AWS::SecretsManager::Secret":
			secrets++
		case "AWS::KMS::Key":
			keys++
		case "AWS::Route53::HostedZone":
			zones++
		case "AWS::SSM::Parameter":
			if s, _ := p["Tier"].(string); s == "Advanced" {
				ssmAdvanced++
			} else {
				fc.free[r.Type]++
			}
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			lbs++
			if s, _ := p["Scheme"].(string); s != "internal" {
				lbIPv4 += max(len(list(p["Subnets"])), len(list(p["SubnetMappings"])))
			}
		case "AWS::EC2::NatGateway":
			nats++
		case "AWS::EC2::EIP":
			eips++
		case "AWS::EC2::VPCEndpoint":
			if s, _ := p["VpcEndpointType"].(string); s == "Interface" || s == "GatewayLoadBalancer" {
				endpointAZ += max(len(list(p["SubnetIds"])), 1)
			} else {
				fc.free[r.Type]++
			}
		case "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable":
			if s, _ := p["BillingMode"].(string); s == "PAY_PER_REQUEST" {
				fc.free[r.Type]++
			} else {
				unknown[r.Type+" (provisioned capacity: priced by the hour, not computed)"] = true
			}
		default:
			switch {
			case (r.Type == "AWS::Lambda::Alias" || r.Type == "AWS::Lambda::Version") && p["ProvisionedConcurrencyConfig"] != nil:
				unknown[r.Type+" with provisioned concurrency (priced by the hour, not computed)"] = true
			case freeTypes[r.Type] || hasAnyPrefix(r.Type, freePrefixes):
				fc.free[r.Type]++
			default:
				unknown[r.Type] = true
			}
		}
	}
	owned := referencedSecrets(raw)
	add := func(it fixedItem) {
		if it.count == 0 {
			return
		}
		fc.items = append(fc.items, it)
		if !it.usage {
			fc.total += it.monthly
		}
	}
	add(fixedItem{key: "waf-acl", what: "WAF web ACL", price: money(wafWebACLPerMonth) + " a month", count: float64(acls),
		detail: plural(acls, "web ACL"), monthly: float64(acls) * wafWebACLPerMonth})
	add(fixedItem{key: "waf-rules", what: "WAF rules", price: money(wafRulePerMonth) + " a month", count: float64(rules),
		detail: plural(rules, "rule") + ruleGroupNote(ruleGroups), monthly: float64(rules) * wafRulePerMonth})
	add(fixedItem{key: "alarms", what: "CloudWatch alarms (standard resolution)", price: money(alarmMetricPerMonth) + " per alarm metric a month",
		count: float64(alarmMetrics), detail: fmt.Sprintf("%s reading %s", plural(alarms, "alarm"), plural(alarmMetrics+highResMetric, "metric")),
		monthly: float64(alarmMetrics) * alarmMetricPerMonth})
	add(fixedItem{key: "alarms-high", what: "CloudWatch alarms (high resolution)", price: money(alarmHighResPerMonth) + " per alarm metric a month",
		count: float64(highResMetric), detail: plural(highResMetric, "metric"), monthly: float64(highResMetric) * alarmHighResPerMonth})
	add(fixedItem{key: "composite", what: "CloudWatch composite alarms", price: money(compositeAlarmPerMon) + " a month", count: float64(composites),
		detail: plural(composites, "composite alarm"), monthly: float64(composites) * compositeAlarmPerMon})
	add(fixedItem{key: "dashboard", what: "CloudWatch dashboard", price: money(dashboardPerMonth) + " a month (an account's first 3 are free)",
		count: float64(dashboards), detail: plural(dashboards, "dashboard"), monthly: float64(dashboards) * dashboardPerMonth})
	add(fixedItem{key: "secrets", what: "Secrets Manager secrets the stack creates", price: money(secretPerMonth) + " a month", count: float64(secrets),
		detail: plural(secrets, "secret"), monthly: float64(secrets) * secretPerMonth})
	add(fixedItem{key: "secrets-ref", what: "Secrets Manager secrets the stack reads (the operator's)", price: money(secretPerMonth) + " a month",
		count: float64(len(owned)), detail: strings.Join(owned, ", "), monthly: float64(len(owned)) * secretPerMonth})
	add(fixedItem{key: "kms", what: "KMS customer managed keys", price: money(kmsKeyPerMonth) + " a month", count: float64(keys),
		detail: plural(keys, "key"), monthly: float64(keys) * kmsKeyPerMonth})
	add(fixedItem{key: "zones", what: "Route 53 hosted zones", price: money(hostedZonePerMonth) + " a month", count: float64(zones),
		detail: plural(zones, "hosted zone"), monthly: float64(zones) * hostedZonePerMonth})
	add(fixedItem{key: "ssm", what: "SSM parameters, advanced tier", price: money(ssmAdvancedPerMonth) + " a month", count: float64(ssmAdvanced),
		detail: plural(ssmAdvanced, "parameter"), monthly: float64(ssmAdvanced) * ssmAdvancedPerMonth})
	add(fixedItem{key: "lb", what: "Load balancer hours", price: fmt.Sprintf("$%g an hour × %d", loadBalancerPerHour, hoursPerMonth),
		count: float64(lbs), detail: plural(lbs, "load balancer") + " (capacity units by traffic, not counted)",
		monthly: float64(lbs) * loadBalancerPerHour * hoursPerMonth})
	add(fixedItem{key: "ipv4", what: "Public IPv4 addresses", price: fmt.Sprintf("$%g an hour × %d", publicIPv4PerHour, hoursPerMonth),
		count: float64(lbIPv4 + eips), detail: fmt.Sprintf("%s of internet-facing load balancers, %s", plural(lbIPv4, "subnet"), plural(eips, "Elastic IP")),
		monthly: float64(lbIPv4+eips) * publicIPv4PerHour * hoursPerMonth})
	add(fixedItem{key: "nat", what: "NAT gateways", price: fmt.Sprintf("$%g an hour × %d", natGatewayPerHour, hoursPerMonth), count: float64(nats),
		detail: plural(nats, "NAT gateway") + " (data processed not counted)", monthly: float64(nats) * natGatewayPerHour * hoursPerMonth})
	add(fixedItem{key: "endpoints", what: "Interface VPC endpoints", price: fmt.Sprintf("$%g an hour per zone × %d", interfaceEndpointHour, hoursPerMonth),
		count: float64(endpointAZ), detail: plural(endpointAZ, "endpoint subnet"), monthly: float64(endpointAZ) * interfaceEndpointHour * hoursPerMonth})
	add(fixedItem{key: "metrics", what: "Custom metrics of the log metric filters", price: money(customMetricPerMonth) + " a month, only for the hours it gets data",
		count: float64(metrics), detail: plural(metrics, "metric") + " (no data point, so $0, while nothing fails)",
		monthly: float64(metrics) * customMetricPerMonth, usage: true})
	for k := range unknown {
		fc.unknown = append(fc.unknown, k)
	}
	sort.Strings(fc.unknown)
	return fc, nil
}

// alarmMetricCount is the number of metrics an alarm is billed for (a
// metric math alarm: each metric it reads, not its expressions; anomaly
// detection: 3 per band) and whether it is high resolution.
func alarmMetricCount(p map[string]any) (int, bool) {
	period := func(v any) float64 { f, _ := v.(float64); return f }
	ms := list(p["Metrics"])
	if len(ms) == 0 {
		return 1, p["Period"] != nil && period(p["Period"]) < 60
	}
	n, high := 0, false
	for _, m := range ms {
		mm, _ := m.(map[string]any)
		if stat, ok := mm["MetricStat"].(map[string]any); ok {
			n++
			if period(stat["Period"]) > 0 && period(stat["Period"]) < 60 {
				high = true
			}
		}
		if e, _ := mm["Expression"].(string); strings.Contains(e, "ANOMALY_DETECTION_BAND") {
			n += 2 // with its metric: 3
		}
	}
	return max(n, 1), high
}

func list(v any) []any { l, _ := v.([]any); return l }

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func sortedResourceIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func ruleGroupNote(groups int) string {
	if groups == 0 {
		return ""
	}
	return " (with those of " + plural(groups, "rule group") + ")"
}

// money prints a price in dollars: $5, $0.40, $16.43.
func money(x float64) string {
	if x == float64(int64(x)) {
		return fmt.Sprintf("$%.0f", x)
	}
	return fmt.Sprintf("$%.2f", x)
}

// stackVariants are the configurations section 8 prices: the defaults,
// the sample, and the sample with its optional Flexisip load balancer on.
func stackVariants(tmp string) ([]*stackVariant, error) {
	data, err := os.ReadFile(sampleDeployConfig)
	if err != nil {
		return nil, err
	}
	var sample map[string]any
	if err := json.Unmarshal(data, &sample); err != nil {
		return nil, fmt.Errorf("%s: %w", sampleDeployConfig, err)
	}
	sample["flexisipLoadBalancer"] = true
	sample["flexisipLoadBalancerCertificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	withLB := filepath.Join(tmp, "example-with-load-balancer.json")
	data, _ = json.Marshal(sample)
	if err := os.WriteFile(withLB, data, 0o644); err != nil {
		return nil, err
	}
	return []*stackVariant{
		{name: "default stack (no configuration file, stage dev)"},
		{name: "`" + sampleDeployConfig + "`", config: sampleDeployConfig},
		{name: "`" + sampleDeployConfig + "` with `flexisipLoadBalancer` on", config: withLB},
	}, nil
}

// priceStacks synthesizes each variant and prices its template.
func priceStacks(ctx context.Context, tmp string) []*stackVariant {
	dir := filepath.Join(tmp, "synth")
	variants, err := stackVariants(dir + "-config")
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = dummyZips(filepath.Join(dir, "dist"))
	}
	if err != nil {
		return []*stackVariant{{name: "the stack", err: err}}
	}
	for i, v := range variants {
		progress("fixed monthly cost: synthesizing the " + v.name)
		t0 := time.Now()
		raw, err := synthTemplate(ctx, filepath.Join(dir, "dist"), filepath.Join(dir, fmt.Sprintf("out%d", i)), v.config)
		v.took = time.Since(t0)
		if err != nil {
			v.err = err
			continue
		}
		v.fixed, v.err = priceTemplate(raw)
	}
	return variants
}

// dummyZips writes a placeholder package per program: the template does
// not look inside them.
func dummyZips(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	boot := filepath.Join(dir, "bootstrap")
	if err := os.WriteFile(boot, []byte("#!/bin/sh\n# placeholder: the bench prices the template, not the code\n"), 0o755); err != nil {
		return err
	}
	for name := range devstack.Binaries() {
		if err := devstack.Zip(boot, filepath.Join(dir, name+".zip")); err != nil {
			return err
		}
	}
	return nil
}

// synthTemplate runs the CDK app as the CDK CLI does (cdk.json's
// context, plus dist and config) and returns its one template.
func synthTemplate(ctx context.Context, dist, out, config string) ([]byte, error) {
	data, err := os.ReadFile("cdk.json")
	if err != nil {
		return nil, err
	}
	var cdk struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &cdk); err != nil {
		return nil, fmt.Errorf("cdk.json: %w", err)
	}
	if cdk.Context == nil {
		cdk.Context = map[string]any{}
	}
	cdk.Context["dist"] = dist
	if config != "" {
		cdk.Context["config"] = config
	}
	c, _ := json.Marshal(cdk.Context)
	cmd := exec.CommandContext(ctx, "go", "run", "-C", "infra", ".")
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out, "CDK_CONTEXT_JSON="+string(c), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1")
	if o, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go run -C infra . (config %q): %w\n%s", config, err, o)
	}
	found, _ := filepath.Glob(filepath.Join(out, "*.template.json"))
	if len(found) != 1 {
		return nil, fmt.Errorf("synth wrote %d templates in %s, want 1", len(found), out)
	}
	return os.ReadFile(found[0])
}
