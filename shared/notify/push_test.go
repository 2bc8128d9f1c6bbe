//go:build integration

package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// The pusher against moto's SNS: what it records is what was sent.

var testApps = map[string]string{
	"fcm": "flexiapi-fcm", "apns": "flexiapi-apns", "apns.dev": "flexiapi-apns",
	"fcm:special": "flexiapi-fcm-special",
}

func motoEndpoints(t *testing.T) map[string][]string {
	t.Helper()
	resp, err := http.Get(testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS") + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var data struct {
		SNS struct {
			PlatformEndpoint []struct {
				ARN      string            `json:"arn"`
				Token    string            `json:"token"`
				Messages map[string]string `json:"messages"`
			} `json:"PlatformEndpoint"`
		} `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, ep := range data.SNS.PlatformEndpoint {
		out[ep.Token] = append(out[ep.Token], ep.ARN)
		for _, m := range ep.Messages {
			out[ep.Token] = append(out[ep.Token], m)
		}
	}
	return out
}

func setup(t *testing.T) *Push {
	t.Helper()
	endpoint := testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS")
	testenv.Credentials()
	if err := devstack.EnsurePushApplications(context.Background(), endpoint, testApps); err != nil {
		t.Fatal(err)
	}
	return NewPush(testApps)
}

func TestPushFCMDataMessage(t *testing.T) {
	p := setup(t)
	prid := "fcm-" + auth.Random(20)
	if err := p.PushCreationToken(context.Background(), account.PushTarget{Provider: "fcm", Param: "project", PRID: prid}, "abcdefghijklm"); err != nil {
		t.Fatal(err)
	}
	got := motoEndpoints(t)[prid]
	if len(got) != 2 || !strings.Contains(got[0], ":endpoint/GCM/flexiapi-fcm/") {
		t.Fatalf("%v", got)
	}
	var outer map[string]string
	json.Unmarshal([]byte(got[1]), &outer)
	if outer["GCM"] != `{"data":{"token":"abcdefghijklm"},"priority":"high"}` {
		t.Fatalf("GCM payload %q", outer["GCM"])
	}
	// The more specific provider:param key wins.
	prid2 := "fcm-" + auth.Random(20)
	if err := p.PushCreationToken(context.Background(), account.PushTarget{Provider: "fcm", Param: "special", PRID: prid2}, "abcdefghijklm"); err != nil {
		t.Fatal(err)
	}
	if got := motoEndpoints(t)[prid2]; len(got) != 2 || !strings.Contains(got[0], "/flexiapi-fcm-special/") {
		t.Fatalf("%v", got)
	}
}

func TestPushAPNsBackground(t *testing.T) {
	p := setup(t)
	for provider, platform := range map[string]string{"apns": "APNS", "apns.dev": "APNS_SANDBOX"} {
		prid := strings.Repeat("ab", 20) + auth.Random(24)
		if err := p.PushCreationToken(context.Background(), account.PushTarget{Provider: provider, Param: "TEAM.org.linphone.phone", PRID: prid}, "0123456789abc"); err != nil {
			t.Fatal(err)
		}
		got := motoEndpoints(t)[prid]
		if len(got) != 2 || !strings.Contains(got[0], ":endpoint/"+platform+"/flexiapi-apns/") {
			t.Fatalf("%s: %v", provider, got)
		}
		var outer map[string]string
		json.Unmarshal([]byte(got[1]), &outer)
		if outer[platform] != `{"aps":{"content-available":1},"token":"0123456789abc"}` {
			t.Fatalf("APNs payload %q", got[1])
		}
	}
}

func TestPushFailures(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	if err := p.PushCreationToken(ctx, account.PushTarget{Provider: "webpush", Param: "x", PRID: "y"}, "abcdefghijklm"); !errors.Is(err, ErrNoApplication) {
		t.Fatalf("unmapped provider: %v", err)
	}
	missing := NewPush(map[string]string{"fcm": "no-such-app-" + auth.Random(8)})
	if err := missing.PushCreationToken(ctx, account.PushTarget{Provider: "fcm", Param: "x", PRID: "y"}, "abcdefghijklm"); !errors.Is(err, ErrNoApplication) {
		t.Fatalf("missing application: %v", err)
	}
	byARN := NewPush(map[string]string{"fcm": "arn:aws:sns:us-east-1:123456789012:app/GCM/does-not-exist"})
	if err := byARN.PushCreationToken(ctx, account.PushTarget{Provider: "fcm", Param: "x", PRID: "y"}, "abcdefghijklm"); err == nil {
		t.Fatal("an unknown application ARN must fail")
	}
}

// A device whose endpoint SNS disabled (the provider refused it once) is
// re-enabled: it just asked for a token, so its pn_prid is current.
func TestPushReenablesDisabledEndpoint(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	prid := "fcm-" + auth.Random(20)
	to := account.PushTarget{Provider: "fcm", Param: "project", PRID: prid}
	if err := p.PushCreationToken(ctx, to, "abcdefghijklm"); err != nil {
		t.Fatal(err)
	}
	c, _ := snsClient()
	arn := motoEndpoints(t)[prid][0]
	if _, err := c.SetEndpointAttributes(ctx, &sns.SetEndpointAttributesInput{
		EndpointArn: aws.String(arn), Attributes: map[string]string{"Enabled": "false"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := p.PushCreationToken(ctx, to, "bcdefghijklmn"); err != nil {
		t.Fatal(err)
	}
	if got := motoEndpoints(t)[prid]; len(got) != 3 {
		t.Fatalf("%v", got)
	}
}
