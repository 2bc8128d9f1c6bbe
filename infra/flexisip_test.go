package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/flexiapi-serverless/flexiapi/shared/flexisip/mapping"
)

const testSecretARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:flexisip-dsn-AbCdEf"

// flexisipContext deploys the projection for Flexisip, in a VPC.
var flexisipContext = map[string]any{
	CtxStage: "fx", CtxFlexisipSecret: testSecretARN, CtxAlarmEmail: "ops@example.org",
	CtxVPC: map[string]any{FlexisipSync: map[string]any{
		"subnets": []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}, "securityGroups": []any{"sg-0123456789abcdef0"}}},
}

func flexisipStack(t *testing.T) *built { return build(t, "flexisip", flexisipContext) }

// TestFlexisipSyncNotDeployedWithoutSecret: no DSN configured means no
// function, no mapping, no queue, but the table has its stream.
func TestFlexisipSyncNotDeployedWithoutSecret(t *testing.T) {
	b := devStack(t)
	for _, typ := range []string{"AWS::Lambda::EventSourceMapping", "AWS::SQS::Queue"} {
		if n := len(b.json.OfType(typ)); n != 0 {
			t.Errorf("%d %s without %s", n, typ, CtxFlexisipSecret)
		}
	}
	if _, ok := b.stack.Functions[FlexisipSync]; ok {
		t.Error("a flexisip-sync function without a DSN secret")
	}
	for _, tb := range b.json.OfType("AWS::DynamoDB::Table") {
		spec, _ := tb.Properties["StreamSpecification"].(map[string]any)
		if spec["StreamViewType"] != "NEW_AND_OLD_IMAGES" {
			t.Errorf("table stream %v", spec)
		}
	}
}

