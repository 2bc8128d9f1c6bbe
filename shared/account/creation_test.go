package account_test

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
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
