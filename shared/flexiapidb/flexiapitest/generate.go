package flexiapitest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Generated describes what Generate writes.
type Generated struct {
	// Accounts is how many accounts, with ids 1..Accounts.
	Accounts int
	Domain   string
	// Statistics adds a message and a call (two devices each) for every
	// tenth account.
	Statistics bool
	// Now is when the API keys were last used (default time.Now()).
	Now time.Time
}

// Password is the clear-text password Generate gives account id.
func Password(id int) string { return fmt.Sprintf("password-%d", id) }

// Username is the username of account id.
func Username(id int) string { return fmt.Sprintf("user%06d", id) }

// APIKey is the key of account id, which has one when id%10 == 0.
func APIKey(id int) string { return fmt.Sprintf("key-%06d-abcdefghijklmnopqrstuvwxyz0123", id) }

// Generate fills a database made by Create with accounts shaped like a
// FlexiAPI deployment's: a SHA-256 password each (every 7th also MD5,
// every 11th in clear text instead), a phone for every other one, an API
// key and two dictionary entries and a type for every 10th, an admin
// role for every 100th, a provisioning token each, a contact for every
// 5th, list memberships, DTMF actions and tombstones.
func Generate(ctx context.Context, db *sql.DB, g Generated) error {
	if g.Now.IsZero() {
		g.Now = time.Now()
	}
	now := g.Now.UTC().Format(time.DateTime)
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := db.ExecContext(ctx, "INSERT INTO account_types (id, `key`, created_at, updated_at) VALUES (1, 'device_audio_intercom', ?, ?)", now, now); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO contacts_lists (id, title, description, created_at, updated_at) VALUES (1, 'Everyone', NULL, ?, ?)", now, now); err != nil {
		return err
	}
	tables := map[string]*bulk{}
	add := func(table, cols string, vals ...any) error {
		b := tables[table]
		if b == nil {
			b = &bulk{table: table, cols: cols}
			tables[table] = b
		}
		return b.add(ctx, db, vals)
	}
	for id := 1; id <= g.Accounts; id++ {
		user := Username(id)
		created := base.Add(time.Duration(id) * time.Minute).Format(time.DateTime)
		var email, display, dtmf any
		if id%2 == 1 {
			email = user + "@example.org"
		}
		if id%3 == 0 {
			display = fmt.Sprintf("Ünïcødé %d", id)
		}
		if id%4 == 0 {
			dtmf = "sipinfo"
		}
		err := add("accounts", "id, username, domain, email, activated, ip_address, user_agent, created_at, display_name, dtmf_protocol, updated_at, blocked",
			id, user, g.Domain, email, 1, "192.0.2.1", "FlexiAPI", created, display, dtmf, created, 0)
		if err == nil && id%11 == 0 {
			err = add("passwords", "account_id, password, algorithm", id, Password(id), "CLRTXT")
		} else if err == nil {
			err = add("passwords", "account_id, password, algorithm", id, HA1("SHA-256", user, g.Domain, Password(id)), "SHA-256")
		}
		if err == nil && id%7 == 0 && id%11 != 0 {
			err = add("passwords", "account_id, password, algorithm", id, HA1("MD5", user, g.Domain, Password(id)), "MD5")
		}
		if err == nil && id%2 == 0 {
			err = add("aliases", "account_id, alias, domain", id, fmt.Sprintf("+336%08d", id), g.Domain)
		}
		if err == nil && id%100 == 0 {
			err = add("admins", "account_id, created_at, updated_at", id, now, now)
		}
		if err == nil {
			err = add("provisioning_tokens", "account_id, token, used, created_at, updated_at", id, fmt.Sprintf("tok%010d", id), 0, now, now)
		}
		if err == nil && id%10 == 0 {
			err = add("api_keys", "account_id, `key`, created_at, updated_at, last_used_at", id, APIKey(id), now, now, now)
			for _, kv := range [][2]string{{"theme", "dark"}, {"lang", "fr"}} {
				if err == nil {
					err = add("account_dictionary_entries", "`key`, value, account_id, created_at, updated_at", kv[0], kv[1], id, now, now)
				}
			}
			if err == nil {
				err = add("account_account_type", "account_id, account_type_id", id, 1)
			}
			if err == nil {
				err = add("contacts_list_contact", "contact_id, contacts_list_id", id, 1)
			}
		}
		if err == nil && id%20 == 0 {
			err = add("account_actions", "account_id, `key`, code, created_at, updated_at", id, "1", "open", now, now)
		}
		if err == nil && id%5 == 0 {
			err = add("contacts", "account_id, contact_id", id, id-1)
		}
		if err == nil && id%50 == 0 {
			err = add("account_contacts_list", "account_id, contacts_list_id", id, 1)
		}
		if err == nil && id%20 == 0 {
			err = add("accounts_tombstones", "username, domain, created_at, updated_at", fmt.Sprintf("gone%06d", id), g.Domain, now, now)
		}
		if err == nil && g.Statistics && id%10 == 0 {
			err = generateStatistics(add, id, user, g.Domain, created, now)
		}
		if err != nil {
			return err
		}
	}
	// Parents first: the foreign keys.
	for _, t := range []string{"accounts", "passwords", "aliases", "admins", "provisioning_tokens", "api_keys",
		"account_dictionary_entries", "account_account_type", "contacts_list_contact", "account_actions", "contacts",
		"account_contacts_list", "accounts_tombstones", "statistics_messages", "statistics_message_devices",
		"statistics_calls", "statistics_call_devices"} {
		if b := tables[t]; b != nil {
			if err := b.flush(ctx, db); err != nil {
				return err
			}
		}
	}
	return nil
}

