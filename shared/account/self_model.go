package account

import (
	"errors"
	"time"
)

// ChangeKind names a pending change of the account: its phone or its email.
type ChangeKind string

const (
	ChangePhone ChangeKind = "phone"
	ChangeEmail ChangeKind = "email"
)

// PendingChange is a phone or email change waiting for its code:
// FlexiAPI's pending phone_change_codes / email_change_codes row (at most
// one pending per account, reused by a new request).
type PendingChange struct {
	Value     string // the new phone or email
	Code      string // the 4-digit PIN
	IP        string
	UserAgent string
	CreatedAt time.Time
	UpdatedAt time.Time
	// WrongCodes counts the wrong codes tried against this code.
	WrongCodes int
}

// MaxWrongCodes is how many wrong codes a pending change survives: the
// next wrong one cancels it (FlexiAPI has no limit, so 9 000 tries find
// any 4-digit code).
const MaxWrongCodes = 5

// Errors of the account's own endpoints.
var (
	// ErrAccountBlocked: the anti-abuse BlockingService blocked the
	// account (403 "Account blocked").
	ErrAccountBlocked = errors.New("account blocked")
	// ErrWrongCode: a confirmation code that does not match (403, empty
	// message, as FlexiAPI's abort(403)).
	ErrWrongCode = errors.New("wrong confirmation code")
	// ErrMailNotSent: the email of a flow could not be sent (503).
	ErrMailNotSent = errors.New("email not sent")
)
