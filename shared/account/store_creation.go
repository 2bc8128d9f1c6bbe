package account

import (
	"context"
	"time"
)

// creationStore is what the creation flows (creation tokens, request
// tokens, public info and recovery) need from storage.
type creationStore interface {
	// CreateCreationToken stores a new, unused account creation token.
	CreateCreationToken(ctx context.Context, t *CreationToken) error
	// CreationTokenByValue reads a token (strongly consistent), or
	// ErrNotFound.
	CreationTokenByValue(ctx context.Context, token string) (*CreationToken, error)
	// PushTokenUsedSince reports whether a token sent to this device and
	// created at or after since has been used (the send-by-push 429).
	PushTokenUsedSince(ctx context.Context, to PushTarget, since time.Time) (bool, error)

	// CreateRequestToken stores a new account creation request token.
	CreateRequestToken(ctx context.Context, t *RequestToken) error
	// RequestTokenByValue reads a request token, or ErrNotFound.
	RequestTokenByValue(ctx context.Context, token string) (*RequestToken, error)
	// ValidateRequestToken sets validated_at of an unused request token;
	// an unknown or used one is ErrTokenInvalid.
	ValidateRequestToken(ctx context.Context, token string, now time.Time) error
	// ExchangeRequestToken marks a validated, unused request token used and
	// stores the creation token it gives, in one transaction: an unknown or
	// used request token is ErrTokenInvalid, a not yet validated one
	// ErrNotValidated.
	ExchangeRequestToken(ctx context.Context, request string, t *CreationToken) error

	// CreateAccountWithToken writes the account as CreateAccount does and
	// consumes the creation token in the same transaction, so a failed
	// creation never consumes the token and a token never creates twice.
	// The uniqueness errors of CreateAccount come first (FlexiAPI's first
	// validation step); an unknown or used token is ErrTokenInvalid.
	CreateAccountWithToken(ctx context.Context, a *Account, emailUnique bool, use TokenUse) error
	// SetConfirmationKeyWithToken gives an account a new confirmation key
	// and consumes the creation token, in one transaction
	// (recover-by-phone).
	SetConfirmationKeyWithToken(ctx context.Context, a *Account, key string, use TokenUse) error
	// ActivateWithKey activates the account and clears its confirmation
	// key, only if the stored key still equals key (single use):
	// otherwise ErrAlreadyChanged.
	ActivateWithKey(ctx context.Context, a *Account, key string, now time.Time) (*Account, error)
	// AccountByPhone finds the account whose alias (phone) this is, or
	// ErrNotFound.
	AccountByPhone(ctx context.Context, phone string) (*Account, error)
}

// TokenUse is the consumption of a creation token by an account.
type TokenUse struct {
	Token string
	Now   time.Time
	// Push and PushCreatedAt come from the token as read before (a used
	// pushed token is indexed for the send-by-push retry window).
	Push          *PushTarget
	PushCreatedAt time.Time
	// CheckPhone and CheckEmail are values validated but not stored by
	// the flow (with-account-creation-token): the transaction also checks
	// that no account holds them (CheckEmail only with ACCOUNT_EMAIL_UNIQUE).
	CheckPhone, CheckEmail string
}
