package account

import (
	"context"
	"errors"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// TokenCreateRequest is a validated POST /accounts/with-account-creation-token
// (or the 2021 POST /accounts/with-token, whose field is `token`).
type TokenCreateRequest struct {
	Input      validate.Input
	TokenField string
	IP         string
}

// CreateWithToken creates an unactivated account in APP_SIP_DOMAIN and
// consumes the creation token, atomically.
func (s *Service) CreateWithToken(ctx context.Context, req TokenCreateRequest) (*Account, error) {
	in := req.Input
	now := s.Now()
	username, _ := in.String("username")
	password, _ := in.String("password")
	algorithm := in.StringOr("algorithm", s.cfg.DefaultPasswordAlgorithm)
	token, _ := in.String(req.TokenField)
	domain := s.cfg.SIPDomain
	key, prov := auth.Random(13), auth.Random(13)
	a := &Account{
		Username: username, Domain: domain,
		ConfirmationKey: &key, ProvisioningToken: &prov,
		IPAddress: req.IP, UserAgent: s.cfg.AppName, // FlexiAPI records APP_NAME here
		CreatedAt: now, UpdatedAt: now,
		DTMFProtocol: optString(in, "dtmf_protocol"),
		Passwords:    map[string]string{algorithm: auth.HA1(algorithm, username, s.cfg.RealmFor(domain), password)},
	}
	use := TokenUse{Token: token, Now: now}
	// FlexiAPI validates phone and email here without storing them.
	if phone, ok := in.String("phone"); ok {
		if err := s.phoneFree(ctx, phone); err != nil {
			return nil, err
		}
		use.CheckPhone = phone
	}
	if email, ok := in.String("email"); ok && s.cfg.EmailUnique {
		use.CheckEmail = email
	}
	return a, s.createWithToken(ctx, a, use, req.TokenField)
}

// phoneFree is FlexiAPI's "unique in accounts.username (any domain)" rule
// on a phone; the alias marker is checked by the store's transaction.
func (s *Service) phoneFree(ctx context.Context, phone string) error {
	taken, err := s.store.UsernameInAnyDomain(ctx, phone)
	if err != nil {
		return err
	}
	if taken {
		return validate.Single("phone", MsgPhoneTaken)
	}
	return nil
}

// createWithToken writes the account and consumes the token in one
// transaction, which also allocates the account's id: a refused creation
// (a taken username, email or phone, an unusable token) spends no id.
func (s *Service) createWithToken(ctx context.Context, a *Account, use TokenUse, tokenField string) error {
	t, err := s.usableCreationToken(ctx, use.Token)
	switch {
	case err == nil:
		use.Push, use.PushCreatedAt = t.Push, t.CreatedAt
	case errors.Is(err, ErrTokenInvalid):
		// The transaction cannot succeed (the token condition fails), but
		// it still reports a taken username, email or phone first, as
		// FlexiAPI's first validation step does.
	default:
		return err
	}
	err = s.store.CreateAccountWithToken(ctx, a, s.cfg.EmailUnique, use)
	if errors.Is(err, ErrTokenInvalid) {
		return validate.Single(tokenField, MsgInvalidCreationToken)
	}
	return uniquenessError(err)
}

// PublicCreateRequest is a validated POST /accounts/public.
type PublicCreateRequest struct {
	Input     validate.Input
	IP        string
	UserAgent string
}

// PublicCreate is the dangerous POST /accounts/public. With a
// phone, the phone becomes the account's alias and an SMS carries the
// confirmation PIN.
func (s *Service) PublicCreate(ctx context.Context, req PublicCreateRequest) (*Account, error) {
	in := req.Input
	now := s.Now()
	phone := optString(in, "phone")
	username, ok := in.String("username")
	if !ok && phone != nil {
		username = *phone
	}
	password, _ := in.String("password")
	algorithm, _ := in.String("algorithm")
	token, _ := in.String("account_creation_token")
	domain := in.StringOr("domain", s.cfg.SIPDomain)
	prov := auth.Random(13)
	a := &Account{
		Username: username, Domain: domain, Email: optString(in, "email"),
		IPAddress: req.IP, UserAgent: req.UserAgent,
		CreatedAt: now, UpdatedAt: now, ProvisioningToken: &prov,
		Passwords: map[string]string{algorithm: auth.HA1(algorithm, username, s.cfg.RealmFor(domain), password)},
	}
	if a.UserAgent == "" {
		a.UserAgent = s.cfg.AppName
	}
	key := auth.Random(13)
	if phone != nil {
		if err := s.phoneFree(ctx, *phone); err != nil {
			return nil, err
		}
		a.Phone = phone
		key = creationPIN()
	}
	a.ConfirmationKey = &key
	if phone != nil {
		// The PIN is the only way to activate the account: it is sent
		// before the account is written (within the number's quota), once
		// the write is known to be possible. A failed send is
		// ErrSMSNotSent (503) and leaves the token unused and nothing
		// written (FlexiAPI writes, then logs a failed send: the token is
		// spent on an account that can never be activated).
		if err := s.creationPossible(ctx, a, token); err != nil {
			return nil, err
		}
		if err := s.sendCounted(ctx, *phone, "Your "+s.cfg.AppName+" creation code is "+key); err != nil {
			return nil, err
		}
	}
	if err := s.createWithToken(ctx, a, TokenUse{Token: token, Now: now}, "account_creation_token"); err != nil {
		return nil, err
	}
	return a, nil
}

// creationPossible checks, before an SMS goes, what the creation's
// transaction would refuse: an unusable token, a taken username (or
// tombstone), email (ACCOUNT_EMAIL_UNIQUE) or phone. A race can still make
// the write fail after the send; the write stays the guarantee.
func (s *Service) creationPossible(ctx context.Context, a *Account, token string) error {
	if _, err := s.usableCreationToken(ctx, token); err != nil {
		if errors.Is(err, ErrTokenInvalid) {
			return validate.Single("account_creation_token", MsgInvalidCreationToken)
		}
		return err
	}
	q := HolderQuery{Username: a.Username, Domain: a.Domain}
	if a.Phone != nil {
		q.Phone = *a.Phone
	}
	if a.Email != nil && s.cfg.EmailUnique {
		q.Email = *a.Email
	}
	h, err := s.store.Holders(ctx, q)
	switch {
	case err != nil:
		return err
	case h.SIP != 0 || h.Tombstone:
		return ErrUsernameTaken
	case h.Email != 0:
		return ErrEmailTaken
	case h.Phone != 0:
		return ErrPhoneTaken
	}
	return nil
}

// splitSIP splits {sip} as FlexiAPI does (username@domain); no "@" is not
// found.
func splitSIP(sip string) (username, domain string, err error) {
	i := strings.LastIndexByte(sip, '@')
	if i <= 0 || i == len(sip)-1 {
		return "", "", ErrNotFound
	}
	return sip[:i], sip[i+1:], nil
}

// publicAccount finds username@domain among the accounts the public sees
// (APP_SIP_DOMAIN only, as FlexiAPI's domain scope).
func (s *Service) publicAccount(ctx context.Context, sip string) (*Account, error) {
	username, domain, err := splitSIP(sip)
	if err != nil {
		return nil, err
	}
	if !Visible(domain, s.cfg.SIPDomain) {
		return nil, ErrNotFound
	}
	return s.store.AccountBySIP(ctx, username, domain)
}

// Info is GET /accounts/{sip}/info.
func (s *Service) Info(ctx context.Context, sip string) (*Account, error) {
	return s.publicAccount(ctx, sip)
}

// ActivateByKey is POST /accounts/{sip}/activate/email and /activate/phone:
// the account's confirmation key activates it once.
func (s *Service) ActivateByKey(ctx context.Context, sip, key string) (*Account, error) {
	a, err := s.publicAccount(ctx, sip)
	if err != nil {
		return nil, err
	}
	if a.ConfirmationKey == nil || *a.ConfirmationKey != key {
		return nil, ErrNotFound
	}
	return s.activateWithKey(ctx, a, key, ErrNotFound)
}

func (s *Service) activateWithKey(ctx context.Context, a *Account, key string, lost error) (*Account, error) {
	now := s.Now()
	if e := a.ActivationExpiration; e != nil && e.Expires.Before(now) {
		return nil, ErrActivationExpired
	}
	out, err := s.store.ActivateWithKey(ctx, a, key, now)
	if errors.Is(err, ErrAlreadyChanged) {
		return nil, lost // the key was used meanwhile
	}
	return out, err
}

// accountByPhone resolves a phone as FlexiAPI does: the alias (any
// domain, then the account within APP_SIP_DOMAIN), else an account of
// APP_SIP_DOMAIN whose username is the phone. viaAlias tells which.
func (s *Service) accountByPhone(ctx context.Context, phone string) (a *Account, viaAlias bool, err error) {
	a, err = s.store.AccountByPhone(ctx, phone)
	switch {
	case err == nil:
		// FlexiAPI answers 500 for an alias of an account of another
		// domain; it is not visible to the public: 404.
		if !InScope(a, s.cfg.SIPDomain) {
			return nil, false, ErrNotFound
		}
		return a, true, nil
	case !errors.Is(err, ErrNotFound):
		return nil, false, err
	}
	a, err = s.store.AccountBySIP(ctx, phone, s.cfg.SIPDomain)
	return a, false, err
}

// InfoByPhone is GET /accounts/{phone}/info-by-phone.
func (s *Service) InfoByPhone(ctx context.Context, phone string) (*Account, bool, error) {
	return s.accountByPhone(ctx, phone)
}

// RecoverByPhone is POST /accounts/recover-by-phone: the account gets a
// new PIN as confirmation key, the creation token is consumed with it, and
// the PIN goes by SMS to the phone given. The SMS goes first, within the
// number's quota: over it, or when it cannot be sent (ErrSMSNotSent),
// nothing is written and the token stays unused.
func (s *Service) RecoverByPhone(ctx context.Context, phone, token string) error {
	if _, err := s.usableCreationToken(ctx, token); err != nil {
		if errors.Is(err, ErrTokenInvalid) {
			return validate.Single("account_creation_token", MsgInvalidCreationToken)
		}
		return err
	}
	// An unknown phone costs no quota and sends nothing.
	a, _, err := s.accountByPhone(ctx, phone)
	if err != nil {
		return err
	}
	pin := creationPIN()
	if err := s.sendCounted(ctx, phone, "Your "+s.cfg.AppName+" recovery code is "+pin); err != nil {
		return err
	}
	reload := false
	err = retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		if reload {
			if a, _, err = s.accountByPhone(ctx, phone); err != nil {
				return err
			}
		}
		reload = true
		return s.store.SetConfirmationKeyWithToken(ctx, a, pin, TokenUse{Token: token, Now: s.Now()})
	})
	if errors.Is(err, ErrTokenInvalid) {
		return validate.Single("account_creation_token", MsgInvalidCreationToken)
	}
	return err
}

// Recover is GET /accounts/{sip}/recover/{recover_key}: {sip} is a phone
// alias in APP_SIP_DOMAIN or username@domain; the key activates the
// account once. The key is compared exactly (FlexiAPI compares loosely).
func (s *Service) Recover(ctx context.Context, sip, key string) (*Account, error) {
	user, domain, err := splitSIP(sip)
	if err != nil {
		return nil, err
	}
	var a *Account
	if Visible(domain, s.cfg.SIPDomain) {
		a, err = s.store.AccountByPhone(ctx, user)
		if err == nil && !InScope(a, s.cfg.SIPDomain) {
			err = ErrNotFound
		}
	} else {
		err = ErrNotFound
	}
	if errors.Is(err, ErrNotFound) {
		a, err = s.publicAccount(ctx, sip)
	}
	if err != nil {
		return nil, err
	}
	if a.ConfirmationKey == nil || *a.ConfirmationKey != key {
		return nil, ErrKeyMismatch
	}
	return s.activateWithKey(ctx, a, key, ErrKeyMismatch)
}
