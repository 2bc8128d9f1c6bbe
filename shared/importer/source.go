// Package importer brings a FlexiAPI d231625 database into the table:
// accounts with their ids, password rows, phone alias, admin role, API
// key, provisioning token, types, actions, dictionary, contacts, lists,
// tombstones and, on request, statistics. It maps FlexiAPI's rows to the
// domain's models and decides what cannot be represented; reading SQL is
// shared/flexiapidb's job (a Source) and writing the table shared/store's
// (a Target), so this package holds neither SQL nor AWS code.
//
// docs/operations.md ("Importing a FlexiAPI database") says what comes
// over and how; docs/compatibility.md the differences.
package importer

import (
	"context"
	"time"
)

// Source is a FlexiAPI database, read page by page in key order. Every
// time is UTC.
type Source interface {
	// Rows counts the rows of every table the summary reports on, by
	// FlexiAPI table name; MaxIDs gives the greatest id of the tables
	// whose ids the API allocates (accounts, account_types,
	// contacts_lists, account_actions).
	Rows(ctx context.Context) (map[string]int64, error)
	MaxIDs(ctx context.Context) (map[string]int64, error)
	AccountTypes(ctx context.Context) ([]AccountType, error)
	ContactsLists(ctx context.Context) ([]ContactsList, error)
	// Accounts returns up to limit accounts with an id above afterID, in
	// id order, each with its rows in the per-account tables.
	Accounts(ctx context.Context, afterID int64, limit int) ([]Account, error)
	// Links returns up to limit rows of a pivot table after the given
	// one, in (Account, Other) order.
	Links(ctx context.Context, table LinkTable, after Link, limit int) ([]Link, error)
	Tombstones(ctx context.Context, afterID int64, limit int) ([]Tombstone, error)
	// Messages and Calls return statistics events with an id above
	// afterID (string order), with their devices.
	Messages(ctx context.Context, afterID string, limit int) ([]Message, error)
	Calls(ctx context.Context, afterID string, limit int) ([]Call, error)
}

// Account is a row of accounts with its rows in the tables that hang off
// it. Nil pointers are SQL NULLs.
type Account struct {
	ID                        int64
	Username, Domain          string
	Email                     *string
	Activated                 bool
	ConfirmationKey           *string
	IPAddress, UserAgent      string
	CreatedAt                 time.Time // datetime, verbatim
	UpdatedAt                 *time.Time
	DisplayName, DTMFProtocol *string
	Blocked                   bool

	Passwords             []Password
	Aliases               []Alias
	Admins                []Stamp
	APIKeys               []APIKey
	ProvisioningTokens    []ProvisioningToken
	ActivationExpirations []ActivationExpiration
	EmailChanges          []PendingCode
	PhoneChanges          []PendingCode
	TypeIDs               []int64 // account_account_type
	Actions               []Action
	Dictionary            []DictionaryEntry
}

// Password is a passwords row.
type Password struct {
	ID                  int64
	Algorithm, Password string
}

// Alias is an aliases row: a phone number.
type Alias struct {
	ID            int64
	Alias, Domain string
}

// Stamp is a row known by its id and timestamps (admins).
type Stamp struct {
	ID                   int64
	CreatedAt, UpdatedAt *time.Time
}

// APIKey is an api_keys row; the key is in clear text in FlexiAPI.
type APIKey struct {
	ID         int64
	Key        string
	CreatedAt  *time.Time
	LastUsedAt time.Time
}

// ProvisioningToken is a provisioning_tokens row.
type ProvisioningToken struct {
	ID                   int64
	Token                *string
	Used                 bool
	CreatedAt, UpdatedAt *time.Time
	IP, UserAgent        *string
}

// ActivationExpiration is an activation_expirations row.
type ActivationExpiration struct {
	ID                   int64
	Expires              time.Time
	CreatedAt, UpdatedAt *time.Time
}

// PendingCode is an email_change_codes or phone_change_codes row: Value
// is the requested email or phone; a nil Code is a consumed one.
type PendingCode struct {
	ID                   int64
	Code                 *string
	Value                string
	CreatedAt, UpdatedAt *time.Time
	IP, UserAgent        *string
}

// Action is an account_actions row.
type Action struct {
	ID        int64
	Key, Code string
}

// DictionaryEntry is an account_dictionary_entries row.
type DictionaryEntry struct {
	ID         int64
	Key, Value string
}

// AccountType is an account_types row.
type AccountType struct {
	ID                   int64
	Key                  string
	CreatedAt, UpdatedAt *time.Time
}

// ContactsList is a contacts_lists row.
type ContactsList struct {
	ID                   int64
	Title                string
	Description          *string
	CreatedAt, UpdatedAt *time.Time
}

// LinkTable names a pivot table between accounts, or accounts and lists.
type LinkTable string

// The pivot tables. Account is always an accounts.id; Other is the
// contact's account id or the list id.
const (
	Contacts        LinkTable = "contacts"              // account_id, contact_id
	AttachedLists   LinkTable = "account_contacts_list" // account_id, contacts_list_id
	ListMemberships LinkTable = "contacts_list_contact" // contact_id, contacts_list_id
)

// Link is a row of a pivot table.
type Link struct {
	Account, Other int64
}

// Tombstone is an accounts_tombstones row.
type Tombstone struct {
	ID                   int64
	Username, Domain     string
	CreatedAt, UpdatedAt *time.Time
}

// Message is a statistics_messages row with its devices.
type Message struct {
	ID                       string
	FromUsername, FromDomain string
	SentAt                   time.Time
	Encrypted                bool
	ConferenceID             *string
	CreatedAt, UpdatedAt     *time.Time
	Devices                  []MessageDevice
}

// MessageDevice is a statistics_message_devices row.
type MessageDevice struct {
	ID                   int64
	ToUsername, ToDomain string
	DeviceID             string
	LastStatus           int64
	ReceivedAt           time.Time
	CreatedAt, UpdatedAt *time.Time
}

// Call is a statistics_calls row with its devices.
type Call struct {
	ID                       string
	FromUsername, FromDomain string
	ToUsername, ToDomain     string
	InitiatedAt              time.Time
	EndedAt                  *time.Time
	ConferenceID             *string
	CreatedAt, UpdatedAt     *time.Time
	Devices                  []CallDevice
}

// CallDevice is a statistics_call_devices row.
type CallDevice struct {
	ID                         int64
	DeviceID                   string
	RangAt, InviteTerminatedAt *time.Time
	InviteTerminatedState      *string
	CreatedAt, UpdatedAt       *time.Time
}
