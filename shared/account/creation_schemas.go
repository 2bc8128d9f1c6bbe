package account

import (
	"regexp"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Messages of the creation flows (FlexiAPI's exact texts).
const (
	MsgInvalidCreationToken = "Please provide a valid account_creation_token"
	MsgInvalidRequestToken  = "Please provide a valid account_creation_request_token"
	MsgTokenNotSent         = "Token not sent"
	MsgTooRecently          = "Last token requested too recently"
	MsgActivationExpired    = "Activation expired"
)

// Bounds of the push fields, which become part of an index key: FCM
// registration tokens are about 160 characters, APNs device tokens 64.
const maxPushField = 512

// noControl refuses control characters (NUL, line breaks, C1): no push
// identifier has them, and SNS refuses them (a 503 for a client mistake).
var noControl = regexp.MustCompile(`^[^\x00-\x1F\x7F-\x9F]*$`)

// pushFieldRules: required (FlexiAPI checks nothing else), text (a JSON
// number is no provider nor token), without control characters, bounded:
// what SNS would refuse is a 422, not a failed send.
func pushFieldRules(name string) []validate.Rule {
	attr := validate.Context{Field: name}.Attr()
	return []validate.Rule{validate.Required(), validate.Text(), validate.Max(maxPushField),
		validate.Pattern(`regex:^[^\x00-\x1F\x7F-\x9F]*$`, noControl, "The "+attr+" format is invalid.")}
}

// SendByPushSchema is POST /account_creation_tokens/send-by-push (and the
// 2021 POST /tokens).
func SendByPushSchema() validate.Schema {
	return validate.Schema{Steps: []validate.Step{{
		{Name: "pn_provider", Type: "string", Desc: "the push notification provider (fcm, apns, apns.dev)", Rules: pushFieldRules("pn_provider")},
		{Name: "pn_param", Type: "string", Desc: "the push notification parameter (project or app id)", Rules: pushFieldRules("pn_param")},
		{Name: "pn_prid", Type: "string", Desc: "the push notification unique id (device token)", Rules: pushFieldRules("pn_prid")},
	}}}
}

// tokenRules: required, then FlexiAPI's token rule (exists, unused, 13
// characters), whose existence part the flow checks against the table.
func tokenRules(msg string) []validate.Rule {
	return []validate.Rule{validate.Required(), validate.Scalar(), validate.SizeWithMessage(CreationTokenLength, msg),
		validate.StoreRule("exists and unused", FactTokenUnusable, msg)}
}

// RequestTokenSchema is POST
// /account_creation_tokens/using-account-creation-request-token.
func RequestTokenSchema() validate.Schema {
	return validate.Schema{Steps: []validate.Step{{
		{Name: "account_creation_request_token", Type: "string", Desc: "a validated account_creation_request_token",
			Rules: tokenRules(MsgInvalidRequestToken)},
	}}}
}

// WithTokenSchema is POST /accounts/with-account-creation-token:
// the creation rules, then the token. tokenField is
// "account_creation_token", or "token" for the 2021 POST /accounts/with-token.
func WithTokenSchema(cfg *config.Config, tokenField string) validate.Schema {
	return validate.Schema{Steps: []validate.Step{
		{
			{Name: "username", Type: "string", Desc: "unique username", Rules: usernameRules(cfg, true)},
			{Name: "password", Type: "string", Desc: "the password", Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Min(cfg.PasswordMinLength)}},
			{Name: "algorithm", Type: "string", Desc: "MD5 or SHA-256; ACCOUNT_DEFAULT_PASSWORD_ALGORITHM when absent",
				Rules: []validate.Rule{validate.Nullable(), validate.InWithMessage(MsgAlgorithm, AlgMD5, AlgSHA256)}},
			{Name: "email", Type: "string", Desc: "validated, not stored (as FlexiAPI)", Rules: emailRules(cfg)},
			{Name: "dtmf_protocol", Type: "string", Desc: "DTMF protocol", Rules: []validate.Rule{validate.Nullable(), validate.In(DTMFProtocols...)}},
			{Name: "phone", Type: "string", Desc: "validated, not stored (as FlexiAPI)", Rules: phoneRules()},
			{Name: "dictionary", Type: "object", Desc: "validated, ignored (as FlexiAPI)", Rules: []validate.Rule{validate.Dictionary()}},
		},
		{
			{Name: tokenField, Type: "string", Desc: "an unused account_creation_token", Rules: tokenRules(MsgInvalidCreationToken)},
		},
	}}
}

// PublicCreateSchema is POST /accounts/public, one step.
func PublicCreateSchema(cfg *config.Config) validate.Schema {
	username := []validate.Rule{validate.RequiredWithout("phone"), validate.Scalar(), validate.NoUppercase(),
		validate.Blacklist(cfg.BlacklistedUsernames),
		validate.Pattern("regex:"+cfg.UsernameRegexSource, cfg.UsernameRegex, MsgSIPUsername),
		validate.Min(cfg.UsernameMinLength), validate.Max(maxUsername),
		validate.StoreRule("unique:accounts,username (in the domain)", FactUsernameTaken, MsgUsernameTaken),
		validate.StoreRule("unique:accounts_tombstones,username (in the domain)", FactUsernameTombstone, MsgUsernameTaken),
		validate.Filled()}
	// An explicit null email or phone is not "absent": FlexiAPI runs the
	// non-nullable rules on it and answers one message (`must be a valid
	// email address`, `must start with one of the following: +`); our own
	// bounds do not add theirs to it.
	email := []validate.Rule{validate.RequiredWithout("phone"), validate.Email(), unlessNull(validate.Max(maxEmail))}
	if cfg.EmailUnique {
		email = append(email, validate.StoreRule("unique:accounts,email", FactEmailTaken, MsgEmailTaken))
	}
	phone := []validate.Rule{validate.RequiredWithout("email"), validate.RequiredWithout("username"), unlessNull(validate.Scalar()),
		validate.StoreRule("unique:aliases,alias", FactPhoneAlias, MsgPhoneTaken), validate.StoreRule("unique:accounts,username", FactPhoneUsername, MsgPhoneTaken),
		unlessNull(validate.WithoutSpaces()), validate.StartsWith("+"), unlessNull(validate.Max(maxUsername))}
	return validate.Schema{Steps: []validate.Step{{
		{Name: "username", Type: "string", Desc: "required without phone", Rules: username},
		{Name: "algorithm", Type: "string", Desc: "MD5 or SHA-256", Rules: algorithmRules()},
		{Name: "password", Type: "string", Desc: "the password", Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Min(cfg.PasswordMinLength), validate.Filled()}},
		{Name: "domain", Type: "string", Desc: "the account's domain; APP_SIP_DOMAIN when absent",
			Rules: []validate.Rule{validate.Nullable(), validate.Scalar(), validate.Min(3), validate.Max(maxDomain), validate.WithoutSpaces()}},
		{Name: "email", Type: "string", Desc: "required without phone", Rules: email},
		{Name: "phone", Type: "string", Desc: "required without email or username; gets the SMS code", Rules: phone},
		{Name: "account_creation_token", Type: "string", Desc: "an unused account_creation_token", Rules: tokenRules(MsgInvalidCreationToken)},
	}}}
}

