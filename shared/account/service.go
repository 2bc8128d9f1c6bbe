package account

import (
	"context"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
)

// Store is what the accounts domain needs from storage. The DynamoDB
// implementation is shared/store. Each area adds its methods in its own
// interface, in its own file (creationStore, selfStore, adminStore).
type Store interface {
	creationStore
	selfStore
	adminStore
	holderStore

	// CreateAccount writes the account and its uniqueness markers
	// atomically, under an integer id from an atomic counter allocated in
	// the same transaction (a.ID is set): a lost race is ErrUsernameTaken,
	// ErrEmailTaken (checked only when emailUnique) or ErrPhoneTaken, and
	// nothing is written, the counter included.
	CreateAccount(ctx context.Context, a *Account, emailUnique bool) error
	AccountByID(ctx context.Context, id int64) (*Account, error)
	AccountBySIP(ctx context.Context, username, domain string) (*Account, error)
	// SetPasswords replaces the password rows (and what Digest reads).
	SetPasswords(ctx context.Context, a *Account, passwords map[string]string, now time.Time) (*Account, error)
	// SetAdmin grants or removes the admin role.
	SetAdmin(ctx context.Context, a *Account, admin bool, now time.Time) (*Account, error)
	// UsernameInAnyDomain reports whether an account of any domain has
	// this username (FlexiAPI checks phones against usernames this way).
	UsernameInAnyDomain(ctx context.Context, username string) (bool, error)
	// ListAccounts returns one page of accounts (ascending id) of a domain,
	// or of every domain when domain is "", and the total count.
	ListAccounts(ctx context.Context, domain string, page, perPage int) ([]*Account, int, error)
	// DeleteAccount removes the account, its markers and its API key, and
	// reserves the username with a tombstone that expires at tombstoneExpiry
	// (zero: never).
	DeleteAccount(ctx context.Context, a *Account, tombstone bool, now, tombstoneExpiry time.Time) error
	// UnconfirmedAccounts lists accounts of a domain not activated and
	// created before a time, oldest first.
	UnconfirmedAccounts(ctx context.Context, domain string, before time.Time, limit int) ([]int64, error)
	// SetAccountFlags changes activated and blocked (nil: unchanged), keeps
	// what authentication reads in step, and returns the new account.
	SetAccountFlags(ctx context.Context, a *Account, activated, blocked *bool, now time.Time) (*Account, error)

	// ReplaceAPIKey makes keyHash the account's only API key.
	ReplaceAPIKey(ctx context.Context, a *Account, keyHash string, now, expires time.Time) error

	NextAuthTokenID(ctx context.Context) (int64, error)
	CreateAuthToken(ctx context.Context, t *AuthToken, expires time.Time) error
	AuthTokenByValue(ctx context.Context, token string) (*AuthToken, error)
	// AttachAuthToken sets the account of an unattached token; a token
	// attached meanwhile is ErrAlreadyChanged.
	AttachAuthToken(ctx context.Context, token string, accountID int64, now time.Time) error
	// ConsumeAuthToken deletes an attached token, once: a second consumer
	// gets ErrNotFound.
	ConsumeAuthToken(ctx context.Context, token string) error
}

// Service holds the accounts flows.
type Service struct {
	store Store
	cfg   *config.Config
	now   func() time.Time
	deps  Deps
}

// NewService builds the accounts domain on a store.
func NewService(store Store, cfg *config.Config) *Service {
	return &Service{store: store, cfg: cfg, now: func() time.Time { return time.Now().UTC() }}
}

// WithDeps gives the service its side channels (SMS, email, push, the
// device registrar). The mains build them; a nil channel is not configured.
func (s *Service) WithDeps(d Deps) *Service {
	c := *s
	c.deps = d
	return &c
}

// WithClock replaces the clock (tests).
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.now = now
	return &c
}

// Config is the configuration the service runs with.
func (s *Service) Config() *config.Config { return s.cfg }

// Now is the service's clock, truncated to the second as FlexiAPI's
// MySQL DATETIME columns are.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Second) }

// Scope is the domain filter of FlexiAPI's account lookups: admins
// of a multi-domain deployment see every domain, everyone else sees
// APP_SIP_DOMAIN only. "" means no filter.
func (s *Service) Scope(admin bool) string {
	if admin && s.cfg.AdminsManageMultiDomains {
		return ""
	}
	return s.cfg.SIPDomain
}

// InScope reports whether an account is visible under a scope.
func InScope(a *Account, scope string) bool { return Visible(a.Domain, scope) }

// Visible is the one domain-visibility check: under scope "" every domain
// is visible, else only the scope's, compared case-insensitively as the
// store keys domains (strings.ToLower).
func Visible(domain, scope string) bool {
	return scope == "" || strings.EqualFold(domain, scope)
}

// Get returns an account visible under a scope, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64, scope string) (*Account, error) {
	a, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !InScope(a, scope) {
		return nil, ErrNotFound
	}
	return a, nil
}

// Me returns the authenticated account. Unlike FlexiAPI (an empty 200 for
// an account outside APP_SIP_DOMAIN), the owner always sees its account.
func (s *Service) Me(ctx context.Context, id int64) (*Account, error) {
	return s.store.AccountByID(ctx, id)
}

// PerPage is FlexiAPI's fixed page size of GET /accounts.
const PerPage = 20

// List returns one page of the accounts visible under a scope.
func (s *Service) List(ctx context.Context, scope string, page int) ([]*Account, int, error) {
	return s.store.ListAccounts(ctx, scope, page, PerPage)
}

// Delete removes an account (admin): FlexiAPI writes a tombstone so the
// username cannot be registered again until it is purged.
func (s *Service) Delete(ctx context.Context, id int64, scope string) error {
	return retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		a, err := s.Get(ctx, id, scope)
		if err != nil {
			return err
		}
		now := s.Now()
		var expiry time.Time
		if s.cfg.TombstoneRetention > 0 {
			expiry = now.Add(s.cfg.TombstoneRetention)
		}
		return s.store.DeleteAccountAsAdmin(ctx, a, now, expiry)
	})
}

// SetFlags activates, deactivates, blocks or unblocks an account (admin).
func (s *Service) SetFlags(ctx context.Context, id int64, scope string, activated, blocked *bool) (*Account, error) {
	var out *Account
	err := retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		a, err := s.Get(ctx, id, scope)
		if err != nil {
			return err
		}
		out, err = s.store.SetAccountFlags(ctx, a, activated, blocked, s.Now())
		return err
	})
	return out, err
}
