package account

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Messages of the uniqueness rules, enforced by the store's conditions.
const (
	MsgUsernameTaken = "The username has already been taken."
	MsgEmailTaken    = "The email has already been taken."
	MsgPhoneTaken    = "The phone has already been taken."
	MsgAlgorithm     = "The password algorithm must be in MD5, SHA-256"
	MsgSIPUsername   = "The username should be a valid SIP username"
)

// Length caps of FlexiAPI's columns. FlexiAPI's non-strict MySQL truncates
// longer values silently; we refuse them (docs/compatibility.md).
const (
	maxUsername    = 64
	maxDomain      = 64
	maxEmail       = 254
	maxDisplayName = 255
)

// usernameRules are FlexiAPI's creation rules with the documented minimum
// length (ACCOUNT_USERNAME_MIN_LENGTH; FlexiAPI's code has none).
func usernameRules(cfg *config.Config, phoneCheck bool) []validate.Rule {
	rules := []validate.Rule{validate.Required(), validate.Scalar(), validate.NoUppercase()}
	if phoneCheck {
		rules = append(rules, validate.NotPhoneNumber())
	}
	return append(rules,
		validate.Blacklist(cfg.BlacklistedUsernames),
		validate.Pattern("regex:"+cfg.UsernameRegexSource, cfg.UsernameRegex, MsgSIPUsername),
		validate.Min(cfg.UsernameMinLength),
		validate.Max(maxUsername),
		validate.StoreRule("unique:accounts,username (in the domain)", FactUsernameTaken, MsgUsernameTaken),
		validate.StoreRule("unique:accounts_tombstones,username (in the domain)", FactUsernameTombstone, MsgUsernameTaken),
		validate.Filled(),
	)
}

func phoneRules() []validate.Rule {
	return []validate.Rule{validate.Nullable(), validate.Scalar(),
		validate.StoreRule("unique:aliases,alias", FactPhoneAlias, MsgPhoneTaken), validate.StoreRule("unique:accounts,username", FactPhoneUsername, MsgPhoneTaken),
		validate.WithoutSpaces(), validate.StartsWith("+"), validate.Max(maxUsername)}
}

func emailRules(cfg *config.Config) []validate.Rule {
	rules := []validate.Rule{validate.Nullable(), validate.Email(), validate.Max(maxEmail)}
	if cfg.EmailUnique {
		rules = append(rules, validate.StoreRule("unique:accounts,email", FactEmailTaken, MsgEmailTaken))
	}
	return rules
}

func algorithmRules() []validate.Rule {
	return []validate.Rule{validate.Required(), validate.InWithMessage(MsgAlgorithm, AlgMD5, AlgSHA256)}
}

// CreateSchema is the validation of admin POST /accounts: two
// steps, only the first failing one reported.
func CreateSchema(cfg *config.Config) validate.Schema {
	return validate.Schema{Steps: []validate.Step{
		{
			{Name: "username", Type: "string", Desc: "unique username in the domain", Rules: usernameRules(cfg, !cfg.AllowPhoneNumberUsername)},
			{Name: "password", Type: "string", Desc: "the password", Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Min(cfg.PasswordMinLength)}},
			{Name: "email", Type: "string", Desc: "an email", Rules: emailRules(cfg)},
			{Name: "dtmf_protocol", Type: "string", Desc: "DTMF protocol", Rules: []validate.Rule{validate.Nullable(), validate.In(DTMFProtocols...)}},
			{Name: "phone", Type: "string", Desc: "a phone number (alias)", Rules: phoneRules()},
			{Name: "dictionary", Type: "object", Desc: "string keys and values attached to the account", Rules: []validate.Rule{validate.Dictionary(), dictionaryBounds()}},
			{Name: "domain", Type: "string", Desc: "only honoured when APP_ADMINS_MANAGE_MULTI_DOMAINS is true", Rules: []validate.Rule{validate.Nullable(), validate.Scalar(), validate.Max(maxDomain), validate.WithoutSpaces()}},
			{Name: "display_name", Type: "string", Desc: "display name", Rules: []validate.Rule{validate.Nullable(), validate.Scalar(), validate.Max(maxDisplayName)}},
		},
		{
			{Name: "algorithm", Type: "string", Desc: "MD5 or SHA-256", Rules: algorithmRules()},
			{Name: "admin", Type: "boolean", Desc: "create an admin account", Rules: []validate.Rule{validate.Nullable(), validate.Boolean()}},
			{Name: "activated", Type: "boolean", Desc: "false by default", Rules: []validate.Rule{validate.Nullable(), validate.Boolean()}},
			{Name: "confirmation_key_expires", Type: "string", Desc: "Y-m-d H:i:s, expiry of the confirmation key", Rules: []validate.Rule{validate.Nullable(), validate.DateFormat()}},
		},
	}}
}

