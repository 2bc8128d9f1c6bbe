package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// grantMailAndSMS lets the accounts function send its emails (SES v2
// SendEmail from MAIL_FROM_ADDRESS: the address identity or its domain's)
// and its SMS (SNS Publish to a phone number, which has no resource ARN:
// the statement denies every topic and endpoint, so it grants SMS only).
func grantMailAndSMS(st *FlexiAPIStack) {
	fn, ok := st.Functions[api.GroupAccounts]
	if !ok {
		return
	}
	from := st.Settings.Env["MAIL_FROM_ADDRESS"]
	if from == "" {
		from = configDefault("MAIL_FROM_ADDRESS")
	}
	identities := []string{"arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/" + from}
	if _, domain, ok := strings.Cut(from, "@"); ok {
		identities = append(identities, "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"+domain)
	}
	resources := make([]*string, len(identities))
	for i, id := range identities {
		resources[i] = subArn(id)
	}
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("SendMail"),
		Actions:   jsii.Strings("ses:SendEmail"),
		Resources: &resources,
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:          jsii.String("SendSMS"),
		Actions:      jsii.Strings("sns:Publish"),
		NotResources: jsii.Strings("arn:aws:sns:*:*:*"),
	}))
}

func configDefault(name string) string {
	for _, v := range config.Vars {
		if v.Name == name {
			return v.Default
		}
	}
	return ""
}

// subArn is an ARN with the stack's partition, region and account.
func subArn(pattern string) *string { return awscdk.Fn_Sub(jsii.String(pattern), nil) }
