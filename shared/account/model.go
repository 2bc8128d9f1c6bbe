// Package account is the accounts domain: the account model, FlexiAPI's
// validation rules and creation flow, API keys and auth tokens, and the
// account JSON. It talks to a small Store interface, never to DynamoDB.
package account

import (
	"errors"
	"time"
)

// Password algorithms. CLRTXT rows only come from imports or legacy data.
const (
	AlgMD5    = "MD5"
	AlgSHA256 = "SHA-256"
	AlgClear  = "CLRTXT"
)

// AlgorithmOrder is FlexiAPI's order of password rows: the account JSON
// lists them in it and the one Digest challenge offers the first.
var AlgorithmOrder = []string{AlgMD5, AlgSHA256, AlgClear}

// DTMF protocols accepted by dtmf_protocol.
var DTMFProtocols = []string{"sipinfo", "rfc2833", "sipmessage"}

// Account is one SIP account with everything its JSON shows.
type Account struct {
	ID                int64
	Username          string
	Domain            string
	Email             *string
	Activated         bool
	ConfirmationKey   *string
	IPAddress         string
	UserAgent         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	DisplayName       *string
	DTMFProtocol      *string
	Blocked           bool
	Phone             *string
	ProvisioningToken *string
	Dictionary        []DictionaryEntry
	// Passwords maps an algorithm to the stored value: the HA1 hex for MD5
	// and SHA-256, the clear text for CLRTXT.
	Passwords            map[string]string
	Admin                *Role
	ActivationExpiration *ActivationExpiration
	// APIKeyHash is the hash of the account's current API key (at most one).
	APIKeyHash string
	// PhoneChange and EmailChange are the pending changes (nil: none);
	// AbuseEvents the times of the BlockingService's events (self_model.go).
	PhoneChange *PendingChange
	EmailChange *PendingChange
	AbuseEvents []time.Time
	// Types are the account types attached (ascending id) and Actions its
	// DTMF actions (ascending id; the JSON shows them only while
	// DTMFProtocol is set). See resources_json.go.
	Types   []TypeRef
	Actions []Action
	// ResourcesVersion counts the writes of Types, Actions and Dictionary:
	// they are rewritten conditioned on it (optimistic locking).
	ResourcesVersion int64
}

// DictionaryEntry is one key/value of the account's dictionary, in order.
type DictionaryEntry struct {
	Key, Value string
}

// Role is the admin role: FlexiAPI shows the row, not a boolean.
type Role struct {
	CreatedAt, UpdatedAt time.Time
}

// ActivationExpiration is the expiry of the confirmation key set by an
// admin at creation (confirmation_key_expires).
type ActivationExpiration struct {
	// ID is FlexiAPI's row id when imported; 0 shows the account's id.
	ID                   int64
	Expires              time.Time
	CreatedAt, UpdatedAt time.Time
}

// IsAdmin reports whether the account has the admin role.
func (a *Account) IsAdmin() bool { return a.Admin != nil }

// PasswordAlgorithms lists the stored algorithms in FlexiAPI's order.
func (a *Account) PasswordAlgorithms() []string {
	var out []string
	for _, alg := range AlgorithmOrder {
		if _, ok := a.Passwords[alg]; ok {
			out = append(out, alg)
		}
	}
	return out
}

// AuthToken is a short-lived token that a signed-in device attaches to its
// account so that another device can get an API key (QR-code login).
type AuthToken struct {
	ID        int64
	Token     string
	IP        string
	UserAgent *string
	AccountID int64 // 0 when not attached yet
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AuthTokenLifetime is FlexiAPI's fixed validity of an auth token.
const AuthTokenLifetime = 5 * time.Minute

// Valid reports whether the token is younger than its lifetime (strictly).
func (t *AuthToken) Valid(now time.Time) bool { return now.Sub(t.CreatedAt) < AuthTokenLifetime }

// Errors of the store that the domain turns into answers.
var (
	ErrNotFound       = errors.New("not found")
	ErrUsernameTaken  = errors.New("username already taken")
	ErrEmailTaken     = errors.New("email already taken")
	ErrPhoneTaken     = errors.New("phone already taken")
	ErrAlreadyChanged = errors.New("changed concurrently")
)
