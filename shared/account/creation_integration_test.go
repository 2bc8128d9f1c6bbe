//go:build integration

package account_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/notify"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// The creation flows' rules, on DynamoDB Local (the e2e suite covers the
// routes; here the domain's own decisions).

// A 4-digit PIN never starts with 0 (FlexiAPI's 1000–9999).
func TestCreationPINs(t *testing.T) {
	st := testenv.Table(t)
	// The recovery sends its PIN before writing it: through moto's SNS.
	svc := account.NewService(st, cfg(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true", "SMS_MAX_PER_PHONE_PER_HOUR": "0"})).
		WithDeps(account.Deps{SMS: notify.NewSMS()})
	ctx := context.Background()
	// A username that is a phone number: recover-by-phone finds it, and
	// SNS takes it as an SMS destination.
	const phone = "+33600000001"
	a, _, err := svc.EnsureAdmin(ctx, phone, "sip.example.org", "secret1", "SHA-256")
	if err != nil {
		t.Fatal(err)
	}
	_ = a
	for i := 0; i < 20; i++ {
		tok, err := svc.AdminCreationToken(ctx, "127.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RecoverByPhone(ctx, phone, tok.Token); err != nil {
			t.Fatal(err)
		}
		got, _ := st.AccountByID(ctx, a.ID)
		n, err := strconv.Atoi(*got.ConfirmationKey)
		if err != nil || n < 1000 || n > 9999 {
			t.Fatalf("PIN %q", *got.ConfirmationKey)
		}
	}
}

// The push flow stores a token only once pushed, and throttles on used
// tokens of the device within the window only (the real SNS pusher, on moto).
func TestSendByPushRules(t *testing.T) {
	st := testenv.Table(t)
	now := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c := cfg(t, map[string]string{"APP_API_ACCOUNT_CREATION_TOKEN_RETRY_MINUTES": "60"})
	sns := testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS")
	if err := devstack.EnsurePushApplications(context.Background(), sns, c.PushApps); err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(st, c).WithDeps(account.Deps{Push: notify.NewPush(c.PushApps)}).WithClock(clock)
	ctx := context.Background()
	to := account.PushTarget{Provider: "fcm", Param: "p", PRID: "device-" + auth.Random(8)}

	before := tokensPushedTo(t, sns, to.PRID)
	if err := svc.SendCreationTokenByPush(ctx, account.PushTarget{Provider: "nowhere", Param: "p", PRID: to.PRID}, "ip", "ua"); !errors.Is(err, account.ErrPushFailed) {
		t.Fatalf("%v", err)
	}
	if len(before) != 0 || len(tokensPushedTo(t, sns, to.PRID)) != 0 {
		t.Fatal("nothing is pushed to an unmapped provider")
	}
	if err := svc.SendCreationTokenByPush(ctx, to, "ip", "ua"); err != nil {
		t.Fatal(err)
	}
	tok := tokensPushedTo(t, sns, to.PRID)[0]
	if st, err := st.CreationTokenByValue(ctx, tok); err != nil || st.Used || st.Push == nil || *st.Push != to {
		t.Fatalf("%+v %v", st, err)
	}
	if err := svc.SendCreationTokenByPush(ctx, to, "ip", "ua"); err != nil {
		t.Fatalf("an unused token does not throttle: %v", err)
	}
	if _, err := svc.CreateWithToken(ctx, account.TokenCreateRequest{
		Input: input(map[string]any{"username": "pushed1", "password": "secret1", "account_creation_token": tok}), TokenField: "account_creation_token",
	}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(59 * time.Minute)
	if err := svc.SendCreationTokenByPush(ctx, to, "ip", "ua"); !errors.Is(err, account.ErrTooRecently) {
		t.Fatalf("within the window: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if err := svc.SendCreationTokenByPush(ctx, to, "ip", "ua"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// No pusher wired: a failed send.
	if err := account.NewService(st, c).SendCreationTokenByPush(ctx, to, "ip", "ua"); !errors.Is(err, account.ErrPushFailed) {
		t.Fatalf("%v", err)
	}
}

// tokensPushedTo reads the creation tokens moto recorded for a device.
func tokensPushedTo(t *testing.T, sns, prid string) []string {
	t.Helper()
	resp, err := http.Get(sns + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var data struct {
		SNS struct {
			PlatformEndpoint []struct {
				Token    string            `json:"token"`
				Messages map[string]string `json:"messages"`
			} `json:"PlatformEndpoint"`
		} `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ep := range data.SNS.PlatformEndpoint {
		if ep.Token != prid {
			continue
		}
		for _, m := range ep.Messages {
			var outer map[string]string
			json.Unmarshal([]byte(m), &outer)
			var fcm struct {
				Data struct {
					Token string `json:"token"`
				} `json:"data"`
			}
			json.Unmarshal([]byte(outer["GCM"]), &fcm)
			out = append(out, fcm.Data.Token)
		}
	}
	return out
}
