package provisioning

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// ErrNotFound is every "no such token" answer (404): unknown, used,
// replaced, expired, or lost to a concurrent download.
var ErrNotFound = account.ErrNotFound

// Service holds the provisioning flows.
type Service struct {
	store    Store
	accounts *account.Service
	cfg      *config.Config
	rcPath   string

	rcOnce sync.Once
	rc     []Section
	rcErr  error
}

// NewService builds the provisioning flows on a store; accounts gives the
// clock and FlexiAPI's domain scope of admin lookups.
func NewService(store Store, accounts *account.Service) *Service {
	cfg := accounts.Config()
	return &Service{store: store, accounts: accounts, cfg: cfg, rcPath: cfg.ProvisioningRCFile}
}

// TokenLength bounds the tokens read from a path: FlexiAPI's are 13
// characters (Random(13)); anything longer or not alphanumeric names no
// token, and is answered 404 without reading the table.
const TokenLength = 64

func plausibleToken(t string) bool {
	if t == "" || len(t) > TokenLength {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// rcSections reads ACCOUNT_PROVISIONING_RC_FILE once per process, on the
// first provisioning answer (not at init: cold starts of other routes). A
// path naming no file is ignored, as FlexiAPI does. A value with a line
// break is the linphonerc itself: a Lambda package holds no file but its
// bootstrap, and its environment can carry a small linphonerc.
func (s *Service) rcSections() ([]Section, error) {
	s.rcOnce.Do(func() {
		if s.rcPath == "" {
			return
		}
		if strings.ContainsAny(s.rcPath, "\r\n") {
			s.rc, s.rcErr = ParseRC(strings.NewReader(s.rcPath))
			return
		}
		f, err := os.Open(s.rcPath)
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err != nil {
			s.rcErr = fmt.Errorf("open ACCOUNT_PROVISIONING_RC_FILE: %w", err)
			return
		}
		defer f.Close()
		if s.rc, err = ParseRC(f); err != nil {
			s.rcErr = fmt.Errorf("read ACCOUNT_PROVISIONING_RC_FILE: %w", err)
		}
	})
	return s.rc, s.rcErr
}

// render builds the XML for an account (nil: none); base is the base of
// its links (api.Request.LinkBase).
func (s *Service) render(base string, a *account.Account) ([]byte, error) {
	rc, err := s.rcSections()
	if err != nil {
		return nil, err
	}
	d := Document{RC: rc, VCardURL: base + "/contacts/vcard", Account: a, Overwrite: s.cfg.ProvisioningOverwrite}
	if a != nil {
		d.Realm = s.cfg.RealmFor(a.Domain)
	}
	return d.Render(), nil
}

// Base is GET /provisioning: the RC file and the vCard URL, no account.
func (s *Service) Base(base string) ([]byte, error) { return s.render(base, nil) }

// newPasswords is ?reset_password: one new Random(10) password, hashed
// with ACCOUNT_DEFAULT_PASSWORD_ALGORITHM, replacing every stored row.
func (s *Service) newPasswords(a *account.Account) map[string]string {
	alg := s.cfg.DefaultPasswordAlgorithm
	return map[string]string{alg: auth.HA1(alg, a.Username, s.cfg.RealmFor(a.Domain), auth.Random(10))}
}

func activationExpired(a *account.Account, now time.Time) bool {
	return a.ActivationExpiration != nil && a.ActivationExpiration.Expires.Before(now)
}

// currentByToken resolves a provisioning token to its account (any
// domain, as FlexiAPI): unknown, replaced or expired is ErrNotFound.
func (s *Service) currentByToken(ctx context.Context, token string) (*account.Account, error) {
	if !plausibleToken(token) {
		return nil, ErrNotFound
	}
	id, err := s.store.ProvisioningTokenOwner(ctx, token)
	if err != nil {
		return nil, err
	}
	a, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if activationExpired(a, s.accounts.Now()) || a.ProvisioningToken == nil || *a.ProvisioningToken != token {
		return nil, ErrNotFound
	}
	return a, nil
}

// ByToken is GET /provisioning/{provisioning_token} after the header gate:
// the token must be the account's current one and the activation not
// expired; then, atomically, the token is consumed, the account
// activated and (reset) its passwords replaced; then the XML.
func (s *Service) ByToken(ctx context.Context, base, token string, reset bool) ([]byte, error) {
	a, err := s.currentByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	var passwords map[string]string
	if reset {
		passwords = s.newPasswords(a)
	}
	a, err = s.store.ConsumeProvisioningToken(ctx, a, token, passwords, s.accounts.Now())
	if errors.Is(err, account.ErrAlreadyChanged) {
		return nil, ErrNotFound // another download (or a renewal) won
	}
	if err != nil {
		return nil, err
	}
	return s.render(base, a)
}

// QRCode is GET /provisioning/qrcode/{provisioning_token}: the PNG of the
// provisioning URL (with ?reset_password=1 when asked) and that URL.
// Nothing is consumed.
func (s *Service) QRCode(ctx context.Context, base, token string, reset bool) (png []byte, url string, err error) {
	if _, err := s.currentByToken(ctx, token); err != nil {
		return nil, "", err
	}
	url = base + "/provisioning/" + token
	if reset {
		url += "?reset_password=1"
	}
	png, err = QRPNG(url)
	return png, url, err
}

// ForAccount is GET /provisioning/me: the caller's XML, any number of
// times; reset replaces its passwords first.
func (s *Service) ForAccount(ctx context.Context, base string, id int64, reset bool) ([]byte, error) {
	a, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if reset {
		if a, err = s.resetPasswords(ctx, a); err != nil {
			return nil, err
		}
	}
	return s.render(base, a)
}

func (s *Service) resetPasswords(ctx context.Context, a *account.Account) (*account.Account, error) {
	for attempt := 0; ; attempt++ {
		next, err := s.store.SetPasswords(ctx, a, s.newPasswords(a), s.accounts.Now())
		if !errors.Is(err, account.ErrAlreadyChanged) || attempt == 4 {
			return next, err
		}
		if a, err = s.store.AccountByID(ctx, a.ID); err != nil {
			return nil, err
		}
	}
}

// ByAuthToken is GET /provisioning/auth_token/{auth_token}: an attached
// auth token younger than five minutes, of an account of APP_SIP_DOMAIN,
// is deleted (once: a concurrent second use is a 404) and the account's
// XML answered. A token of another domain's account is kept.
func (s *Service) ByAuthToken(ctx context.Context, base, token string, reset bool) ([]byte, error) {
	if !plausibleToken(token) {
		return nil, ErrNotFound
	}
	t, err := s.store.AuthTokenByValue(ctx, token)
	if err != nil {
		return nil, err
	}
	if !t.Valid(time.Now()) || t.AccountID == 0 {
		return nil, ErrNotFound
	}
	a, err := s.accounts.Get(ctx, t.AccountID, s.cfg.SIPDomain)
	if err != nil {
		return nil, err
	}
	if err := s.store.ConsumeAuthToken(ctx, token); err != nil {
		return nil, err
	}
	if reset {
		if a, err = s.resetPasswords(ctx, a); err != nil {
			return nil, err
		}
	}
	return s.render(base, a)
}

// Renew gives an account a new provisioning token (GET
// /api/accounts/me/provision and /api/accounts/{id}/provision): the
// previous token stops working. scope is the caller's domain filter ("":
// none). It answers the account with its new token.
func (s *Service) Renew(ctx context.Context, id int64, scope, ip, userAgent string) (*account.Account, error) {
	for attempt := 0; ; attempt++ {
		token := auth.Random(13)
		a, err := s.accounts.Get(ctx, id, scope)
		if err != nil {
			return nil, err
		}
		next, err := s.store.ReplaceProvisioningToken(ctx, a, token, ip, userAgent, s.accounts.Now())
		if !errors.Is(err, account.ErrAlreadyChanged) || attempt == 4 {
			return next, err
		}
	}
}
