package account

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Facts of the uniqueness rules of the account bodies (validate.Unique).
// The store enforces each one when it writes; these facts only let a 422
// list a taken value beside the body's other failures, as FlexiAPI's does.
const (
	FactUsernameTaken     = "username_taken"     // another account of the domain has the username
	FactUsernameTombstone = "username_tombstone" // a deleted account reserves it
	FactEmailTaken        = "email_taken"        // another account has the email (ACCOUNT_EMAIL_UNIQUE)
	FactPhoneAlias        = "phone_alias_taken"  // another account has the phone as its alias
	FactPhoneUsername     = "phone_username"     // an account's username is the phone
	FactTokenUnusable     = "token_unusable"     // the creation token is unknown or used
)

// HolderQuery asks who holds a username in a domain, an email and a
// phone; empty fields are not looked up. The phone is also looked up as a
// username: in PhoneDomain, or in any domain when PhoneDomain is empty and
// PhoneAsUsername is set.
type HolderQuery struct {
	Username, Domain, Email, Phone string
	PhoneAsUsername                bool
	PhoneDomain                    string
}

// Holders are the account ids holding the values (0: nobody).
type Holders struct {
	SIP           int64 // the username in the domain
	Tombstone     bool
	Email, Phone  int64
	PhoneSIP      int64 // the phone as a username in PhoneDomain
	PhoneUsername bool  // the phone as a username in any domain
}

// holderStore is what the facts need from storage.
type holderStore interface {
	// Holders reads the holders in one round trip (strongly consistent).
	Holders(ctx context.Context, q HolderQuery) (Holders, error)
}

// Body kinds whose facts the service knows.
type FactsOf int

const (
	FactsPublicCreation FactsOf = iota // POST /accounts/public
	FactsTokenCreation                 // POST /accounts/with-account-creation-token, /with-token
	FactsAdminCreation                 // admin POST /accounts
	FactsAdminUpdate                   // admin PUT /accounts/{id}
)

// Facts looks up the uniqueness facts of a body. self is the account an
// update changes (its own values are not taken); callerAdmin is whether an
// admin calls (the domain an admin may pick). A value the store cannot
// hold (over its bound, or not text) is not looked up: nobody holds it.
func (s *Service) Facts(ctx context.Context, in validate.Input, of FactsOf, self int64, callerAdmin bool) (validate.Facts, error) {
	text := func(name string, max int) string {
		v, ok := in.String(name)
		if !ok || v == "" || utf8.RuneCountInString(v) > max {
			return ""
		}
		return v
	}
	q := HolderQuery{Username: text("username", maxUsername), Phone: text("phone", maxUsername)}
	if s.cfg.EmailUnique {
		q.Email = text("email", maxEmail)
	}
	q.Domain = s.cfg.SIPDomain
	switch of {
	case FactsPublicCreation:
		if d := text("domain", maxDomain); d != "" {
			q.Domain = d
		}
		q.PhoneAsUsername = true
	case FactsTokenCreation:
		q.PhoneAsUsername = true
	case FactsAdminCreation, FactsAdminUpdate:
		if d := text("domain", maxDomain); d != "" && callerAdmin && s.cfg.AdminsManageMultiDomains {
			q.Domain = d
		}
		if of == FactsAdminCreation {
			q.PhoneAsUsername = true
		} else {
			q.PhoneDomain = q.Domain
		}
	}
	h, err := s.store.Holders(ctx, q)
	if err != nil {
		return nil, err
	}
	other := func(id int64) bool { return id != 0 && id != self }
	f := validate.Facts{
		FactUsernameTaken:     other(h.SIP),
		FactUsernameTombstone: h.Tombstone && of != FactsAdminUpdate,
		FactEmailTaken:        other(h.Email),
		FactPhoneAlias:        other(h.Phone),
		FactPhoneUsername:     h.PhoneUsername || other(h.PhoneSIP),
	}
	if of == FactsPublicCreation || of == FactsTokenCreation {
		// The token rule's "exists and unused" part; a token of another
		// length already fails its size rule.
		for _, name := range []string{"account_creation_token", "token"} {
			if t, ok := in.String(name); ok && len(t) == CreationTokenLength {
				_, err := s.usableCreationToken(ctx, t)
				switch {
				case errors.Is(err, ErrTokenInvalid):
					f[FactTokenUnusable] = true
				case err != nil:
					return nil, err
				}
			}
		}
	}
	return f, nil
}
