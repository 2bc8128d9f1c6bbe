package awsenv

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Without credentials or a region in the environment, no configuration.
func TestEnvironmentRequired(t *testing.T) {
	for _, unset := range []string{"AWS_ACCESS_KEY_ID", "AWS_REGION"} {
		t.Setenv("AWS_ACCESS_KEY_ID", "AKID")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		t.Setenv("AWS_REGION", "eu-west-3")
		t.Setenv("AWS_DEFAULT_REGION", "")
		t.Setenv(unset, "")
		if _, err := FromEnvironment(context.Background()); err == nil || !strings.Contains(err.Error(), unset) {
			t.Errorf("without %s: %v", unset, err)
		}
	}
}

// The credentials, region and endpoints are the environment's.
func TestFromEnvironment(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKID")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "token")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "ap-south-1")
	t.Setenv("AWS_ENDPOINT_URL", "http://base.example")
	t.Setenv("AWS_ENDPOINT_URL_SNS", "http://sns.example")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "") // the test stack's
	cfg, err := FromEnvironment(context.Background())
	if err != nil || cfg.Region != "ap-south-1" {
		t.Fatalf("%v %v", cfg.Region, err)
	}
	c, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "AKID" || c.SecretAccessKey != "secret" || c.SessionToken != "token" {
		t.Errorf("credentials %+v %v", c, err)
	}
	if e := Endpoint(cfg, "AWS_ENDPOINT_URL_SNS"); aws.ToString(e) != "http://sns.example" {
		t.Errorf("SNS endpoint %v", aws.ToString(e))
	}
	if e := Endpoint(cfg, "AWS_ENDPOINT_URL_DYNAMODB"); aws.ToString(e) != "http://base.example" {
		t.Errorf("DynamoDB endpoint %v", aws.ToString(e))
	}
}
