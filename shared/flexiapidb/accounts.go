package flexiapidb

import (
	"context"
	"database/sql"

	"github.com/flexiapi-serverless/flexiapi/shared/importer"
)

// Accounts reads a page of accounts by id, then the page's rows of every
// per-account table with one query each (account_id between the page's
// first and last id: the page holds every account of that range).
func (d *DB) Accounts(ctx context.Context, afterID int64, limit int) ([]importer.Account, error) {
	var out []importer.Account
	err := d.each(ctx, "accounts",
		"SELECT id, username, domain, email, activated, confirmation_key, ip_address, user_agent, created_at, "+
			"display_name, dtmf_protocol, updated_at, blocked FROM accounts WHERE id > ? ORDER BY id LIMIT ?",
		[]any{afterID, limit}, func(r *sql.Rows) error {
			var a importer.Account
			var email, key, display, dtmf, created, updated sql.NullString
			var activated, blocked int64
			if err := r.Scan(&a.ID, &a.Username, &a.Domain, &email, &activated, &key, &a.IPAddress, &a.UserAgent,
				&created, &display, &dtmf, &updated, &blocked); err != nil {
				return err
			}
			a.Email, a.ConfirmationKey, a.DisplayName, a.DTMFProtocol = optString(email), optString(key), optString(display), optString(dtmf)
			a.Activated, a.Blocked = activated != 0, blocked != 0
			a.CreatedAt, a.UpdatedAt = reqTime(created), optTime(updated)
			out = append(out, a)
			return nil
		})
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := make(map[int64]*importer.Account, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	first, last := out[0].ID, out[len(out)-1].ID
	child := func(table, columns string, scan func(r *sql.Rows, a func(int64) *importer.Account) error) error {
		return d.each(ctx, table, "SELECT "+columns+" FROM "+table+" WHERE account_id BETWEEN ? AND ?", []any{first, last},
			func(r *sql.Rows) error {
				return scan(r, func(id int64) *importer.Account {
					if a := byID[id]; a != nil {
						return a
					}
					return &importer.Account{} // a row added after the page was read: next run
				})
			})
	}
	reads := []func() error{
		func() error {
			return child("passwords", "id, account_id, password, algorithm", func(r *sql.Rows, of func(int64) *importer.Account) error {
				var p importer.Password
				var id int64
				if err := r.Scan(&p.ID, &id, &p.Password, &p.Algorithm); err != nil {
					return err
				}
				a := of(id)
				a.Passwords = append(a.Passwords, p)
				return nil
			})
		},
		func() error {
			return child("aliases", "id, account_id, alias, domain", func(r *sql.Rows, of func(int64) *importer.Account) error {
				var al importer.Alias
				var id int64
				if err := r.Scan(&al.ID, &id, &al.Alias, &al.Domain); err != nil {
					return err
				}
				a := of(id)
				a.Aliases = append(a.Aliases, al)
				return nil
			})
		},
		func() error {
			return child("admins", "id, account_id, created_at, updated_at", func(r *sql.Rows, of func(int64) *importer.Account) error {
				var s importer.Stamp
				var id int64
				var c, u sql.NullString
				if err := r.Scan(&s.ID, &id, &c, &u); err != nil {
					return err
				}
				s.CreatedAt, s.UpdatedAt = optTime(c), optTime(u)
				a := of(id)
				a.Admins = append(a.Admins, s)
				return nil
			})
		},
		func() error {
			return child("api_keys", "id, account_id, `key`, created_at, last_used_at", func(r *sql.Rows, of func(int64) *importer.Account) error {
				var k importer.APIKey
				var id int64
				var c, used sql.NullString
				if err := r.Scan(&k.ID, &id, &k.Key, &c, &used); err != nil {
					return err
				}
				k.CreatedAt, k.LastUsedAt = optTime(c), reqTime(used)
				a := of(id)
				a.APIKeys = append(a.APIKeys, k)
				return nil
			})
		},
		func() error {
			return child("provisioning_tokens", "id, account_id, token, used, created_at, updated_at, ip, user_agent",
				func(r *sql.Rows, of func(int64) *importer.Account) error {
					var t importer.ProvisioningToken
					var id, used int64
					var tok, c, u, ip, ua sql.NullString
					if err := r.Scan(&t.ID, &id, &tok, &used, &c, &u, &ip, &ua); err != nil {
						return err
					}
					t.Token, t.Used, t.CreatedAt, t.UpdatedAt, t.IP, t.UserAgent = optString(tok), used != 0, optTime(c), optTime(u), optString(ip), optString(ua)
					a := of(id)
					a.ProvisioningTokens = append(a.ProvisioningTokens, t)
					return nil
				})
		},
		func() error {
			return child("activation_expirations", "id, account_id, expires, created_at, updated_at",
				func(r *sql.Rows, of func(int64) *importer.Account) error {
					var e importer.ActivationExpiration
					var id int64
					var exp, c, u sql.NullString
					if err := r.Scan(&e.ID, &id, &exp, &c, &u); err != nil {
						return err
					}
					e.Expires, e.CreatedAt, e.UpdatedAt = reqTime(exp), optTime(c), optTime(u)
					a := of(id)
					a.ActivationExpirations = append(a.ActivationExpirations, e)
					return nil
				})
		},
		func() error {
			return child("email_change_codes", "id, account_id, code, email, created_at, updated_at, ip, user_agent",
				func(r *sql.Rows, of func(int64) *importer.Account) error {
					p, id, err := scanPending(r)
					a := of(id)
					a.EmailChanges = append(a.EmailChanges, p)
					return err
				})
		},
		func() error {
			return child("phone_change_codes", "id, account_id, code, phone, created_at, updated_at, ip, user_agent",
				func(r *sql.Rows, of func(int64) *importer.Account) error {
					p, id, err := scanPending(r)
					a := of(id)
					a.PhoneChanges = append(a.PhoneChanges, p)
					return err
				})
		},
		func() error {
			return child("account_account_type", "account_id, account_type_id", func(r *sql.Rows, of func(int64) *importer.Account) error {
				var id, typeID int64
				if err := r.Scan(&id, &typeID); err != nil {
					return err
				}
				a := of(id)
				a.TypeIDs = append(a.TypeIDs, typeID)
				return nil
			})
		},
		func() error {
			return child("account_actions", "id, account_id, `key`, code", func(r *sql.Rows, of func(int64) *importer.Account) error {
				var x importer.Action
				var id int64
				if err := r.Scan(&x.ID, &id, &x.Key, &x.Code); err != nil {
					return err
				}
				a := of(id)
				a.Actions = append(a.Actions, x)
				return nil
			})
		},
		func() error {
			return child("account_dictionary_entries", "id, account_id, `key`, value", func(r *sql.Rows, of func(int64) *importer.Account) error {
				var e importer.DictionaryEntry
				var id int64
				if err := r.Scan(&e.ID, &id, &e.Key, &e.Value); err != nil {
					return err
				}
				a := of(id)
				a.Dictionary = append(a.Dictionary, e)
				return nil
			})
		},
	}
	for _, read := range reads {
		if err := read(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func scanPending(r *sql.Rows) (importer.PendingCode, int64, error) {
	var p importer.PendingCode
	var id int64
	var code, c, u, ip, ua sql.NullString
	if err := r.Scan(&p.ID, &id, &code, &p.Value, &c, &u, &ip, &ua); err != nil {
		return p, 0, err
	}
	p.Code, p.CreatedAt, p.UpdatedAt, p.IP, p.UserAgent = optString(code), optTime(c), optTime(u), optString(ip), optString(ua)
	return p, id, nil
}
