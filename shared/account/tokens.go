package account

import (
	"context"
	"errors"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
)

// Auth-token answers that FlexiAPI gives as 404 {"message":""} rather than
// "Missing elements": the token exists but is not (or already) attached.
var (
	ErrTokenNotAttached     = errors.New("auth token not attached")
	ErrTokenAlreadyAttached = errors.New("auth token already attached")
)

// RefreshAPIKey gives the account a new API key (Random(40)) and returns
// it; the previous key, even the one of this request, stops working.
func (s *Service) RefreshAPIKey(ctx context.Context, accountID int64) (string, error) {
	key := auth.NewAPIKey()
	err := retry.OnConflict(ctx, ErrAlreadyChanged, func() error {
		a, err := s.store.AccountByID(ctx, accountID)
		if err != nil {
			return err
		}
		now := s.Now()
		return s.store.ReplaceAPIKey(ctx, a, auth.HashAPIKey(key), now, now.Add(s.cfg.APIKeyExpiration))
	})
	if err != nil {
		return "", err
	}
	return key, nil
}

// CreateAuthToken is public POST /accounts/auth_token.
func (s *Service) CreateAuthToken(ctx context.Context, ip, userAgent string) (*AuthToken, error) {
	id, err := s.store.NextAuthTokenID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	t := &AuthToken{ID: id, Token: auth.Random(32), IP: ip, CreatedAt: now, UpdatedAt: now}
	if userAgent != "" {
		t.UserAgent = &userAgent
	}
	// The item outlives its 5 minutes a little: DynamoDB's TTL deletes
	// lazily, and readers check the lifetime themselves anyway.
	if err := s.store.CreateAuthToken(ctx, t, now.Add(AuthTokenLifetime+time.Hour)); err != nil {
		return nil, err
	}
	return t, nil
}

// validAuthToken returns a token younger than 5 minutes, or ErrNotFound.
func (s *Service) validAuthToken(ctx context.Context, token string) (*AuthToken, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	t, err := s.store.AuthTokenByValue(ctx, token)
	if err != nil {
		return nil, err
	}
	if !t.Valid(s.now()) {
		return nil, ErrNotFound
	}
	return t, nil
}

// AttachAuthToken is GET /accounts/auth_token/{auth_token}/attach.
func (s *Service) AttachAuthToken(ctx context.Context, token string, accountID int64) error {
	t, err := s.validAuthToken(ctx, token)
	if err != nil {
		return err
	}
	if t.AccountID != 0 {
		return ErrTokenAlreadyAttached
	}
	err = s.store.AttachAuthToken(ctx, token, accountID, s.Now())
	if errors.Is(err, ErrAlreadyChanged) {
		return ErrTokenAlreadyAttached
	}
	return err
}

// APIKeyFromAuthToken is GET /accounts/me/api_key/{auth_token}: an
// attached token is exchanged, once, for a fresh API key of its account.
func (s *Service) APIKeyFromAuthToken(ctx context.Context, token string) (string, error) {
	t, err := s.validAuthToken(ctx, token)
	if err != nil {
		return "", err
	}
	if t.AccountID == 0 {
		return "", ErrTokenNotAttached
	}
	// Consume first: of two concurrent exchanges only one gets a key.
	if err := s.store.ConsumeAuthToken(ctx, token); err != nil {
		return "", err
	}
	return s.RefreshAPIKey(ctx, t.AccountID)
}
