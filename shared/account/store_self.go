package account

import (
	"context"
	"time"
)

// selfStore is what the authenticated account's own endpoints (password,
// email and phone changes, deletion, abuse limits) need from storage.
type selfStore interface {
	smsQuotaStore
	// AliasInUse reports whether a phone is an account's alias (any domain).
	AliasInUse(ctx context.Context, phone string) (bool, error)
	// SetPendingChange records the account's pending phone or email change
	// (kind ChangePhone or ChangeEmail) and its abuse events, replacing
	// what a was read with: a concurrent change is ErrAlreadyChanged.
	SetPendingChange(ctx context.Context, a *Account, kind ChangeKind, ch *PendingChange, events []time.Time) error
	// ConfirmPhoneChange makes the pending phone the account's alias
	// (markers moved), activates the account and consumes the code, if the
	// pending change is still the one a was read with (ErrAlreadyChanged);
	// a phone taken meanwhile is ErrPhoneTaken.
	ConfirmPhoneChange(ctx context.Context, a *Account, now time.Time) (*Account, error)
	// ConfirmEmailChange does the same for the email (the uniqueness marker
	// moves only when emailUnique; ErrEmailTaken).
	ConfirmEmailChange(ctx context.Context, a *Account, emailUnique bool, now time.Time) (*Account, error)
	// WrongChangeCode counts a wrong code against the pending change a was
	// read with, and cancels the change at MaxWrongCodes.
	WrongChangeCode(ctx context.Context, a *Account, kind ChangeKind) error
	// ChangePassword replaces the passwords and activates the account, if
	// its passwords are still those a was read with (ErrAlreadyChanged).
	ChangePassword(ctx context.Context, a *Account, passwords map[string]string, now time.Time) (*Account, error)
}