func generateStatistics(add func(string, string, ...any) error, id int, user, domain, at, now string) error {
	msg, call := fmt.Sprintf("msg-%06d", id), fmt.Sprintf("call-%06d", id)
	steps := []func() error{
		func() error {
			return add("statistics_messages", "id, from_username, from_domain, sent_at, encrypted, created_at, updated_at", msg, user, domain, at, 0, now, now)
		},
		func() error {
			return add("statistics_calls", "id, from_username, from_domain, to_username, to_domain, initiated_at, ended_at, created_at, updated_at",
				call, user, domain, Username(id-1), domain, at, at, now, now)
		},
	}
	for d := 1; d <= 2; d++ {
		dev := fmt.Sprintf("<urn:uuid:%06d-%d>", id, d)
		steps = append(steps,
			func() error {
				return add("statistics_message_devices", "message_id, to_username, to_domain, device_id, last_status, received_at, created_at, updated_at",
					msg, Username(id-1), domain, dev, 200, at, now, now)
			},
			func() error {
				return add("statistics_call_devices", "call_id, device_id, rang_at, invite_terminated_at, invite_terminated_state, created_at, updated_at",
					call, dev, at, at, map[bool]string{true: "accepted", false: "declined"}[d == 1], now, now)
			})
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// bulk gathers rows of one table into multi-row INSERTs. Rows are only
// written on flush, in table order, so that parents precede children.
type bulk struct {
	table, cols string
	rows        [][]any
}

func (b *bulk) add(ctx context.Context, db *sql.DB, vals []any) error {
	b.rows = append(b.rows, vals)
	return nil
}

func (b *bulk) flush(ctx context.Context, db *sql.DB) error {
	for len(b.rows) > 0 {
		n := min(len(b.rows), 500)
		ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.rows[0])), ", ") + ")"
		var args []any
		for _, r := range b.rows[:n] {
			args = append(args, r...)
		}
		q := "INSERT INTO " + b.table + " (" + b.cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(ph+", ", n), ", ")
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", b.table, err)
		}
		b.rows = b.rows[n:]
	}
	return nil
}
