package importer

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
)

// Settings are the deployment's settings the mapping follows: they must
// be the ones the functions run with.
type Settings struct {
	// Realm is the Digest realm of a domain (ACCOUNT_REALM, else the
	// domain): clear-text passwords are hashed with it.
	Realm               func(domain string) string
	EmailUnique         bool
	APIKeyExpiration    time.Duration
	TombstoneRetention  time.Duration // 0: tombstones never expire
	StatisticsRetention time.Duration // 0: statistics are kept forever
}

// Listed is a source row that did not come over, by table and primary
// key, with the reason.
type Listed struct {
	Table, Key, Reason string
}

func (l Listed) String() string { return l.Table + " " + l.Key + ": " + l.Reason }

// mapped is one account as the mapping leaves it.
type mapped struct {
	imp    AccountImport // Account nil: the account cannot be represented
	listed []Listed
	// carried, skipped: rows per table that come over with the account,
	// and rows with nothing to carry (consumed codes, superseded tokens).
	carried, skipped map[string]int
	notes            []string
	converted        int  // CLRTXT rows turned into HA1s
	keyExpired       bool // the API key is past its expiry already
}

func (m *mapped) list(table, key, reason string) {
	m.listed = append(m.listed, Listed{Table: table, Key: key, Reason: reason})
}

// rowsOf counts the account's rows per per-account table.
func rowsOf(a *Account) map[string]int {
	return map[string]int{
		"passwords": len(a.Passwords), "aliases": len(a.Aliases), "admins": len(a.Admins),
		"api_keys": len(a.APIKeys), "provisioning_tokens": len(a.ProvisioningTokens),
		"activation_expirations": len(a.ActivationExpirations), "email_change_codes": len(a.EmailChanges),
		"phone_change_codes": len(a.PhoneChanges), "account_account_type": len(a.TypeIDs),
		"account_actions": len(a.Actions), "account_dictionary_entries": len(a.Dictionary),
	}
}

