package account

import (
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Messages of the account's own endpoints.
const (
	MsgIncorrectOldPassword = "Incorrect old password"
	MsgSelectedEmailInvalid = "The selected email is invalid."
	MsgOldPasswordRequired  = "The old password field is required."
)

// PasswordChangeSchema is POST /accounts/me/password's first step; the
// old_password rule (required when the account has a password) is the
// second, checked by ChangePassword.
func PasswordChangeSchema(cfg *config.Config) validate.Schema {
	return validate.Schema{Steps: []validate.Step{{
		{Name: "algorithm", Type: "string", Desc: "MD5 or SHA-256", Rules: algorithmRules()},
		{Name: "password", Type: "string", Desc: "the new password", Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Min(cfg.PasswordMinLength)}},
		{Name: "old_password", Type: "string", Desc: "the current password, required if the account has one", Rules: []validate.Rule{
			validate.Documented("required if the account has a password"), validate.Nullable(), validate.Scalar()}},
	}}}
}

// EmailChangeSchema is POST /accounts/me/email/request.
func EmailChangeSchema(cfg *config.Config) validate.Schema {
	rules := []validate.Rule{validate.Required(), validate.Scalar(), validate.Email(), validate.Max(maxEmail),
		validate.Documented("different from the current email")}
	if cfg.EmailUnique {
		rules = append(rules, validate.Documented("unique:accounts,email"))
	}
	return validate.Schema{Steps: []validate.Step{{
		{Name: "email", Type: "string", Desc: "the new email address", Rules: rules},
	}}}
}

// PhoneChangeSchema is POST /accounts/me/phone/request.
func PhoneChangeSchema() validate.Schema {
	return validate.Schema{Steps: []validate.Step{{
		{Name: "phone", Type: "string", Desc: "the phone number to send the SMS to", Rules: []validate.Rule{
			validate.Required(), validate.Scalar(),
			validate.Documented("unique:aliases,alias"), validate.Documented("unique:accounts,username"),
			validate.WithoutSpaces(), validate.StartsWith("+"), validate.Max(maxUsername)}},
	}}}
}

// ChangeCodeSchema is the body of the confirmations (phone, email).
func ChangeCodeSchema(desc string) validate.Schema {
	return validate.Schema{Steps: []validate.Step{{
		{Name: "code", Type: "string", Desc: desc, Rules: []validate.Rule{validate.Required(), validate.Digits(4)}},
	}}}
}
