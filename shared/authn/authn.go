// Package authn decides, for the Lambda authorizer, who a request is: JWT,
// then API key, then Digest, exactly in FlexiAPI's precedence. It
// returns a decision API Gateway can apply: Allow with the principal (or
// with an error the function must answer), Deny with a Digest challenge
// (401), or Unauthorized (401 "Invalid API Key"). No AWS types here.
package authn

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// Card is what authentication reads about an account: one small item.
type Card struct {
	AccountID int64
	Username  string
	Domain    string
	// Passwords maps an algorithm (MD5, SHA-256, CLRTXT) to its stored value.
	Passwords map[string]string
	Admin     bool
	Blocked   bool
}

// KeyRecord is a stored API key with the guard's data copied on it, so
// that an API-key request costs one read.
type KeyRecord struct {
	AccountID  int64
	Username   string
	Domain     string
	Admin      bool
	Blocked    bool
	LastUsedAt time.Time
}

// NonceUse is the outcome of counting one use of a nonce.
type NonceUse int

const (
	// NonceAccepted: nc was above the number of accepted uses; counted.
	NonceAccepted NonceUse = iota
	// NonceReplayed: nc was not above it.
	NonceReplayed
	// NonceRevoked: the nonce was burnt by an earlier replay.
	NonceRevoked
)

// ErrNotFound is the store's "no such item".
var ErrNotFound = errors.New("not found")

// Store is what the authorizer reads and writes.
type Store interface {
	CardBySIP(ctx context.Context, username, domain string) (*Card, error)
	// CardByEmail returns the first account (lowest id) with this email;
	// Passwords may be empty.
	CardByEmail(ctx context.Context, email string) (*Card, error)
	APIKey(ctx context.Context, hash string) (*KeyRecord, error)
	TouchAPIKey(ctx context.Context, hash string, now, expires time.Time) error
	// UseNonce counts a use of a nonce if nc is strictly above the number
	// of accepted uses, atomically; the count expires with the nonce.
	UseNonce(ctx context.Context, nonce string, nc uint32, expires time.Time) (NonceUse, error)
	// RevokeNonce burns a nonce after a replay, as FlexiAPI deletes it.
	RevokeNonce(ctx context.Context, nonce string, expires time.Time) error
}

// Request is what the authorizer knows of the HTTP request.
type Request struct {
	Method string
	// Path is the request path without the API Gateway stage.
	Path   string
	Header http.Header
}

// Effect is API Gateway's outcome of the authorizer.
type Effect int

const (
	// Allow: the function runs with Context (a principal or an error).
	Allow Effect = iota
	// Deny: ACCESS_DENIED, our 401 with Context's challenge and message.
	Deny
	// Unauthorized: the "Unauthorized" error, our 401 "Invalid API Key".
	Unauthorized
)

// Decision is the authorizer's verdict.
type Decision struct {
	Effect      Effect
	PrincipalID string
	Context     map[string]string
	// Reason is for the log line: never a secret.
	Reason string
	Method string
}

// Authenticator holds what verification needs, built once per process.
type Authenticator struct {
	store  Store
	cfg    *config.Config
	nonces *auth.Nonces
	jwt    *auth.JWTVerifier
	opaque string
	now    func() time.Time
	log    *slog.Logger
}

// New builds an authenticator from the configuration.
func New(store Store, cfg *config.Config, log *slog.Logger) *Authenticator {
	a := &Authenticator{
		store:  store,
		cfg:    cfg,
		nonces: auth.NewNonces(cfg.AppKey, cfg.DigestNonceTTL),
		opaque: auth.Opaque(cfg.AppKey),
		now:    time.Now,
		log:    log,
	}
	if cfg.JWTPublicKey != nil {
		a.jwt = auth.NewJWTVerifier(cfg.JWTPublicKey, cfg.JWTIssuer, cfg.JWTAudience)
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	return a
}

// WithClock replaces the clock (tests).
func (a *Authenticator) WithClock(now func() time.Time) *Authenticator {
	c := *a
	c.now = now
	return &c
}

// Authenticate applies FlexiAPI's precedence: a JWT when one is sent and
// JWT is configured (no fallback), else an API key (header, then cookie;
// an unknown key is final), else Digest. An error means the authorizer
// itself failed (API Gateway answers 500).
func (a *Authenticator) Authenticate(ctx context.Context, r Request) (Decision, error) {
	if a.jwt != nil {
		if token, ok := auth.BearerToken(r.Header.Get("Authorization")); ok {
			return a.byJWT(ctx, token)
		}
	}
	if key, ok := apiKeyOf(r); ok {
		return a.byAPIKey(ctx, key)
	}
	return a.byDigest(ctx, r)
}

func allowPrincipal(c *Card, method string) Decision {
	p := api.Principal{AccountID: c.AccountID, Username: c.Username, Domain: c.Domain,
		Admin: c.Admin, Blocked: c.Blocked, Method: method}
	return Decision{Effect: Allow, PrincipalID: strconv.FormatInt(c.AccountID, 10),
		Context: api.PrincipalContext(p), Method: method, Reason: "authenticated"}
}

// allowError lets the function answer err (API Gateway has no way to let
// an authorizer answer a 403, 404 or 422 itself).
func allowError(err *api.Error, method string) Decision {
	return Decision{Effect: Allow, PrincipalID: "anonymous", Context: api.ErrorContext(err),
		Method: method, Reason: err.Error()}
}

func (a *Authenticator) byJWT(ctx context.Context, token string) (Decision, error) {
	email, jerr := a.jwt.Verify(token, a.now())
	if jerr != nil {
		if jerr.Status == http.StatusUnprocessableEntity {
			return allowError(api.InvalidField("authorization", jerr.Message), "jwt"), nil
		}
		return allowError(api.Abort(jerr.Status, jerr.Message), "jwt"), nil
	}
	card, err := a.store.CardByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return allowError(api.Abort(http.StatusForbidden, "The JWT token is not related to someone in the system"), "jwt"), nil
	}
	if err != nil {
		return Decision{}, err
	}
	return allowPrincipal(card, "jwt"), nil
}

