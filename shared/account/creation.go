package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
)

// CreationToken is an account creation token: it lets whoever holds it
// create one account.
type CreationToken struct {
	Token     string
	Used      bool
	AccountID int64 // set when used
	// Push is the device the token was pushed to (send-by-push only).
	Push      *PushTarget
	IP        string
	UserAgent string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// RequestToken is an account creation request token: validated by a human
// on the validation page, then exchanged once for a creation token.
type RequestToken struct {
	Token       string
	Used        bool
	ValidatedAt *time.Time
	// CreationToken is the creation token it was exchanged for.
	CreationToken string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CreationTokenLength is the length of creation and request tokens
// (Random(13)); FlexiAPI's token rules also require it.
const CreationTokenLength = 13

// Errors of the creation flows.
var (
	// ErrTokenInvalid: the token is unknown, used or of the wrong length
	// (FlexiAPI's 422 "Please provide a valid …").
	ErrTokenInvalid = errors.New("creation token invalid or used")
	// ErrNotValidated: the request token has not been validated yet (404).
	ErrNotValidated = errors.New("request token not validated")
	// ErrPushFailed: the push could not be sent (503 "Token not sent").
	ErrPushFailed = errors.New("push not sent")
	// ErrTooRecently: a token pushed to this device was used within the
	// retry window (429).
	ErrTooRecently = errors.New("last token requested too recently")
	// ErrActivationExpired: the confirmation key has expired (403).
	ErrActivationExpired = errors.New("activation expired")
	// ErrKeyMismatch: the recovery key is not the account's (404 "").
	ErrKeyMismatch = errors.New("recovery key mismatch")
)

// newCreationToken builds an unused token of a request.
func (s *Service) newCreationToken(ip, userAgent string) *CreationToken {
	now := s.Now()
	return &CreationToken{Token: auth.Random(CreationTokenLength), IP: ip, UserAgent: userAgent, CreatedAt: now, UpdatedAt: now}
}

// AdminCreationToken is admin POST /account_creation_tokens.
func (s *Service) AdminCreationToken(ctx context.Context, ip, userAgent string) (*CreationToken, error) {
	t := s.newCreationToken(ip, userAgent)
	if err := s.store.CreateCreationToken(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// SendCreationTokenByPush is POST /account_creation_tokens/send-by-push:
// a device whose pushed token was used within the retry window is refused
// (429); otherwise a new token is pushed to it and stored only once the
// push went out (503 and nothing stored when it did not).
func (s *Service) SendCreationTokenByPush(ctx context.Context, to PushTarget, ip, userAgent string) error {
	now := s.Now()
	used, err := s.store.PushTokenUsedSince(ctx, to, now.Add(-s.cfg.CreationTokenRetry))
	if err != nil {
		return err
	}
	if used {
		return ErrTooRecently
	}
	t := s.newCreationToken(ip, userAgent)
	t.Push = &to
	if s.deps.Push == nil {
		slog.WarnContext(ctx, "creation token push: no push sender configured")
		return ErrPushFailed
	}
	if err := s.deps.Push.PushCreationToken(ctx, to, t.Token); err != nil {
		// The provider and the error only: the device token is an identifier.
		slog.WarnContext(ctx, "creation token push failed", "pn_provider", to.Provider, "error", err.Error())
		return ErrPushFailed
	}
	return s.store.CreateCreationToken(ctx, t)
}

// CreateRequestToken is POST /account_creation_request_tokens.
func (s *Service) CreateRequestToken(ctx context.Context) (*RequestToken, error) {
	now := s.Now()
	t := &RequestToken{Token: auth.Random(CreationTokenLength), CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateRequestToken(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// ValidationURL is where a human validates a request token (FlexiAPI's
// web route, served as one HTML form page),
// under base (api.Request.LinkBase).
func ValidationURL(base, token string) string {
	return base + "/creation_token/check/" + token
}

// UsableRequestToken returns an unused request token of the right length,
// or ErrTokenInvalid (the validation page's check).
func (s *Service) UsableRequestToken(ctx context.Context, token string) (*RequestToken, error) {
	if len(token) != CreationTokenLength {
		return nil, ErrTokenInvalid
	}
	t, err := s.store.RequestTokenByValue(ctx, token)
	if errors.Is(err, ErrNotFound) || err == nil && t.Used {
		return nil, ErrTokenInvalid
	}
	return t, err
}

// ValidateRequestToken records that a human validated the token. A token
// validated but not yet exchanged can be validated again, as in FlexiAPI.
func (s *Service) ValidateRequestToken(ctx context.Context, token string) error {
	if len(token) != CreationTokenLength {
		return ErrTokenInvalid
	}
	return s.store.ValidateRequestToken(ctx, token, s.Now())
}

// CreationTokenFromRequest is POST
// /account_creation_tokens/using-account-creation-request-token.
func (s *Service) CreationTokenFromRequest(ctx context.Context, request, ip, userAgent string) (*CreationToken, error) {
	if len(request) != CreationTokenLength {
		return nil, ErrTokenInvalid
	}
	t := s.newCreationToken(ip, userAgent)
	if err := s.store.ExchangeRequestToken(ctx, request, t); err != nil {
		return nil, err
	}
	return t, nil
}

// usableCreationToken reads a token that is unused and of the right
// length, or answers ErrTokenInvalid (FlexiAPI's token validation rule).
func (s *Service) usableCreationToken(ctx context.Context, token string) (*CreationToken, error) {
	if len(token) != CreationTokenLength {
		return nil, ErrTokenInvalid
	}
	t, err := s.store.CreationTokenByValue(ctx, token)
	if errors.Is(err, ErrNotFound) || err == nil && t.Used {
		return nil, ErrTokenInvalid
	}
	return t, err
}

// creationPIN is FlexiAPI's 4-digit code (1000–9999) sent by SMS, drawn
// from crypto/rand rather than mt_rand.
func creationPIN() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9000))
	if err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return fmt.Sprintf("%d", 1000+n.Int64())
}
