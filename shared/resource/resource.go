// Package resource is the domain of what FlexiAPI attaches to accounts:
// direct contacts, contacts lists (members, lists attached to accounts),
// account types, DTMF actions and the dictionary.
// It holds the rules and the check orders FlexiAPI answers with, against a
// small Store interface; shared/store implements it on the single table.
package resource

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// AccountType is a row of FlexiAPI's account_types.
type AccountType struct {
	ID                   int64
	Key                  string
	CreatedAt, UpdatedAt time.Time
}

// ContactsList is a row of FlexiAPI's contacts_lists, with its member
// counts: FlexiAPI's contacts_count only counts the members the caller's
// domain scope sees, so the store keeps one count per member domain.
type ContactsList struct {
	ID                   int64
	Title                string
	Description          *string
	CreatedAt, UpdatedAt time.Time
	// Total counts every member; ByDomain by lower-case member domain.
	Total    int64
	ByDomain map[string]int64
}

// ContactsCount is contacts_count under a scope ("" = every domain).
func (l *ContactsList) ContactsCount(scope string) int64 {
	if scope == "" {
		return l.Total
	}
	return l.ByDomain[strings.ToLower(scope)]
}

// Errors the handlers turn into FlexiAPI's answers.
var (
	// ErrNotFound: the account, list, type or action does not exist (404).
	ErrNotFound = account.ErrNotFound
	// ErrLinked: attaching what is already attached (403 {"message":""}).
	ErrLinked = errors.New("already attached")
	// ErrNotLinked: detaching what is not attached (403 {"message":""}).
	ErrNotLinked = errors.New("not attached")
	// ErrKeyTaken: an account type key already used (422 on key).
	ErrKeyTaken = errors.New("type key taken")
	// ErrTitleTaken: a contacts list title already used (422 on title).
	ErrTitleTaken = errors.New("list title taken")
	// ErrNoDTMF: the account has no DTMF protocol (403 on every action endpoint).
	ErrNoDTMF = errors.New("DTMF Protocol must be configured")
	// ErrDictionaryFull, ErrActionsFull: the entry or the action would not
	// fit in the account item (422).
	ErrDictionaryFull = errors.New("dictionary full")
	ErrActionsFull    = errors.New("actions full")
	// ErrChanged: the account changed between read and write (retried).
	ErrChanged = account.ErrAlreadyChanged
)

// Store is what this domain needs from storage.
type Store interface {
	holderStore
	AccountByID(ctx context.Context, id int64) (*account.Account, error)
	// AccountsByIDs reads accounts (eventually consistent), skipping ids
	// that do not exist, in no particular order.
	AccountsByIDs(ctx context.Context, ids []int64) ([]*account.Account, error)
	// NextResourceID allocates an id of a counter ("type_id", "action_id",
	// "contacts_list_id").
	NextResourceID(ctx context.Context, counter string) (int64, error)

	// SetAccountResources writes next's Actions and Dictionary over prev's,
	// conditioned on prev.ResourcesVersion (ErrChanged otherwise).
	SetAccountResources(ctx context.Context, prev, next *account.Account) error

	// CreateType writes a new type under the next type id (t.ID is set);
	// a taken key is ErrKeyTaken and spends no id.
	CreateType(ctx context.Context, t *AccountType) error
	Types(ctx context.Context) ([]AccountType, error) // ascending id
	TypeByID(ctx context.Context, id int64) (*AccountType, error)
	// UpdateType renames a type (ErrKeyTaken, ErrChanged) and the copies
	// on the accounts that have it.
	UpdateType(ctx context.Context, prev, next *AccountType) error
	// DeleteType removes a type and detaches it from every account.
	DeleteType(ctx context.Context, t *AccountType) error
	// AttachType adds t to prev (ErrLinked, ErrNotFound when t vanished,
	// ErrChanged).
	AttachType(ctx context.Context, prev *account.Account, t AccountType) error
	// DetachType removes a type from prev (ErrNotLinked, ErrChanged).
	DetachType(ctx context.Context, prev *account.Account, typeID int64) error

	// CreateList writes a new list under the next list id (l.ID is set);
	// a taken title is ErrTitleTaken and spends no id.
	CreateList(ctx context.Context, l *ContactsList) error
	Lists(ctx context.Context) ([]ContactsList, error) // ascending id
	ListByID(ctx context.Context, id int64) (*ContactsList, error)
	UpdateList(ctx context.Context, prev, next *ContactsList) error // ErrTitleTaken, ErrChanged
	// DeleteList removes a list, its members and its attachments.
	DeleteList(ctx context.Context, l *ContactsList) error
	// AddMember adds an account to a list (ErrNotFound: the list or the
	// account vanished; ErrLinked).
	AddMember(ctx context.Context, listID int64, member *account.Account) error
	// RemoveMember (ErrNotFound: no such list; ErrNotLinked).
	RemoveMember(ctx context.Context, listID, accountID int64) error
	// MemberIDs lists the members of a list.
	MemberIDs(ctx context.Context, listID int64) ([]int64, error)
	// AttachList attaches a list to an account (ErrLinked first, then
	// ErrNotFound when the list or the account does not exist).
	AttachList(ctx context.Context, accountID, listID int64) error
	DetachList(ctx context.Context, accountID, listID int64) error // ErrNotLinked

	// AddContact makes c a direct contact of accountID (ErrLinked;
	// ErrNotFound when either account vanished).
	AddContact(ctx context.Context, accountID int64, c *account.Account) error
	RemoveContact(ctx context.Context, accountID, contactID int64) error // ErrNotLinked
	HasContact(ctx context.Context, accountID, contactID int64) (bool, error)
	// ContactSources reads an account's direct contacts and attached
	// lists (one Query of the account's partition).
	ContactSources(ctx context.Context, accountID int64) (contactIDs, listIDs []int64, err error)
}

// Clock is the service's time source.
type Clock func() time.Time

// Service holds the flows.
type Service struct {
	store Store
	accts *account.Service
	now   Clock
}

// NewService builds the domain. accts gives the domain scope rules of
// account lookups (APP_SIP_DOMAIN, APP_ADMINS_MANAGE_MULTI_DOMAINS).
func NewService(store Store, accts *account.Service) *Service {
	return &Service{store: store, accts: accts, now: func() time.Time { return time.Now().UTC() }}
}

// Accounts is the accounts domain the service scopes with.
func (s *Service) Accounts() *account.Service { return s.accts }

// Now is the clock truncated to the second (FlexiAPI's DATETIME columns).
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Second) }

// account reads an account visible under a scope (404 otherwise).
func (s *Service) account(ctx context.Context, id int64, scope string) (*account.Account, error) {
	a, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !account.InScope(a, scope) {
		return nil, ErrNotFound
	}
	return a, nil
}