// apiKeyOf finds the key: the x-api-key header wins over the cookie. A
// present but empty header still selects API-key authentication.
func apiKeyOf(r Request) (string, bool) {
	if vs, ok := r.Header[http.CanonicalHeaderKey("x-api-key")]; ok && len(vs) > 0 {
		return vs[0], true
	}
	hr := http.Request{Header: http.Header{"Cookie": r.Header.Values("Cookie")}}
	if c, err := hr.Cookie("x-api-key"); err == nil {
		return c.Value, true
	}
	return "", false
}

// touchEvery bounds the writes of API-key authentication: last_used_at is
// refreshed at most once a minute (issue 8's budget), so the expiry of an
// unused key (APP_API_KEY_EXPIRATION_MINUTES) is exact to the minute.
const touchEvery = time.Minute

func (a *Authenticator) byAPIKey(ctx context.Context, key string) (Decision, error) {
	card, reason, err := a.keyCard(ctx, key)
	if err != nil {
		return Decision{}, err
	}
	if card == nil {
		return Decision{Effect: Unauthorized, Method: "api_key", Reason: reason}, nil
	}
	return allowPrincipal(card, "api_key"), nil
}

// keyCard is the API-key check of both APIs: the key's account, or nil
// and why not (never the key). The read is strongly consistent, so a
// replaced key, a block or a removed admin role counts at once; no cache.
func (a *Authenticator) keyCard(ctx context.Context, key string) (*Card, string, error) {
	if key == "" {
		return nil, api.MsgInvalidAPIKey, nil
	}
	hash := auth.HashAPIKey(key)
	rec, err := a.store.APIKey(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		return nil, api.MsgInvalidAPIKey, nil
	}
	if err != nil {
		return nil, "", err
	}
	now := a.now()
	idle := now.Sub(rec.LastUsedAt)
	lifetime, expires := a.cfg.APIKeyLifetime(rec.Username, rec.Domain)
	if expires && idle > lifetime {
		return nil, "expired API key", nil
	}
	if idle >= touchEvery {
		var until time.Time // zero: a key that never expires keeps no TTL
		if expires {
			until = now.Add(lifetime)
		}
		if err := a.store.TouchAPIKey(ctx, hash, now, until); err != nil {
			// The key is valid: a failed refresh only shortens its life.
			a.log.Warn("refreshing an API key's last use failed", "account_id", rec.AccountID, "error", err.Error())
		}
	}
	return &Card{AccountID: rec.AccountID, Username: rec.Username, Domain: rec.Domain,
		Admin: rec.Admin, Blocked: rec.Blocked}, "", nil
}

// APIKeyPrincipal authenticates a request of the machine API, where no
// authorizer runs, with the authorizer's API-key code (keyCard): the
// key's account, or the 401 FlexiAPI answers. The blocked and admin
// checks are the router's guard, as behind the authorizer.
func (a *Authenticator) APIKeyPrincipal(ctx context.Context, h http.Header) (*api.Principal, *api.Error, error) {
	key, ok := apiKeyOf(Request{Header: h})
	if !ok {
		return nil, api.Abort(http.StatusUnauthorized, api.MsgNoCredentials), nil
	}
	card, _, err := a.keyCard(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	if card == nil {
		return nil, api.Abort(http.StatusUnauthorized, api.MsgInvalidAPIKey), nil
	}
	return &api.Principal{AccountID: card.AccountID, Username: card.Username, Domain: card.Domain,
		Admin: card.Admin, Blocked: card.Blocked, Method: "api_key"}, nil, nil
}

var _ api.KeyAuthenticator = (*Authenticator)(nil)
