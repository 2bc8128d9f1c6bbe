package account

import (
	"context"
	"time"
)

// adminStore is what the admin update and searches need from storage.
type adminStore interface {
	// SIPAccountID returns the id of the account username@domain (its SIP
	// identity item only), or ErrNotFound.
	SIPAccountID(ctx context.Context, username, domain string) (int64, error)
	// AccountsByEmail lists the accounts with an email (case-insensitive),
	// lowest id first.
	AccountsByEmail(ctx context.Context, email string) ([]AccountRef, error)
	// UpdateAccount writes an admin update: next replaces prev, and the
	// SIP identity, the API key's copies, the email and phone markers and
	// the per-domain counts follow, in one transaction conditioned on prev
	// being what is stored. A lost uniqueness race is ErrUsernameTaken,
	// ErrEmailTaken or ErrPhoneTaken; a concurrent change of prev is
	// ErrAlreadyChanged. It returns the stored account.
	UpdateAccount(ctx context.Context, prev, next *Account, emailUnique bool) (*Account, error)
	// DeleteAccountAsAdmin is DeleteAccount with the tombstone, plus what
	// FlexiAPI's model event removes only on an admin deletion (the
	// account's call and message statistics).
	DeleteAccountAsAdmin(ctx context.Context, a *Account, now, tombstoneExpiry time.Time) error
}
