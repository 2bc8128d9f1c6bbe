//go:build integration

package params_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/params"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// rcSize is just under SSM's largest value (an Advanced parameter holds
// 8 KB) and twice what Lambda's whole environment may hold.
const rcSize = 8000

// linphonerc is a linphonerc of about size bytes.
func linphonerc(size int) string {
	var b strings.Builder
	b.WriteString("[sip]\nsip_port=-1\n")
	for i := 0; b.Len() < size-80; i++ {
		fmt.Fprintf(&b, "[proxy_default_values]\nreg_route=<sip:proxy-%d.example.org;transport=tls>\n", i)
	}
	b.WriteString("[misc]\nfile_transfer_server_url=https://files.example.org/upload\n")
	return b.String()
}

func ssmClient(t *testing.T) *ssm.Client {
	t.Helper()
	testenv.Endpoint(t, "AWS_ENDPOINT_URL_SSM")
	testenv.Credentials()
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ssm.NewFromConfig(cfg)
}

func put(t *testing.T, c *ssm.Client, name, value string, typ types.ParameterType) {
	t.Helper()
	in := &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: typ, Overwrite: aws.Bool(true)}
	if len(value) > 4096 {
		in.Tier = types.ParameterTierAdvanced
	}
	if _, err := c.PutParameter(context.Background(), in); err != nil {
		t.Fatalf("put %s: %v", name, err)
	}
}

// TestConfigFromSSM: a function's configuration loads as at a cold start
// (params.Getenv over the environment, then config.Load) with its
// variables in SSM: an 8 KB linphonerc as a SecureString arrives intact,
// secrets decrypted, a String as it is; twelve parameters take two
// GetParameters calls (moto, like SSM, refuses more than ten names in
// one); a parameter's value replaces the environment's.
func TestConfigFromSSM(t *testing.T) {
	c := ssmClient(t)
	prefix := "/" + testenv.UniqueName("flexiapi") + "/"
	rc := linphonerc(rcSize)
	put(t, c, prefix+"linphonerc", rc, types.ParameterTypeSecureString)
	mapping := map[string]string{"ACCOUNT_PROVISIONING_RC_FILE": prefix + "linphonerc"}
	want := map[string]string{"ACCOUNT_PROVISIONING_RC_FILE": rc}
	for i, name := range []string{"APP_NAME", "MAIL_FROM_NAME", "MAIL_SIGNATURE", "INSTANCE_CONFIRMED_REGISTRATION_TEXT",
		"ACCOUNT_TRANSPORT_PROTOCOL_TEXT", "ACCOUNT_PROXY_REGISTRAR_ADDRESS", "APP_SIP_DOMAIN", "HCAPTCHA_SITEKEY", "JWT_ISSUER"} {
		value := fmt.Sprintf("value-%d.example.org", i)
		put(t, c, prefix+strings.ToLower(name), value, types.ParameterTypeString)
		mapping[name] = prefix + strings.ToLower(name)
		want[name] = value
	}
	for _, name := range []string{"HCAPTCHA_SECRET", "SIP_SENDER_PASSWORD"} {
		value := "secret of " + name
		put(t, c, prefix+"secrets/"+name, value, types.ParameterTypeSecureString)
		mapping[name] = prefix + "secrets/" + name
		want[name] = value
	}
	env := map[string]string{
		"APP_KEY": "k", "FLEXIAPI_TABLE": "t", "APP_NAME": "from the environment", "MAIL_FROM_ADDRESS": "a@example.org",
		config.SSMParametersVar: config.FormatSSMParameters(mapping),
	}
	getenv, err := params.Getenv(context.Background(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range want {
		if got := getenv(name); got != v {
			t.Errorf("%s: %d bytes, want the parameter's %d bytes", name, len(got), len(v))
		}
	}
	if getenv("MAIL_FROM_ADDRESS") != "a@example.org" {
		t.Errorf("a variable not in SSM: %q", getenv("MAIL_FROM_ADDRESS"))
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ProvisioningRCFile != strings.TrimSpace(rc) || cfg.AppName != "value-0.example.org" || cfg.HCaptchaSecret != "secret of HCAPTCHA_SECRET" {
		t.Fatalf("configuration: rc %d bytes (want %d), app name %q, hCaptcha secret %q",
			len(cfg.ProvisioningRCFile), len(strings.TrimSpace(rc)), cfg.AppName, cfg.HCaptchaSecret)
	}
	sections, err := provisioning.ParseRC(strings.NewReader(cfg.ProvisioningRCFile))
	if err != nil || len(sections) != 3 {
		t.Fatalf("the linphonerc from SSM: %d sections, %v", len(sections), err)
	}
}

// TestMissingParameter: a parameter that does not exist fails the start
// with the variable's and the parameter's names, and never a value (of
// the parameters found in the same call).
func TestMissingParameter(t *testing.T) {
	c := ssmClient(t)
	prefix := "/" + testenv.UniqueName("flexiapi") + "/"
	put(t, c, prefix+"sender", "hunter2-sip-password", types.ParameterTypeSecureString)
	mapping := map[string]string{
		"SIP_SENDER_PASSWORD":          prefix + "sender",
		"ACCOUNT_PROVISIONING_RC_FILE": prefix + "no-such-linphonerc",
	}
	env := map[string]string{config.SSMParametersVar: config.FormatSSMParameters(mapping)}
	_, err := params.Getenv(context.Background(), func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("a missing parameter was accepted")
	}
	msg := err.Error()
	for _, want := range []string{config.SSMParametersVar, "ACCOUNT_PROVISIONING_RC_FILE", prefix + "no-such-linphonerc"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not name %s: %s", want, msg)
		}
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("the error holds a value: %s", msg)
	}
}
