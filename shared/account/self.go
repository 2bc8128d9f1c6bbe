package account

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// DeleteMe is DELETE /accounts/me: the account and what it owns are
// removed and the username is kept by a tombstone, as the admin deletion,
// but its statistics stay (FlexiAPI's bulk delete fires no model event).
func (s *Service) DeleteMe(ctx context.Context, id int64) error {
	return retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		a, err := s.store.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		now := s.Now()
		var expiry time.Time
		if s.cfg.TombstoneRetention > 0 {
			expiry = now.Add(s.cfg.TombstoneRetention)
		}
		return s.store.DeleteAccount(ctx, a, true, now, expiry)
	})
}

// PasswordChange is a POST /accounts/me/password that passed
// PasswordChangeSchema.
type PasswordChange struct {
	Algorithm, Password string
	// OldPassword is absent (nil) or the trimmed old_password.
	OldPassword *string
}

// ChangePassword is POST /accounts/me/password; the new password obeys
// ACCOUNT_PASSWORD_MIN_LENGTH as on creation. It answers
// whether the account had a password (FlexiAPI's two success bodies).
// The account is activated with the new password, in the same write:
// unlike FlexiAPI, a refused change (wrong old password) writes nothing.
func (s *Service) ChangePassword(ctx context.Context, id int64, req PasswordChange) (hadPassword bool, err error) {
	var changed *Account
	err = retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		a, err := s.store.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		hadPassword = len(a.Passwords) > 0
		if hadPassword {
			if req.OldPassword == nil || *req.OldPassword == "" {
				return validate.Single("old_password", MsgOldPasswordRequired)
			}
			if !s.passwordMatches(a, *req.OldPassword) {
				return validate.Single("old_password", MsgIncorrectOldPassword)
			}
		}
		realm := s.cfg.RealmFor(a.Domain)
		passwords := map[string]string{req.Algorithm: auth.HA1(req.Algorithm, a.Username, realm, req.Password)}
		changed, err = s.store.ChangePassword(ctx, a, passwords, s.Now())
		return err
	})
	if err != nil {
		return false, err
	}
	if !hadPassword && changed.Email != nil {
		// FlexiAPI answers 500 when this mail fails, after the password
		// was set; the change stands, so we answer its success and log.
		if err := s.sendEmail(ctx, confirmedRegistrationEmail(s.cfg, changed)); err != nil {
			slog.ErrorContext(ctx, "confirmed registration email not sent", "account_id", id, "error", err.Error())
		}
	}
	return hadPassword, nil
}

// passwordMatches compares a clear-text password with every stored row,
// each with its own algorithm, in constant time. A CLRTXT row (imported
// data) is compared as clear text, where FlexiAPI answers 500.
func (s *Service) passwordMatches(a *Account, clear string) bool {
	realm := s.cfg.RealmFor(a.Domain)
	for _, alg := range a.PasswordAlgorithms() {
		stored := a.Passwords[alg]
		candidate := clear
		if alg != AlgClear {
			candidate = auth.HA1(alg, a.Username, realm, clear)
		}
		if subtle.ConstantTimeCompare([]byte(candidate), []byte(stored)) == 1 {
			return true
		}
	}
	return false
}

// ChangeRequest is a phone or email change request that passed its schema.
type ChangeRequest struct {
	Value         string
	IP, UserAgent string
}

// RequestPhoneChange is POST /accounts/me/phone/request: the
// BlockingService, the uniqueness rules, then a PIN sent by SMS and saved
// as the pending change (a pending one is reused: no new abuse event). The
// SMS goes before anything is written, within the number's quota
// (sendCounted): over the quota, or when the SMS cannot be sent
// (ErrSMSNotSent, 503), nothing is stored, counted or recorded as an
// abuse event (FlexiAPI saves the code first and logs a failed send).
func (s *Service) RequestPhoneChange(ctx context.Context, id int64, req ChangeRequest) error {
	a, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.checkBlocking(ctx, a); err != nil {
		return err
	}
	if err := s.phoneAvailable(ctx, req.Value); err != nil {
		return err
	}
	code := changeCode()
	if err := s.sendCounted(ctx, req.Value, smsPhoneChangeText(s.cfg.AppName, code)); err != nil {
		return err
	}
	reload := false
	return retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		if reload {
			if a, err = s.store.AccountByID(ctx, id); err != nil {
				return err
			}
		}
		reload = true
		return s.savePending(ctx, a, ChangePhone, req, code)
	})
}

// phoneAvailable is the phone's uniqueness: no account has it as alias
// nor as username, in any domain.
func (s *Service) phoneAvailable(ctx context.Context, phone string) error {
	used, err := s.store.AliasInUse(ctx, phone)
	if err == nil && !used {
		used, err = s.store.UsernameInAnyDomain(ctx, phone)
	}
	if err != nil {
		return err
	}
	if used {
		return validate.Single("phone", MsgPhoneTaken)
	}
	return nil
}