// CreateRequest is a validated admin creation.
type CreateRequest struct {
	Input validate.Input
	// DictionaryOrder is the order of the dictionary keys in the body (a
	// decoded JSON object has none).
	DictionaryOrder []string
	IP              string
	UserAgent       string
	// CallerAdmin is true on the admin route: it lets a multi-domain admin
	// pick the domain.
	CallerAdmin bool
}

// Create is admin POST /accounts once the body passed CreateSchema.
func (s *Service) Create(ctx context.Context, req CreateRequest) (*Account, error) {
	in := req.Input
	now := s.Now()
	username, _ := in.String("username")
	password, _ := in.String("password")
	algorithm, _ := in.String("algorithm")

	domain := s.cfg.SIPDomain
	if d, ok := in.String("domain"); ok && req.CallerAdmin && s.cfg.AdminsManageMultiDomains {
		domain = d
	}
	a := &Account{
		Username:  username,
		Domain:    domain,
		IPAddress: req.IP,
		UserAgent: req.UserAgent,
		CreatedAt: now,
		UpdatedAt: now,
		Passwords: map[string]string{algorithm: auth.HA1(algorithm, username, s.cfg.RealmFor(domain), password)},
	}
	if a.UserAgent == "" {
		a.UserAgent = s.cfg.AppName
	}
	a.Email = optString(in, "email")
	a.DisplayName = optString(in, "display_name")
	a.DTMFProtocol = optString(in, "dtmf_protocol")
	a.Phone = optString(in, "phone")
	a.Activated, _ = in.Bool("activated")
	if admin, _ := in.Bool("admin"); admin {
		a.Admin = &Role{CreatedAt: now, UpdatedAt: now}
	}
	if !a.Activated {
		key := auth.Random(13)
		a.ConfirmationKey = &key
		if exp, ok := in.String("confirmation_key_expires"); ok {
			t, err := time.Parse(validate.DateTimeLayout, exp)
			if err != nil {
				return nil, fmt.Errorf("confirmation_key_expires passed validation but does not parse: %w", err)
			}
			a.ActivationExpiration = &ActivationExpiration{Expires: t, CreatedAt: now, UpdatedAt: now}
		}
	}
	token := auth.Random(13)
	a.ProvisioningToken = &token
	if dict, ok := in.Map("dictionary"); ok {
		a.Dictionary = orderedEntries(dict, req.DictionaryOrder)
	}
	if a.Phone != nil {
		taken, err := s.store.UsernameInAnyDomain(ctx, *a.Phone)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, validate.Single("phone", MsgPhoneTaken)
		}
	}
	if err := s.store.CreateAccount(ctx, a, s.cfg.EmailUnique); err != nil {
		return nil, uniquenessError(err)
	}
	return a, nil
}

// uniquenessError turns a lost uniqueness race into FlexiAPI's 422.
func uniquenessError(err error) error {
	switch {
	case errors.Is(err, ErrUsernameTaken):
		return validate.Single("username", MsgUsernameTaken)
	case errors.Is(err, ErrEmailTaken):
		return validate.Single("email", MsgEmailTaken)
	case errors.Is(err, ErrPhoneTaken):
		return validate.Single("phone", MsgPhoneTaken)
	}
	return err
}

func optString(in validate.Input, name string) *string {
	if s, ok := in.String(name); ok {
		return &s
	}
	return nil
}

// orderedEntries lists a dictionary in the body's key order; keys the order
// does not know come last, sorted, so the result is deterministic.
func orderedEntries(dict map[string]any, order []string) []DictionaryEntry {
	out := make([]DictionaryEntry, 0, len(dict))
	seen := map[string]bool{}
	for _, k := range order {
		if v, ok := dict[k].(string); ok && !seen[k] {
			out = append(out, DictionaryEntry{Key: k, Value: v})
			seen[k] = true
		}
	}
	var rest []string
	for k := range dict {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		if v, ok := dict[k].(string); ok {
			out = append(out, DictionaryEntry{Key: k, Value: v})
		}
	}
	return out
}
