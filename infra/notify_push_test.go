package main

import (
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// TestPushApplicationARNs: the functions get SNS_PUSH_PLATFORM_APPLICATIONS
// with ARNs of the stack's account (no ListPlatformApplications, which
// only takes Resource "*"), one platform per pn_provider; ARNs are kept.
func TestPushApplicationARNs(t *testing.T) {
	b := devStack(t)
	fn := b.json.Resources[b.fnID(api.GroupAccounts)]
	vars := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	sub, ok := vars["SNS_PUSH_PLATFORM_APPLICATIONS"].(map[string]any)["Fn::Sub"].(string)
	if !ok {
		t.Fatalf("%v", vars["SNS_PUSH_PLATFORM_APPLICATIONS"])
	}
	for _, want := range []string{
		`"fcm":"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:app/GCM/flexiapi-fcm"`,
		`"apns":"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:app/APNS/flexiapi-apns"`,
		`"apns.dev":"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:app/APNS_SANDBOX/flexiapi-apns"`,
	} {
		if !strings.Contains(sub, want) {
			t.Errorf("missing %s in %s", want, sub)
		}
	}
	got := pushApplicationTemplate(`{"fcm:proj":"arn:aws:sns:eu-west-3:1:app/GCM/x","webpush":"y"}`)
	if !strings.Contains(got, `"fcm:proj":"arn:aws:sns:eu-west-3:1:app/GCM/x"`) || !strings.Contains(got, `"webpush":"y"`) {
		t.Errorf("%s", got)
	}
}