// or is a nullable time, else a fallback (FlexiAPI's NULL timestamps; our
// JSON has no null dates).
func or(t *time.Time, fallback time.Time) time.Time {
	if t != nil {
		return *t
	}
	return fallback
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func byID[T any](xs []T, id func(T) int64) []T {
	out := slices.Clone(xs)
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return out
}

// mapAccount turns a FlexiAPI account and its rows into what the table
// holds. types are the account types that are in the table (id → key).
func mapAccount(src *Account, set Settings, types map[int64]string, now time.Time) *mapped {
	m := &mapped{carried: map[string]int{}, skipped: map[string]int{}}
	accountKey := fmt.Sprintf("id=%d", src.ID)
	// The table's keys need both halves of the SIP identity.
	if src.Username == "" || src.Domain == "" {
		m.list("accounts", accountKey, "an empty username or domain cannot be a SIP identity")
		return m
	}
	a := &account.Account{
		ID: src.ID, Username: src.Username, Domain: src.Domain, Email: src.Email, Activated: src.Activated,
		ConfirmationKey: src.ConfirmationKey, IPAddress: src.IPAddress, UserAgent: src.UserAgent,
		CreatedAt: src.CreatedAt, UpdatedAt: or(src.UpdatedAt, src.CreatedAt),
		DisplayName: src.DisplayName, DTMFProtocol: src.DTMFProtocol, Blocked: src.Blocked,
		Passwords: map[string]string{},
	}
	m.imp.Account = a

	// Passwords: HA1 rows as they are; a clear-text row becomes the HA1s
	// our Digest checks (MD5 and SHA-256, with the deployment's realm)
	// where the account has no row of that algorithm.
	clear, hasClear := "", false
	for _, p := range byID(src.Passwords, func(p Password) int64 { return p.ID }) {
		switch p.Algorithm {
		case account.AlgMD5, account.AlgSHA256:
			a.Passwords[p.Algorithm] = p.Password
			m.carried["passwords"]++
		case account.AlgClear:
			clear, hasClear = p.Password, true
			m.carried["passwords"]++
		default:
			m.list("passwords", fmt.Sprintf("id=%d", p.ID), fmt.Sprintf("algorithm %q is none of MD5, SHA-256, CLRTXT (account %d)", p.Algorithm, src.ID))
		}
	}
	if hasClear {
		m.converted++
		for _, alg := range []string{account.AlgMD5, account.AlgSHA256} {
			if _, ok := a.Passwords[alg]; !ok {
				a.Passwords[alg] = auth.HA1(alg, a.Username, set.Realm(a.Domain), clear)
			}
		}
	}

	// One phone per account (FlexiAPI reads one alias too, hasOne).
	for i, al := range byID(src.Aliases, func(a Alias) int64 { return a.ID }) {
		if i == 0 {
			phone := al.Alias
			a.Phone = &phone
			m.carried["aliases"]++
			continue
		}
		m.list("aliases", fmt.Sprintf("id=%d", al.ID), fmt.Sprintf("account %d already has the phone %s: an account has one phone here", src.ID, *a.Phone))
	}

	// Admin: a row means admin; several rows mean the same.
	for i, ad := range byID(src.Admins, func(s Stamp) int64 { return s.ID }) {
		if i == 0 {
			a.Admin = &account.Role{CreatedAt: or(ad.CreatedAt, a.CreatedAt), UpdatedAt: or(ad.UpdatedAt, or(ad.CreatedAt, a.CreatedAt))}
			m.carried["admins"]++
			continue
		}
		m.skipped["admins"]++ // a duplicate row of the same role
	}

	// API key: stored as its hash, with its last use (its expiry counts
	// from there, as FlexiAPI's clean-up does).
	for i, k := range byID(src.APIKeys, func(k APIKey) int64 { return k.ID }) {
		if i > 0 { // api_keys.account_id is unique: cannot happen
			m.list("api_keys", fmt.Sprintf("id=%d", k.ID), fmt.Sprintf("account %d has another API key: one per account", src.ID))
			continue
		}
		hash := auth.HashAPIKey(k.Key)
		a.APIKeyHash = hash
		exp := k.LastUsedAt.Add(set.APIKeyExpiration)
		m.imp.APIKey = &KeyImport{Hash: hash, CreatedAt: or(k.CreatedAt, k.LastUsedAt), LastUsedAt: k.LastUsedAt, Expires: exp}
		m.carried["api_keys"]++
		m.keyExpired = !now.Before(exp)
	}

	// Provisioning token: the latest unused one is the only one that
	// works (FlexiAPI's rule); the others have nothing left to carry.
	var current *ProvisioningToken
	for _, t := range byID(src.ProvisioningTokens, func(t ProvisioningToken) int64 { return t.ID }) {
		if !t.Used && t.Token != nil && *t.Token != "" {
			if current != nil {
				m.skipped["provisioning_tokens"]++
			}
			current = &t
			continue
		}
		m.skipped["provisioning_tokens"]++
	}
	if current != nil {
		tok := *current.Token
		a.ProvisioningToken = &tok
		m.imp.ProvisioningToken = &TokenMeta{IP: str(current.IP), UserAgent: str(current.UserAgent), CreatedAt: or(current.CreatedAt, a.CreatedAt)}
		m.carried["provisioning_tokens"]++
	}

	for i, e := range byID(src.ActivationExpirations, func(e ActivationExpiration) int64 { return e.ID }) {
		if i == 0 {
			a.ActivationExpiration = &account.ActivationExpiration{ID: e.ID, Expires: e.Expires,
				CreatedAt: or(e.CreatedAt, a.CreatedAt), UpdatedAt: or(e.UpdatedAt, or(e.CreatedAt, a.CreatedAt))}
			m.carried["activation_expirations"]++
			continue
		}
		m.list("activation_expirations", fmt.Sprintf("id=%d", e.ID), fmt.Sprintf("account %d already has an activation expiration: one per account", src.ID))
	}

	a.EmailChange = pending(src.EmailChanges, a, m, "email_change_codes")
	a.PhoneChange = pending(src.PhoneChanges, a, m, "phone_change_codes")

	for _, id := range slices.Sorted(slices.Values(src.TypeIDs)) {
		key, ok := types[id]
		if !ok {
			m.list("account_account_type", fmt.Sprintf("account_id=%d account_type_id=%d", src.ID, id),
				fmt.Sprintf("account type %d is not in the table (see account_types)", id))
			continue
		}
		a.Types = append(a.Types, account.TypeRef{ID: id, Key: key})
		m.carried["account_account_type"]++
	}

	// Actions, then dictionary entries, while the account item holds them
	// (its dictionary and actions are bounded together).
	for _, x := range byID(src.Actions, func(x Action) int64 { return x.ID }) {
		a.Actions = append(a.Actions, account.Action{ID: x.ID, Key: x.Key, Code: x.Code})
		if !resource.FitsAccountItem(a) {
			a.Actions = a.Actions[:len(a.Actions)-1]
			m.list("account_actions", fmt.Sprintf("id=%d", x.ID), fmt.Sprintf("account %d's actions and dictionary pass the %d KB an account item holds", src.ID, resource.MaxDictionaryBytes/1024))
			continue
		}
		m.carried["account_actions"]++
	}
	for _, e := range byID(src.Dictionary, func(e DictionaryEntry) int64 { return e.ID }) {
		a.Dictionary = append(a.Dictionary, account.DictionaryEntry{Key: e.Key, Value: e.Value})
		if !resource.FitsAccountItem(a) {
			a.Dictionary = a.Dictionary[:len(a.Dictionary)-1]
			m.list("account_dictionary_entries", fmt.Sprintf("id=%d", e.ID), fmt.Sprintf("account %d's actions and dictionary pass the %d KB an account item holds", src.ID, resource.MaxDictionaryBytes/1024))
			continue
		}
		m.carried["account_dictionary_entries"]++
	}
	return m
}

// pending is the pending change FlexiAPI shows: the latest row whose code
// is not consumed. Consumed and superseded rows have nothing to carry.
func pending(rows []PendingCode, a *account.Account, m *mapped, table string) *account.PendingChange {
	var latest *PendingCode
	for _, r := range byID(rows, func(r PendingCode) int64 { return r.ID }) {
		if r.Code == nil {
			m.skipped[table]++
			continue
		}
		if latest != nil {
			m.skipped[table]++
		}
		latest = &r
	}
	if latest == nil {
		return nil
	}
	m.carried[table]++
	created := or(latest.CreatedAt, a.CreatedAt)
	return &account.PendingChange{Value: latest.Value, Code: *latest.Code, IP: str(latest.IP), UserAgent: str(latest.UserAgent),
		CreatedAt: created, UpdatedAt: or(latest.UpdatedAt, created)}
}

// drop accounts for a part the table refused (the store left it out):
// the row to list, if it is one.
func (m *mapped) drop(d Drop) (Listed, bool) {
	a := m.imp.Account
	switch d.Part {
	case PartPhone:
		m.carried["aliases"]--
		return Listed{"aliases", fmt.Sprintf("account_id=%d alias=%s", a.ID, str(a.Phone)), d.Reason}, true
	case PartProvisioningToken:
		m.carried["provisioning_tokens"]--
		return Listed{"provisioning_tokens", fmt.Sprintf("account_id=%d (the current token)", a.ID), d.Reason}, true
	default:
		m.notes = append(m.notes, fmt.Sprintf("accounts id=%d: email %s is kept without its ACCOUNT_EMAIL_UNIQUE marker: %s", a.ID, str(a.Email), d.Reason))
		return Listed{}, false
	}
}

// mapType and mapList: a NULL timestamp (rows inserted by hand or by a
// seeder) becomes the import time.
func mapType(t AccountType, now time.Time) resource.AccountType {
	created := or(t.CreatedAt, now)
	return resource.AccountType{ID: t.ID, Key: t.Key, CreatedAt: created, UpdatedAt: or(t.UpdatedAt, created)}
}

func mapList(l ContactsList, now time.Time) resource.ContactsList {
	created := or(l.CreatedAt, now)
	return resource.ContactsList{ID: l.ID, Title: l.Title, Description: l.Description, CreatedAt: created,
		UpdatedAt: or(l.UpdatedAt, created), ByDomain: map[string]int64{}}
}

// mapTombstone gives a tombstone its expiry, counted from when FlexiAPI
// wrote it; expired is true when that is past already.
func mapTombstone(t Tombstone, set Settings, now time.Time) (tt TargetTombstone, expired bool) {
	created := or(t.CreatedAt, or(t.UpdatedAt, now))
	tt = TargetTombstone{Username: t.Username, Domain: t.Domain, CreatedAt: created}
	if set.TombstoneRetention > 0 {
		tt.Expires = created.Add(set.TombstoneRetention)
		expired = !now.Before(tt.Expires)
	}
	return tt, expired
}

func mapMessage(src Message, set Settings, now time.Time) (StatsMessage, bool) {
	created := or(src.CreatedAt, src.SentAt)
	m := StatsMessage{Message: stats.Message{ID: src.ID, FromUsername: src.FromUsername, FromDomain: src.FromDomain,
		SentAt: src.SentAt, Encrypted: src.Encrypted, ConferenceID: src.ConferenceID,
		CreatedAt: created, UpdatedAt: or(src.UpdatedAt, created)}}
	if set.StatisticsRetention > 0 {
		m.Message.ExpiresAt = src.SentAt.Add(set.StatisticsRetention)
	}
	for _, d := range src.Devices {
		c := or(d.CreatedAt, created)
		m.Devices = append(m.Devices, stats.MessageDevice{ID: d.ID, MessageID: src.ID, ToUsername: d.ToUsername,
			ToDomain: d.ToDomain, DeviceID: d.DeviceID, LastStatus: d.LastStatus, ReceivedAt: d.ReceivedAt,
			CreatedAt: c, UpdatedAt: or(d.UpdatedAt, c)})
	}
	return m, !m.Message.ExpiresAt.IsZero() && !now.Before(m.Message.ExpiresAt)
}

func mapCall(src Call, set Settings, now time.Time) (StatsCall, bool) {
	created := or(src.CreatedAt, src.InitiatedAt)
	c := StatsCall{Call: stats.Call{ID: src.ID, FromUsername: src.FromUsername, FromDomain: src.FromDomain,
		ToUsername: src.ToUsername, ToDomain: src.ToDomain, InitiatedAt: src.InitiatedAt, EndedAt: src.EndedAt,
		ConferenceID: src.ConferenceID, CreatedAt: created, UpdatedAt: or(src.UpdatedAt, created)}}
	if set.StatisticsRetention > 0 {
		c.Call.ExpiresAt = src.InitiatedAt.Add(set.StatisticsRetention)
	}
	for _, d := range src.Devices {
		dc := or(d.CreatedAt, created)
		c.Devices = append(c.Devices, stats.CallDevice{ID: d.ID, CallID: src.ID, DeviceID: d.DeviceID, RangAt: d.RangAt,
			InviteTerminatedAt: d.InviteTerminatedAt, InviteTerminatedState: d.InviteTerminatedState,
			CreatedAt: dc, UpdatedAt: or(d.UpdatedAt, dc)})
	}
	return c, !c.Call.ExpiresAt.IsZero() && !now.Before(c.Call.ExpiresAt)
}

// linkKey names a pivot row by its (composite) unique key.
func linkKey(table LinkTable, l Link) string {
	switch table {
	case Contacts:
		return fmt.Sprintf("account_id=%d contact_id=%d", l.Account, l.Other)
	case AttachedLists:
		return fmt.Sprintf("account_id=%d contacts_list_id=%d", l.Account, l.Other)
	default:
		return fmt.Sprintf("contact_id=%d contacts_list_id=%d", l.Account, l.Other)
	}
}