// TestFlexisipSync: the function, its environment (no APP_KEY), VPC
// placement, the mapping with shared/flexisip/mapping's settings, its
// least-privilege role, the failure queue, the alarms.
func TestFlexisipSync(t *testing.T) {
	b := flexisipStack(t)
	fnID := b.fnID(FlexisipSync)
	fn := b.json.Resources[fnID]
	p := fn.Properties
	if p["MemorySize"] != float64(mapping.MemoryMB) || p["Timeout"] != float64(mapping.TimeoutSeconds) || p["Runtime"] != "provided.al2023" {
		t.Errorf("function %v %v %v", p["MemorySize"], p["Timeout"], p["Runtime"])
	}
	vars := p["Environment"].(map[string]any)["Variables"].(map[string]any)
	if got := sortedKeys(vars); !reflect.DeepEqual(got, []string{"FLEXIAPI_TABLE", "FLEXISIP_SQL_SECRET_ARN"}) || vars["FLEXISIP_SQL_SECRET_ARN"] != testSecretARN {
		t.Errorf("variables %v", vars)
	}
	vpc, _ := p["VpcConfig"].(map[string]any)
	if !reflect.DeepEqual(vpc["SubnetIds"], []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"}) ||
		!reflect.DeepEqual(vpc["SecurityGroupIds"], []any{"sg-0123456789abcdef0"}) {
		t.Errorf("VpcConfig %v", p["VpcConfig"])
	}

	tableID := b.idOf(b.stack.Table.Node().DefaultChild().(awscdk.CfnElement))
	queues := b.json.OfType("AWS::SQS::Queue")
	if len(queues) != 1 {
		t.Fatalf("%d queues", len(queues))
	}
	var queueID string
	for id := range queues {
		queueID = id
	}
	maps := b.json.OfType("AWS::Lambda::EventSourceMapping")
	if len(maps) != 1 {
		t.Fatalf("%d mappings", len(maps))
	}
	for _, m := range maps {
		mp := m.Properties
		want := map[string]any{
			"BatchSize": float64(mapping.BatchSize), "BisectBatchOnFunctionError": true, "MaximumRetryAttempts": float64(mapping.RetryAttempts),
			"MaximumRecordAgeInSeconds": float64(mapping.MaxRecordAgeSeconds), "ParallelizationFactor": float64(1),
			"StartingPosition": "TRIM_HORIZON", "FunctionResponseTypes": []any{"ReportBatchItemFailures"},
		}
		for k, v := range want {
			if !reflect.DeepEqual(mp[k], v) {
				t.Errorf("mapping %s = %v, want %v", k, mp[k], v)
			}
		}
		if !refersTo(mp["FunctionName"], fnID) || !refersTo(mp["EventSourceArn"], tableID) {
			t.Errorf("mapping target %v source %v", mp["FunctionName"], mp["EventSourceArn"])
		}
		if !strings.Contains(jsonString(mp["EventSourceArn"]), "StreamArn") {
			t.Errorf("source %v is not the table's stream", mp["EventSourceArn"])
		}
		if f := jsonString(mp["FilterCriteria"]); !strings.Contains(f, `\"SK\":{\"S\":[\"ACCOUNT\"]}`) {
			t.Errorf("filter %s", f)
		}
		if !refersTo(mp["DestinationConfig"], queueID) {
			t.Errorf("on-failure %v", mp["DestinationConfig"])
		}
	}

	// Its role: one GetItem on the table, the stream, the secret, the
	// queue, the network interfaces; nothing else (logs: its own group).
	got := map[string]bool{}
	for _, s := range policiesOf(t, b, FlexisipSync) {
		res := jsonString(s["Resource"])
		for _, a := range strs(s["Action"]) {
			switch {
			case strings.HasPrefix(a, "logs:"):
			case a == "dynamodb:GetItem" && refersTo(s["Resource"], tableID) && !strings.Contains(res, "StreamArn"):
				got["GetItem table"] = true
			case strings.HasPrefix(a, "dynamodb:") && a != "dynamodb:ListStreams" && strings.Contains(res, "StreamArn"):
				got[a+" stream"] = true
			case a == "dynamodb:ListStreams" && res == `"*"`:
				got["ListStreams *"] = true
			case a == "secretsmanager:GetSecretValue" && res == `"`+testSecretARN+`"`:
				got["GetSecretValue secret"] = true
			case strings.HasPrefix(a, "sqs:") && refersTo(s["Resource"], queueID):
				got["sqs queue"] = true
			case strings.HasPrefix(a, "ec2:") && res == `"*"`:
				got["ec2"] = true
			default:
				t.Errorf("unexpected grant %s on %s", a, res)
			}
		}
	}
	for _, w := range []string{"GetItem table", "dynamodb:DescribeStream stream", "dynamodb:GetRecords stream", "dynamodb:GetShardIterator stream",
		"ListStreams *", "GetSecretValue secret", "sqs queue", "ec2"} {
		if !got[w] {
			t.Errorf("missing grant %s (got %v)", w, sortedKeys(got))
		}
	}
	// No other function may read the secret.
	for prog := range b.stack.Functions {
		if prog == FlexisipSync {
			continue
		}
		for _, s := range policiesOf(t, b, prog) {
			if strings.Contains(jsonString(s), testSecretARN) {
				t.Errorf("%s can read the DSN secret", prog)
			}
		}
	}

	alarms := map[string]bool{}
	for _, a := range b.json.OfType("AWS::CloudWatch::Alarm") {
		ap := a.Properties
		key := fmt.Sprint(ap["Namespace"], " ", ap["MetricName"])
		if refersTo(ap["Dimensions"], fnID) || refersTo(ap["Dimensions"], queueID) || ap["MetricName"] == "FlexisipSyncFailures" {
			alarms[key] = true
			if len(ap["AlarmActions"].([]any)) == 0 {
				t.Errorf("alarm %s has no action", key)
			}
		}
	}
	for _, w := range []string{"AWS/Lambda IteratorAge", "AWS/Lambda Errors", "AWS/Lambda Throttles", "AWS/SQS ApproximateNumberOfMessagesVisible", "FlexiAPI/fx FlexisipSyncFailures"} {
		if !alarms[w] {
			t.Errorf("no alarm %s (got %v)", w, sortedKeys(alarms))
		}
	}
	if _, ok := b.json.Outputs["FlexisipSyncFailureQueueUrl"]; !ok {
		t.Error("no output FlexisipSyncFailureQueueUrl")
	}
}

// TestFlexisipSettings: bad values fail the synth with a clear message.
func TestFlexisipSettings(t *testing.T) {
	for name, tc := range map[string]struct {
		ctx  map[string]any
		want string
	}{
		"not an ARN":          {map[string]any{CtxFlexisipSecret: "mysql://u:p@h/db"}, "not a Secrets Manager secret ARN"},
		"subnets alone":       {map[string]any{CtxFlexisipSecret: testSecretARN, CtxVPC: `{"flexisip-sync": {"subnets": ["subnet-0123456789abcdef0"]}}`}, "needs subnets and securityGroups"},
		"bad subnet":          {map[string]any{CtxFlexisipSecret: testSecretARN, CtxVPC: `{"flexisip-sync": {"subnets": ["vpc-1"], "securityGroups": ["sg-0123456789abcdef0"]}}`}, "is not a subnet id"},
		"VPC, no function":    {map[string]any{CtxVPC: `{"flexisip-sync": {"subnets": ["subnet-0123456789abcdef0"], "securityGroups": ["sg-0123456789abcdef0"]}}`}, "no flexisip-sync function"},
		"old context key":     {map[string]any{CtxFlexisipSecret: testSecretARN, "flexisipSubnets": "subnet-0123456789abcdef0"}, "replaced by the setting vpc"},
		"existing, no stream": {map[string]any{CtxFlexisipSecret: testSecretARN, CtxExistingTable: "restored-table"}, CtxExistingTableStream},
		"DSN in the config":   {map[string]any{CtxConfig: writeConfig(t, map[string]any{"FLEXISIP_SQL_DSN": "mysql://u:p@h/db"})}, "FLEXISIP_SQL_DSN cannot be configured"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadSettings(func(k string) any { return tc.ctx[k] }, ".", ".")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if strings.Contains(fmt.Sprint(err), "u:p@") {
				t.Fatal("the message repeats the DSN")
			}
		})
	}
}

// TestFlexisipExistingTable: with an existing table, the mapping reads the
// stream given in the context.
func TestFlexisipExistingTable(t *testing.T) {
	stream := "arn:aws:dynamodb:eu-west-3:123456789012:table/restored/stream/2026-01-01T00:00:00.000"
	b := build(t, "flexisip-existing", map[string]any{CtxStage: "fxe", CtxExistingTable: "restored",
		CtxExistingTableStream: stream, CtxFlexisipSecret: testSecretARN})
	for _, m := range b.json.OfType("AWS::Lambda::EventSourceMapping") {
		if m.Properties["EventSourceArn"] != stream {
			t.Errorf("source %v", m.Properties["EventSourceArn"])
		}
	}
	raw, _ := json.Marshal(b.json.Resources)
	if !strings.Contains(string(raw), stream) {
		t.Error("the stream ARN is nowhere")
	}
}
