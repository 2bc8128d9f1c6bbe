package main

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// testTemplate has one of each priced kind, some free resources, an
// unknown type and secrets read by dynamic reference and by ARN.
const testTemplate = `{"Resources": {
  "Acl": {"Type": "AWS::WAFv2::WebACL", "Properties": {"Rules": [{"Name": "a"}, {"Name": "b"}]}},
  "Group": {"Type": "AWS::WAFv2::RuleGroup", "Properties": {"Rules": [{"Name": "c"}]}},
  "Plain": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Errors", "Period": 300}},
  "Math": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Metrics": [
    {"Id": "e", "Expression": "r + w"},
    {"Id": "r", "MetricStat": {"Period": 300}},
    {"Id": "w", "MetricStat": {"Period": 300}}]}},
  "Fast": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Latency", "Period": 10}},
  "Composite": {"Type": "AWS::CloudWatch::CompositeAlarm", "Properties": {}},
  "Board": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {}},
  "Filter": {"Type": "AWS::Logs::MetricFilter", "Properties": {"MetricTransformations": [{"MetricName": "F"}]}},
  "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
  "AppKey": {"Type": "AWS::SecretsManager::Secret", "Properties": {}},
  "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Subnets": [{"Ref": "A"}, {"Ref": "B"}]}},
  "InternalLb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "internal", "Subnets": [{"Ref": "A"}]}},
  "Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcEndpointType": "Interface", "SubnetIds": ["a", "b", "c"]}},
  "GatewayEndpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcEndpointType": "Gateway"}},
  "Advanced": {"Type": "AWS::SSM::Parameter", "Properties": {"Tier": "Advanced"}},
  "Standard": {"Type": "AWS::SSM::Parameter", "Properties": {}},
  "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PAY_PER_REQUEST"}},
  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": {
    "A": "{{resolve:secretsmanager:ops/auth:SecretString:secret}}",
    "B": "{{resolve:secretsmanager:ops/auth:SecretString:other}}",
    "C": "{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops/dsn-AbCdEf:SecretString:dsn::}}"}}}},
  "Policy": {"Type": "AWS::IAM::Policy", "Properties": {"Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops/dsn-AbCdEf"}},
  "Odd": {"Type": "AWS::Foo::Bar", "Properties": {}}
}}`

func TestPriceTemplate(t *testing.T) {
	fc, err := priceTemplate([]byte(testTemplate))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	monthly := map[string]float64{}
	for _, it := range fc.items {
		got[it.key] = it.count
		monthly[it.key] = it.monthly
	}
	want := map[string]float64{
		"waf-acl": 1, "waf-rules": 3, // the ACL's 2 and the group's 1
		"alarms": 3, "alarms-high": 1, // plain 1 + math 2 (not its expression); the 10 s alarm apart
		"composite": 1, "dashboard": 1, "metrics": 1, "kms": 1, "secrets": 1,
		"secrets-ref": 2,            // ops/auth twice, ops/dsn by reference and ARN
		"lb":          2, "ipv4": 2, // the internal one has no public address
		"endpoints": 3, "ssm": 1,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("counts\n got %v\nwant %v", got, want)
	}
	wantTotal := 5.0 + 3*1 + 3*0.10 + 0.30 + 0.50 + 3 + 1 + 0.40 + 2*0.40 +
		2*0.0225*730 + 2*0.005*730 + 3*0.01*730 + 0.05 // the custom metric is usage: not in the total
	if math.Abs(fc.total-wantTotal) > 1e-9 {
		t.Errorf("total %.4f, want %.4f", fc.total, wantTotal)
	}
	if math.Abs(monthly["metrics"]-0.30) > 1e-9 {
		t.Errorf("custom metric shown at %v", monthly["metrics"])
	}
	if !reflect.DeepEqual(fc.unknown, []string{"AWS::Foo::Bar"}) {
		t.Errorf("unknown %v", fc.unknown)
	}
	if fc.free["AWS::SSM::Parameter"] != 1 || fc.free["AWS::DynamoDB::Table"] != 1 || fc.free["AWS::EC2::VPCEndpoint"] != 1 ||
		fc.free["AWS::Lambda::Function"] != 1 || fc.free["AWS::IAM::Policy"] != 1 {
		t.Errorf("free %v", fc.free)
	}
}

