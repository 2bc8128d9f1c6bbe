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
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// The creation flows' rules, on DynamoDB Local (the e2e suite covers the
// routes; here the domain's own decisions).

func input(m map[string]any) validate.Input { return validate.NewInput(m) }

func firstError(t *testing.T, errs *validate.Errors, field string) string {
	t.Helper()
	if errs == nil || len(errs.Field(field)) == 0 {
		t.Fatalf("no error on %s: %v", field, errs)
	}
	return errs.Field(field)[0]
}

func TestWithTokenSchemaSteps(t *testing.T) {
	s := account.WithTokenSchema(cfg(t, nil), "account_creation_token")
	// Step 1 errors hide step 2's.
	errs := s.Validate(input(map[string]any{"username": "Bad"}))
	if errs.Field("account_creation_token") != nil || firstError(t, errs, "username") != "No uppercase letters are allowed." {
		t.Fatalf("%v", errs)
	}
	errs = s.Validate(input(map[string]any{"username": "goodname", "password": "secret1"}))
	if firstError(t, errs, "account_creation_token") != "The account creation token field is required." {
		t.Fatal(errs)
	}
	errs = s.Validate(input(map[string]any{"username": "goodname", "password": "secret1", "account_creation_token": "x"}))
	if firstError(t, errs, "account_creation_token") != account.MsgInvalidCreationToken {
		t.Fatal(errs)
	}
	// algorithm is optional, but must be valid when given (FlexiAPI: 500).
	errs = s.Validate(input(map[string]any{"username": "goodname", "password": "secret1", "algorithm": "sha1"}))
	if firstError(t, errs, "algorithm") != account.MsgAlgorithm {
		t.Fatal(errs)
	}
	if errs := s.Validate(input(map[string]any{"username": "goodname", "password": "secret1", "account_creation_token": "abcdefghijklm"})); errs != nil {
		t.Fatal(errs)
	}
	// The 2021 alias names its field token.
	errs = account.WithTokenSchema(cfg(t, nil), "token").Validate(input(map[string]any{"username": "goodname", "password": "secret1"}))
	if firstError(t, errs, "token") != "The token field is required." {
		t.Fatal(errs)
	}
}

func TestActivateSchemaCodeAlias(t *testing.T) {
	email, phone := account.ActivateSchema(false), account.ActivateSchema(true)
	if errs := email.Validate(input(map[string]any{"code": "abcdefghijklm"})); errs != nil {
		t.Fatalf("code alone is the key: %v", errs)
	}
	// code overrides confirmation_key, even a valid one.
	errs := email.Validate(input(map[string]any{"confirmation_key": "abcdefghijklm", "code": "short"}))
	if firstError(t, errs, "confirmation_key") != "The confirmation key must be 13 characters." {
		t.Fatal(errs)
	}
	errs = email.Validate(input(map[string]any{"code": nil}))
	if firstError(t, errs, "confirmation_key") != "The confirmation key field is required." {
		t.Fatal(errs)
	}
	if errs := phone.Validate(input(map[string]any{"confirmation_key": "1234"})); errs != nil {
		t.Fatal(errs)
	}
	errs = phone.Validate(input(map[string]any{"confirmation_key": "12345"}))
	if firstError(t, errs, "confirmation_key") != "The confirmation key must be 4 digits." {
		t.Fatal(errs)
	}
}

func TestPublicCreateSchemaRequiredWithout(t *testing.T) {
	s := account.PublicCreateSchema(cfg(t, nil))
	errs := s.Validate(input(map[string]any{"password": "secret1", "algorithm": "MD5", "account_creation_token": "abcdefghijklm"}))
	if firstError(t, errs, "username") != "The username field is required when phone is not present." ||
		firstError(t, errs, "email") != "The email field is required when phone is not present." ||
		firstError(t, errs, "phone") != "The phone field is required when email is not present." {
		t.Fatal(errs)
	}
	// An explicit null is FlexiAPI's one message, not "required".
	errs = s.Validate(input(map[string]any{"username": "somebody", "phone": nil, "email": "a@example.org", "password": "secret1", "algorithm": "MD5", "account_creation_token": "abcdefghijklm"}))
	if got := errs.Field("phone"); len(got) != 1 || got[0] != "The phone must start with one of the following: +" {
		t.Fatal(errs)
	}
	errs = s.Validate(input(map[string]any{"email": nil, "phone": "+33612345678", "password": "secret1", "algorithm": "MD5", "account_creation_token": "abcdefghijklm"}))
	if got := errs.Field("email"); len(got) != 1 || got[0] != "The email must be a valid email address." {
		t.Fatal(errs)
	}
	// A phone alone is enough (it becomes the username).
	if errs := s.Validate(input(map[string]any{"phone": "+33612345678", "password": "secret1", "algorithm": "MD5", "account_creation_token": "abcdefghijklm"})); errs != nil {
		t.Fatal(errs)
	}
}

// A 4-digit PIN never starts with 0 (FlexiAPI's 1000–9999).
func TestCreationPINs(t *testing.T) {
	st := testenv.Table(t)
	svc := account.NewService(st, cfg(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true", "SMS_MAX_PER_PHONE_PER_HOUR": "0"}))
	ctx := context.Background()
	a, _, err := svc.EnsureAdmin(ctx, "pinholder", "sip.example.org", "secret1", "SHA-256")
	if err != nil {
		t.Fatal(err)
	}
	_ = a
	for i := 0; i < 20; i++ {
		tok, err := svc.AdminCreationToken(ctx, "127.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RecoverByPhone(ctx, "pinholder", tok.Token); err != nil {
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