// RecoverByPhoneSchema is POST /accounts/recover-by-phone.
func RecoverByPhoneSchema() validate.Schema {
	return validate.Schema{Steps: []validate.Step{{
		{Name: "phone", Type: "string", Desc: "the phone number to send the SMS to", Rules: requiredPhoneRules()},
		{Name: "account_creation_token", Type: "string", Desc: "an unused account_creation_token", Rules: tokenRules(MsgInvalidCreationToken)},
	}}}
}

func requiredPhoneRules() []validate.Rule {
	return []validate.Rule{validate.Required(), validate.Scalar(), validate.WithoutSpaces(), validate.StartsWith("+"), validate.Max(maxUsername)}
}

// InfoByPhoneSchema validates the {phone} of GET /accounts/{phone}/info-by-phone.
func InfoByPhoneSchema() validate.Schema {
	return validate.Schema{Steps: []validate.Step{{{Name: "phone", Type: "string", Rules: requiredPhoneRules()}}}}
}

// ActivateSchema is POST /accounts/{sip}/activate/email (13 characters)
// or /activate/phone (4 digits); `code` is accepted for
// confirmation_key, as FlexiAPI does.
func ActivateSchema(phone bool) validate.Schema {
	rule := validate.Size(CreationTokenLength)
	desc := "the confirmation key received by email (13 characters)"
	if phone {
		rule = validate.Digits(4)
		desc = "the PIN received by SMS (4 digits)"
	}
	return validate.Schema{Steps: []validate.Step{{
		{Name: "confirmation_key", Type: "string", Desc: desc + "; `code` is accepted instead",
			Rules: []validate.Rule{validate.Alias("code", validate.Required(), validate.Scalar(), rule)}},
	}}}
}

// unlessNull runs a rule on every value but null.
func unlessNull(r validate.Rule) validate.Rule { return nullSkipping{r} }

type nullSkipping struct{ validate.Rule }

// Types are the wrapped rule's, and null.
func (n nullSkipping) Types() []string {
	if t, ok := n.Rule.(validate.Typed); ok && len(t.Types()) > 0 {
		return append(append([]string(nil), t.Types()...), validate.TypeNull)
	}
	return nil
}

func (n nullSkipping) Check(c validate.Context, v any, present bool) string {
	if v == nil {
		return ""
	}
	return n.Rule.Check(c, v, present)
}