func TestPriceTemplateProvisionedTableIsUnknown(t *testing.T) {
	fc, err := priceTemplate([]byte(`{"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PROVISIONED"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.unknown) != 1 || !strings.Contains(fc.unknown[0], "provisioned") || fc.total != 0 {
		t.Errorf("%+v", fc)
	}
	if _, err := priceTemplate([]byte(`{"Resources": {}}`)); err == nil {
		t.Error("an empty template priced")
	}
}

func TestReferencedSecrets(t *testing.T) {
	raw := []byte(`"{{resolve:secretsmanager:a/b:SecretString:x}}" "arn:aws:secretsmanager:r:1:secret:c/d-123456" ` +
		`"arn:aws:secretsmanager:r:1:secret:c/d-123456*" "{{resolve:secretsmanager:a/b}}"`)
	if got := referencedSecrets(raw); !reflect.DeepEqual(got, []string{"a/b", "c/d"}) {
		t.Errorf("%v", got)
	}
}

func TestSequenceShape(t *testing.T) {
	// ingestSequence: the call, two ringing, two terminated, its end;
	// the message and its two recipients' devices.
	if c, m := sequenceShape(); c != 6 || m != 3 {
		t.Errorf("per call %v, per message %v", c, m)
	}
}

func TestComputeBill(t *testing.T) {
	tr := traffic{users: 1000, days: 30, registrations: 24, calls: 2, messages: 4, eventsPerCall: 6, eventsPerMessage: 3,
		provisioning: 1, appRequests: 2, adminRequestsPerDay: 100, creationsPerMonth: 50, passwordChangesPerMonth: 150,
		emailsPerMonth: 2000, smsPerMonth: 10, storedBytesPerEvent: 1000, accountBytes: 2000}
	m := measuredPrices{sipCheck: 2, machineEvent: 3, provisioning: 4, digestRound: 10, apiKey: 5, creation: 20, projection: 0.5,
		why: map[string]string{}}
	b := computeBill(tr, m, 13.6, "", 0.6)
	want := []float64{
		1000 * 30 * 30 / 1e6 * 2, // SIP checks: (24 + 2 + 4) a day
		1000 * 30 * 24 / 1e6 * 3, // events: 2 × 6 + 4 × 3 a day
		1000 * 30 * 1 / 1e6 * 4,
		1000 * 30 * 2 / 1e6 * 10,
		100 * 30 / 1e6 * 5,
		50 / 1e6 * 20,
		200 / 1e6 * 0.5,
		2 * 0.10,           // emails
		10 * smsPerMessage, // SMS
		(1000*6*30*1000 + 1000*2000) / 1e9 * (0.25 + 0.20), // storage
		0.6,
		13.6,
	}
	if len(b.lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(b.lines), len(want))
	}
	sum := 0.0
	for i, l := range b.lines {
		if math.Abs(l.monthly-want[i]) > 1e-9 {
			t.Errorf("line %d (%s): %v, want %v", i, l.what, l.monthly, want[i])
		}
		sum += want[i]
	}
	if math.Abs(b.total-sum) > 1e-9 {
		t.Errorf("total %v, want %v", b.total, sum)
	}
	// A price not measured is shown as such and left out of the total.
	m.why["sipCheck"] = "section 5c failed"
	if b2 := computeBill(tr, m, 13.6, "", 0.6); math.Abs(b2.total-(sum-want[0])) > 1e-9 || b2.lines[0].missing == "" {
		t.Errorf("without the SIP checks: total %v, want %v", b2.total, sum-want[0])
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 4_200_000: "4,200,000", 12345.6: "12,346"} {
		if got := thousands(in); got != want {
			t.Errorf("%v → %s, want %s", in, got, want)
		}
	}
}