// RequestEmailChange is POST /accounts/me/email/request: the
// BlockingService, the email rules, then a PIN saved as the pending change
// and sent by email to the new address ("Register Validation"). A failed
// send is ErrMailNotSent (the code stays pending: a new request resends).
func (s *Service) RequestEmailChange(ctx context.Context, id int64, req ChangeRequest) error {
	var code string
	err := retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		a, err := s.store.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.checkBlocking(ctx, a); err != nil {
			return err
		}
		if a.Email != nil && *a.Email == req.Value {
			return validate.Single("email", MsgSelectedEmailInvalid)
		}
		if s.cfg.EmailUnique {
			refs, err := s.store.AccountsByEmail(ctx, req.Value)
			if err != nil {
				return err
			}
			if len(refs) > 0 {
				return validate.Single("email", MsgEmailTaken)
			}
		}
		code = changeCode()
		return s.savePending(ctx, a, ChangeEmail, req, code)
	})
	if err != nil {
		return err
	}
	if err := s.sendEmail(ctx, registerValidationEmail(s.cfg.AppName, s.cfg.MailSignature, req.Value, code)); err != nil {
		slog.ErrorContext(ctx, "email change mail not sent", "account_id", id, "error", err.Error())
		return ErrMailNotSent
	}
	return nil
}

// savePending writes a pending change. A pending one of the same kind is
// reused (its created_at kept), as FlexiAPI updates its pending row: only
// a new one is an abuse event.
func (s *Service) savePending(ctx context.Context, a *Account, kind ChangeKind, req ChangeRequest, code string) error {
	now := s.Now()
	events := s.abuseEvents(a, now)
	ch := &PendingChange{Value: req.Value, Code: code, IP: req.IP, UserAgent: req.UserAgent, CreatedAt: now, UpdatedAt: now}
	prev := a.PhoneChange
	if kind == ChangeEmail {
		prev = a.EmailChange
	}
	if prev != nil {
		ch.CreatedAt = prev.CreatedAt
	} else {
		events = append(events, now)
	}
	return s.store.SetPendingChange(ctx, a, kind, ch, events)
}

// ConfirmPhoneChange is POST /accounts/me/phone: the code of the pending
// change makes its phone the account's alias and activates the account.
// No pending change: ErrNotFound (404); a wrong code: ErrWrongCode (403);
// the code stays valid for MaxWrongCodes wrong tries (FlexiAPI: forever).
func (s *Service) ConfirmPhoneChange(ctx context.Context, id int64, code string) (*Account, error) {
	return s.confirmChange(ctx, id, code, ChangePhone)
}

// ConfirmEmailChange is POST /accounts/me/email, our addition (FlexiAPI
// added it after the target version, FLEXIAPI-168): the same for the email.
func (s *Service) ConfirmEmailChange(ctx context.Context, id int64, code string) (*Account, error) {
	return s.confirmChange(ctx, id, code, ChangeEmail)
}

func (s *Service) confirmChange(ctx context.Context, id int64, code string, kind ChangeKind) (*Account, error) {
	var out *Account
	err := retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		a, err := s.store.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		pending := a.PhoneChange
		if kind == ChangeEmail {
			pending = a.EmailChange
		}
		if pending == nil {
			return ErrNotFound
		}
		if subtle.ConstantTimeCompare([]byte(pending.Code), []byte(code)) != 1 {
			if err := s.store.WrongChangeCode(ctx, a, kind); err != nil {
				return err
			}
			return ErrWrongCode
		}
		if kind == ChangePhone {
			out, err = s.store.ConfirmPhoneChange(ctx, a, s.Now())
		} else {
			out, err = s.store.ConfirmEmailChange(ctx, a, s.cfg.EmailUnique, s.Now())
		}
		return err
	})
	if err != nil {
		return nil, uniquenessError(err)
	}
	return out, nil
}

// sendEmail sends through the mail channel, if one is wired.
func (s *Service) sendEmail(ctx context.Context, e Email) error {
	if s.deps.Mail == nil {
		return errors.New("no mailer configured")
	}
	return s.deps.Mail.SendEmail(ctx, e)
}

// Owner names an authenticated account: its id, and its username and
// domain when the authorizer gave them (they save a read).
type Owner struct {
	ID               int64
	Username, Domain string
}

// sipOf returns the owner's username and domain, read from the account
// only when the authorizer did not give them.
func (s *Service) sipOf(ctx context.Context, o Owner) (string, string, error) {
	if o.Username != "" && o.Domain != "" {
		return o.Username, o.Domain, nil
	}
	a, err := s.store.AccountByID(ctx, o.ID)
	if err != nil {
		return "", "", err
	}
	return a.Username, a.Domain, nil
}

// Devices lists the account's devices in Flexisip's Redis registrar
// (FLEXISIP_REDIS_URL): none
// when no registrar is configured, and none (logged) when it cannot be read.
func (s *Service) Devices(ctx context.Context, o Owner) ([]Device, error) {
	if s.deps.Devices == nil {
		return nil, nil
	}
	username, domain, err := s.sipOf(ctx, o)
	if err != nil {
		return nil, err
	}
	devices, err := s.deps.Devices.Devices(ctx, username, domain)
	if err != nil {
		slog.ErrorContext(ctx, "registrar not readable", "error", err.Error())
		return nil, nil
	}
	return devices, nil
}

// DeleteDevice removes one device from the registrar. As FlexiAPI, an
// unknown device or an unreachable registrar is not an error for the
// client (logged).
func (s *Service) DeleteDevice(ctx context.Context, o Owner, uuid string) error {
	if s.deps.Devices == nil {
		return nil
	}
	username, domain, err := s.sipOf(ctx, o)
	if err != nil {
		return err
	}
	if err := s.deps.Devices.DeleteDevice(ctx, username, domain, uuid); err != nil {
		slog.ErrorContext(ctx, "registrar device not deleted", "error", err.Error())
	}
	return nil
}
