package main

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// The account-creation push (shared/notify/push.go).
//
// SNS_PUSH_PLATFORM_APPLICATIONS may name applications; the function
// would then list the account's applications to find them, and
// ListPlatformApplications only takes Resource "*". So the stack hands the
// function ARNs instead: a name under the key fcm… becomes
// arn:…:app/GCM/<name>, apns… app/APNS/<name>, apns.dev… app/APNS_SANDBOX/<name>
// in the stack's region and account. An ARN is kept as it is (use one for
// an application of another platform, region or account).

// pushPlatforms are the SNS platforms of FlexiAPI's pn_provider values.
var pushPlatforms = map[string]string{"fcm": "GCM", "apns": "APNS", "apns.dev": "APNS_SANDBOX"}

// pushApplicationARNs rewrites the configured JSON object (the default
// when empty) with ARNs, as a CloudFormation Fn::Sub template.
func pushApplicationARNs(configured string) *string {
	return subArn(pushApplicationTemplate(configured))
}

// pushApplicationTemplate is the rewritten object, with ${AWS::…} left for
// Fn::Sub.
func pushApplicationTemplate(configured string) string {
	if configured == "" {
		configured = configDefault("SNS_PUSH_PLATFORM_APPLICATIONS")
	}
	apps := map[string]string{}
	if err := json.Unmarshal([]byte(configured), &apps); err != nil {
		return configured // checkConfig refuses it before
	}
	keys := make([]string, 0, len(apps))
	for k := range apps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]string{}
	for _, k := range keys {
		v := apps[k]
		provider, _, _ := strings.Cut(k, ":")
		if platform, ok := pushPlatforms[provider]; ok && v != "" && !strings.HasPrefix(v, "arn:") {
			v = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:app/" + platform + "/" + v
		}
		out[k] = v
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// grantPush gives the accounts function (the only one that pushes) the
// applications as ARNs, and lets it create or re-enable a device's
// endpoint under the stack account's platform applications and publish
// to it.
func grantPush(st *FlexiAPIStack) {
	fn, ok := st.Functions[api.GroupAccounts]
	if !ok {
		return
	}
	fn.AddEnvironment(jsii.String("SNS_PUSH_PLATFORM_APPLICATIONS"), pushApplicationARNs(st.Settings.Env["SNS_PUSH_PLATFORM_APPLICATIONS"]), nil)
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("Push"),
		Actions: jsii.Strings("sns:CreatePlatformEndpoint", "sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:Publish"),
		Resources: &[]*string{
			subArn("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:app/*"),
			subArn("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:endpoint/*"),
		},
	}))
}
