package flexiapidb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/importer"
)

var _ importer.Source = (*DB)(nil)

// each runs a query and calls scan for every row; errors name the table.
func (d *DB) each(ctx context.Context, table, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return d.queryError(table, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return d.queryError(table, err)
		}
	}
	return d.queryError(table, rows.Err())
}

// Rows counts the rows of every table of the schema.
func (d *DB) Rows(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for t := range Columns {
		var n int64
		if err := d.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM `"+t+"`").Scan(&n); err != nil {
			return nil, d.queryError(t, err)
		}
		out[t] = n
	}
	return out, nil
}

// MaxIDs is the greatest id of the tables whose ids the API continues.
func (d *DB) MaxIDs(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range []string{"accounts", "account_types", "contacts_lists", "account_actions"} {
		var n int64
		if err := d.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM `"+t+"`").Scan(&n); err != nil {
			return nil, d.queryError(t, err)
		}
		out[t] = n
	}
	return out, nil
}

// AccountTypes reads account_types.
func (d *DB) AccountTypes(ctx context.Context) ([]importer.AccountType, error) {
	var out []importer.AccountType
	err := d.each(ctx, "account_types", "SELECT id, `key`, created_at, updated_at FROM account_types ORDER BY id", nil,
		func(r *sql.Rows) error {
			var t importer.AccountType
			var c, u sql.NullString
			if err := r.Scan(&t.ID, &t.Key, &c, &u); err != nil {
				return err
			}
			t.CreatedAt, t.UpdatedAt = optTime(c), optTime(u)
			out = append(out, t)
			return nil
		})
	return out, err
}

// ContactsLists reads contacts_lists.
func (d *DB) ContactsLists(ctx context.Context) ([]importer.ContactsList, error) {
	var out []importer.ContactsList
	err := d.each(ctx, "contacts_lists", "SELECT id, title, description, created_at, updated_at FROM contacts_lists ORDER BY id", nil,
		func(r *sql.Rows) error {
			var l importer.ContactsList
			var desc, c, u sql.NullString
			if err := r.Scan(&l.ID, &l.Title, &desc, &c, &u); err != nil {
				return err
			}
			l.Description, l.CreatedAt, l.UpdatedAt = optString(desc), optTime(c), optTime(u)
			out = append(out, l)
			return nil
		})
	return out, err
}

// Links reads a pivot table in its unique key's order.
func (d *DB) Links(ctx context.Context, table importer.LinkTable, after importer.Link, limit int) ([]importer.Link, error) {
	var a, b string
	switch table {
	case importer.Contacts:
		a, b = "account_id", "contact_id"
	case importer.AttachedLists:
		a, b = "account_id", "contacts_list_id"
	case importer.ListMemberships:
		a, b = "contact_id", "contacts_list_id"
	default:
		return nil, fmt.Errorf("flexiapidb: unknown pivot table %q", table)
	}
	q := fmt.Sprintf("SELECT %[1]s, %[2]s FROM %[3]s WHERE %[1]s > ? OR (%[1]s = ? AND %[2]s > ?) ORDER BY %[1]s, %[2]s LIMIT ?", a, b, table)
	var out []importer.Link
	err := d.each(ctx, string(table), q, []any{after.Account, after.Account, after.Other, limit}, func(r *sql.Rows) error {
		var l importer.Link
		if err := r.Scan(&l.Account, &l.Other); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

// Tombstones reads accounts_tombstones by id.
func (d *DB) Tombstones(ctx context.Context, afterID int64, limit int) ([]importer.Tombstone, error) {
	var out []importer.Tombstone
	err := d.each(ctx, "accounts_tombstones",
		"SELECT id, username, domain, created_at, updated_at FROM accounts_tombstones WHERE id > ? ORDER BY id LIMIT ?",
		[]any{afterID, limit}, func(r *sql.Rows) error {
			var t importer.Tombstone
			var c, u sql.NullString
			if err := r.Scan(&t.ID, &t.Username, &t.Domain, &c, &u); err != nil {
				return err
			}
			t.CreatedAt, t.UpdatedAt = optTime(c), optTime(u)
			out = append(out, t)
			return nil
		})
	return out, err
}

// Time columns come as text (the driver's parseTime is off): the text of
// a timestamp in the server's default session time zone, or of a
// datetime, is FlexiAPI's UTC time.
var timeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999", "2006-01-02"}

func parseTime(s string) (time.Time, bool) {
	if strings.HasPrefix(s, "0000-00-00") { // a zero date of a non-strict server
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func optTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t, ok := parseTime(s.String)
	if !ok {
		return nil
	}
	return &t
}

// reqTime reads a NOT NULL time column (a zero date reads as the zero time).
func reqTime(s sql.NullString) time.Time {
	if t := optTime(s); t != nil {
		return *t
	}
	return time.Time{}
}

func optString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	v := s.String
	return &v
}

// inList is "?, ?, ..." for n values.
func inList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// collationKey folds an id as the unicode_ci collation compares it well
// enough to match child rows to their parent (case, trailing spaces).
func collationKey(s string) string { return strings.ToLower(strings.TrimRight(s, " ")) }
