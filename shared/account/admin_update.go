package account

import (
	"context"
	"errors"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// UpdateSchema is the validation of admin PUT /accounts/{id} (a full
// replacement):
// two steps, run before the account is looked up (an unknown id with an
// invalid body is a 422). FlexiAPI's defects are not kept: a missing
// password is a 422 (FlexiAPI: 500 after a partial save), and the
// uniqueness of the email and the phone ignores the account itself
// (FlexiAPI refuses to re-submit the account's own values).
func UpdateSchema(cfg *config.Config) validate.Schema {
	return validate.Schema{Steps: []validate.Step{
		{
			// IsNotPhoneNumber always applies here: the admin toggle is for
			// creation only. No tombstone check, as FlexiAPI.
			{Name: "username", Type: "string", Desc: "unique username in the domain", Rules: []validate.Rule{
				validate.Required(), validate.Scalar(), validate.NoUppercase(), validate.NotPhoneNumber(),
				validate.Blacklist(cfg.BlacklistedUsernames),
				validate.Pattern("regex:"+cfg.UsernameRegexSource, cfg.UsernameRegex, MsgSIPUsername),
				validate.Min(cfg.UsernameMinLength), validate.Max(maxUsername),
				validate.StoreRule("unique:accounts,username (in the domain, ignoring this account)", FactUsernameTaken, MsgUsernameTaken),
				validate.Filled(),
			}},
			{Name: "password", Type: "string", Desc: "the new password (always replaced)", Rules: []validate.Rule{
				validate.Required(), validate.Scalar(), validate.Min(cfg.PasswordMinLength)}},
			{Name: "email", Type: "string", Desc: "an email; omitted or null clears it", Rules: emailRules(cfg)},
			{Name: "role", Type: "string", Desc: "admin or end_user (unused, as in FlexiAPI)", Rules: []validate.Rule{validate.In("admin", "end_user")}},
			{Name: "dtmf_protocol", Type: "string", Desc: "DTMF protocol; omitted or null clears it", Rules: []validate.Rule{validate.Nullable(), validate.In(DTMFProtocols...)}},
			{Name: "phone", Type: "string", Desc: "a phone number (alias); omitted or null removes it", Rules: []validate.Rule{
				validate.Nullable(), validate.Scalar(),
				validate.StoreRule("unique:accounts,username (in the domain)", FactPhoneUsername, MsgPhoneTaken), validate.StoreRule("unique:aliases,alias (ignoring this account)", FactPhoneAlias, MsgPhoneTaken),
				validate.WithoutSpaces(), validate.StartsWith("+"), validate.Max(maxUsername)}},
			{Name: "domain", Type: "string", Desc: "only honoured when APP_ADMINS_MANAGE_MULTI_DOMAINS is true; otherwise, or when omitted, the account moves to APP_SIP_DOMAIN", Rules: []validate.Rule{validate.Nullable(), validate.Scalar(), validate.Max(maxDomain), validate.WithoutSpaces()}},
			{Name: "display_name", Type: "string", Desc: "display name; omitted or null clears it", Rules: []validate.Rule{validate.Nullable(), validate.Scalar(), validate.Max(maxDisplayName)}},
		},
		{
			{Name: "algorithm", Type: "string", Desc: "MD5 or SHA-256", Rules: algorithmRules()},
			{Name: "admin", Type: "boolean", Desc: "the admin role; omitted or false removes it", Rules: []validate.Rule{validate.Nullable(), validate.Boolean()}},
			{Name: "activated", Type: "boolean", Desc: "validated but ignored, as in FlexiAPI", Rules: []validate.Rule{validate.Nullable(), validate.Boolean()}},
		},
	}}
}

// UpdateRequest is a validated admin update.
type UpdateRequest struct {
	ID        int64
	Scope     string
	Input     validate.Input
	UserAgent string
	// CallerAdmin lets a multi-domain admin pick the domain.
	CallerAdmin bool
}

// Update is admin PUT /accounts/{id}: FlexiAPI's full replacement. Every
// field it sets is taken from the body, an omitted one being cleared
// (email, display name, DTMF protocol, phone, the admin role); the
// password is re-hashed for the new username and realm; the domain is the
// resolved one. A rename moves the SIP identity and the markers in the
// same transaction as the account, so a lost race on the new username,
// email or phone is a 422 and changes nothing.
func (s *Service) Update(ctx context.Context, req UpdateRequest) (*Account, error) {
	in := req.Input
	username, _ := in.String("username")
	password, _ := in.String("password")
	algorithm, _ := in.String("algorithm")
	domain := s.cfg.SIPDomain
	if d, ok := in.String("domain"); ok && req.CallerAdmin && s.cfg.AdminsManageMultiDomains {
		domain = d
	}
	phone := optString(in, "phone")
	if phone != nil {
		// FlexiAPI: a phone must not be the username of another account of
		// the domain (its alias uniqueness is the marker's condition).
		owner, err := s.store.SIPAccountID(ctx, *phone, domain)
		switch {
		case err == nil && owner != req.ID:
			return nil, validate.Single("phone", MsgPhoneTaken)
		case err != nil && !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	admin, _ := in.Bool("admin")
	userAgent := req.UserAgent
	if userAgent == "" {
		userAgent = s.cfg.AppName
	}
	var out *Account
	err := retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		prev, err := s.Get(ctx, req.ID, req.Scope)
		if err != nil {
			return err
		}
		now := s.Now()
		next := *prev
		next.Username = username
		next.Domain = domain
		next.Email = optString(in, "email")
		next.DisplayName = optString(in, "display_name")
		next.DTMFProtocol = optString(in, "dtmf_protocol")
		next.Phone = phone
		next.UserAgent = userAgent
		next.UpdatedAt = now
		next.Passwords = map[string]string{algorithm: auth.HA1(algorithm, username, s.cfg.RealmFor(domain), password)}
		switch {
		case !admin:
			next.Admin = nil
		case prev.Admin == nil:
			next.Admin = &Role{CreatedAt: now, UpdatedAt: now}
		}
		out, err = s.store.UpdateAccount(ctx, prev, &next, s.cfg.EmailUnique)
		return err
	})
	if err != nil {
		return nil, uniquenessError(err)
	}
	return out, nil
}
