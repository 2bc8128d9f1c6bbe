package importer

import (
	"context"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
)

// Target is the table (shared/store implements it). Every method writes
// the items the API would write for the same data (uniqueness markers,
// index attributes, TTLs, copies), never overwrites what is already
// there, and with DryRun writes nothing and answers what it would do.
type Target interface {
	// CheckTable fails when the table is missing.
	CheckTable(ctx context.Context) error
	// RaiseCounter moves an id counter to at least the given value, so
	// that the API's next id is above every imported one.
	RaiseCounter(ctx context.Context, counter string, atLeast int64) error
	ImportTypes(ctx context.Context, types []resource.AccountType, o WriteOptions) ([]Result, error)
	ImportLists(ctx context.Context, lists []resource.ContactsList, o WriteOptions) ([]Result, error)
	// ImportAccounts writes a page of accounts: an account whose id is in
	// the table already is Existing when it is the same username and
	// domain (its API key's last use moves forward to the source's), a
	// Conflict otherwise; a new account whose SIP identity is taken is a
	// Conflict and nothing of it is written. Its phone or provisioning
	// token whose marker is another account's is left out (Dropped).
	ImportAccounts(ctx context.Context, accounts []AccountImport, o WriteOptions) ([]AccountResult, error)
	// ImportLinks writes contacts, attached lists or list memberships
	// (with the lists' member counts) whose ends are in the table.
	ImportLinks(ctx context.Context, table LinkTable, links []TargetLink, o WriteOptions) ([]Result, error)
	ImportTombstones(ctx context.Context, tombstones []TargetTombstone, o WriteOptions) ([]Result, error)
	ImportMessages(ctx context.Context, messages []StatsMessage, o WriteOptions) ([]Result, error)
	ImportCalls(ctx context.Context, calls []StatsCall, o WriteOptions) ([]Result, error)
}

// WriteOptions apply to every Target write.
type WriteOptions struct {
	DryRun bool
	// EmailUnique is ACCOUNT_EMAIL_UNIQUE: accounts get email markers.
	EmailUnique bool
	// Workers bounds the concurrent requests of one call.
	Workers int
}

// Status is what became of one imported thing.
type Status int

const (
	// New: written by this run.
	New Status = iota
	// Existing: already in the table (an earlier run), left as it is.
	Existing
	// Conflict: the table holds something else under its key; not written.
	Conflict
)

// Result is the outcome of one thing; Reason says what the table holds
// instead, for a Conflict.
type Result struct {
	Status Status
	Reason string
}

// AccountImport is one account as the table will hold it, with what its
// items need beyond the account model.
type AccountImport struct {
	Account *account.Account
	// ProvisioningToken is the marker's data (when the account has one).
	ProvisioningToken *TokenMeta
	// APIKey is the key item's data (the account's APIKeyHash names it).
	APIKey *KeyImport
}

// TokenMeta is the request data FlexiAPI kept on a provisioning token.
type TokenMeta struct {
	IP, UserAgent string
	CreatedAt     time.Time
}

// KeyImport is an API key: its hash, creation, last use and expiry (last
// use + APP_API_KEY_EXPIRATION_MINUTES).
type KeyImport struct {
	Hash                           string
	CreatedAt, LastUsedAt, Expires time.Time
}

// Part is a piece of an account that can be left out on its own.
type Part string

const (
	PartPhone             Part = "phone"
	PartProvisioningToken Part = "provisioning_token"
	// PartEmailMarker: the email stays on the account, without the
	// ACCOUNT_EMAIL_UNIQUE marker another account holds.
	PartEmailMarker Part = "email_marker"
)

// Drop is a part of an account left out, and why (who holds its marker).
type Drop struct {
	Part   Part
	Reason string
}

// AccountResult is the outcome of one account.
type AccountResult struct {
	Result
	Dropped []Drop
	// KeyRefreshed: an Existing account's API key took the source's later
	// last use.
	KeyRefreshed bool
}

// TargetLink is a pivot row between things in the table; Domain is the
// member's domain for list memberships (the lists count members per
// domain).
type TargetLink struct {
	Link
	Domain string
}

// TargetTombstone is a tombstone with its expiry (zero: none).
type TargetTombstone struct {
	Username, Domain string
	CreatedAt        time.Time
	Expires          time.Time
}

// StatsMessage is a statistics message with its devices.
type StatsMessage struct {
	Message stats.Message
	Devices []stats.MessageDevice
}

// StatsCall is a statistics call with its devices.
type StatsCall struct {
	Call    stats.Call
	Devices []stats.CallDevice
}
