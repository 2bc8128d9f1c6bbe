package flexisipdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
)

const datetime = "2006-01-02 15:04:05"

// Apply writes one account's rows in one transaction (see flexisip.Target):
// upserts and deletes by key, so a redelivered change is harmless.
func (d *DB) Apply(ctx context.Context, id int64, p *flexisip.Projection) ([]int64, error) {
	if err := d.schemaOnce(ctx); err != nil {
		return nil, err
	}
	var evicted []int64
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		evicted, err = d.apply(ctx, id, p)
		if err == nil || !retryable(err) {
			break
		}
		time.Sleep(time.Duration(20<<attempt) * time.Millisecond)
	}
	if err != nil {
		return nil, d.fail(fmt.Sprintf("write account %d", id), err)
	}
	return evicted, nil
}

func (d *DB) apply(ctx context.Context, id int64, p *flexisip.Projection) (evicted []int64, err error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if p == nil {
		// The account is gone: its passwords and aliases go by cascade.
		if _, err = tx.ExecContext(ctx, "DELETE FROM `accounts` WHERE `id` = ?", id); err != nil {
			return nil, err
		}
		return nil, tx.Commit()
	}
	r := p.Account

	// Rows of other accounts that hold this username or phone: their own
	// rename or phone change has not landed yet (or never will, if they
	// were deleted). The caller syncs them again from their current state.
	holders, err := ids(ctx, tx, "SELECT `id` FROM `accounts` WHERE `username` = ? AND `domain` = ? AND `id` <> ? FOR UPDATE", r.Username, r.Domain, id)
	if err != nil {
		return nil, err
	}
	for _, other := range holders {
		if _, err = tx.ExecContext(ctx, "DELETE FROM `accounts` WHERE `id` = ?", other); err != nil {
			return nil, err
		}
	}
	evicted = append(evicted, holders...)
	for _, al := range p.Aliases {
		owners, err := ids(ctx, tx, "SELECT `account_id` FROM `aliases` WHERE `alias` = ? AND `domain` = ? AND `account_id` <> ? FOR UPDATE", al.Alias, al.Domain, id)
		if err != nil {
			return nil, err
		}
		if len(owners) > 0 {
			if _, err = tx.ExecContext(ctx, "DELETE FROM `aliases` WHERE `alias` = ? AND `domain` = ? AND `account_id` <> ?", al.Alias, al.Domain, id); err != nil {
				return nil, err
			}
			for _, o := range owners {
				if !slices.Contains(evicted, o) {
					evicted = append(evicted, o)
				}
			}
		}
	}

	// The account row, by primary key. expire_time is not ours: a
	// FlexiAPI database keeps its value.
	_, err = tx.ExecContext(ctx, "INSERT INTO `accounts` (`id`, `username`, `domain`, `email`, `activated`, `confirmation_key`, "+
		"`ip_address`, `user_agent`, `created_at`, `display_name`, `dtmf_protocol`, `updated_at`, `blocked`, `phone`) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "+
		"`username` = VALUES(`username`), `domain` = VALUES(`domain`), `email` = VALUES(`email`), `activated` = VALUES(`activated`), "+
		"`confirmation_key` = VALUES(`confirmation_key`), `ip_address` = VALUES(`ip_address`), `user_agent` = VALUES(`user_agent`), "+
		"`created_at` = VALUES(`created_at`), `display_name` = VALUES(`display_name`), `dtmf_protocol` = VALUES(`dtmf_protocol`), "+
		"`updated_at` = VALUES(`updated_at`), `blocked` = VALUES(`blocked`), `phone` = VALUES(`phone`)",
		r.ID, r.Username, r.Domain, r.Email, r.Activated, r.ConfirmationKey, r.IPAddress, r.UserAgent,
		r.CreatedAt.UTC().Format(datetime), r.DisplayName, r.DTMFProtocol, r.UpdatedAt.UTC().Format(datetime), r.Blocked, r.Phone)
	if err != nil {
		return nil, err
	}

	// Passwords: by the (account_id, algorithm) key; the others go.
	algs := make([]any, 0, len(p.Passwords)+1)
	algs = append(algs, id)
	for _, pw := range p.Passwords {
		algs = append(algs, pw.Algorithm)
	}
	del := "DELETE FROM `passwords` WHERE `account_id` = ?"
	if len(p.Passwords) > 0 {
		del += " AND `algorithm` NOT IN (" + placeholders(len(p.Passwords)) + ")"
	}
	if _, err = tx.ExecContext(ctx, del, algs...); err != nil {
		return nil, err
	}
	for _, pw := range p.Passwords {
		if _, err = tx.ExecContext(ctx, "INSERT INTO `passwords` (`account_id`, `password`, `algorithm`) VALUES (?, ?, ?) "+
			"ON DUPLICATE KEY UPDATE `password` = VALUES(`password`)", id, pw.Value, pw.Algorithm); err != nil {
			return nil, err
		}
	}

	// Aliases: by the (alias, domain) key; the account's others go.
	if len(p.Aliases) == 0 {
		_, err = tx.ExecContext(ctx, "DELETE FROM `aliases` WHERE `account_id` = ?", id)
	} else {
		keep := make([]string, len(p.Aliases))
		args := []any{id}
		for i, al := range p.Aliases {
			keep[i] = "(`alias` = ? AND `domain` = ?)"
			args = append(args, al.Alias, al.Domain)
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM `aliases` WHERE `account_id` = ? AND NOT ("+strings.Join(keep, " OR ")+")", args...)
	}
	if err != nil {
		return nil, err
	}
	for _, al := range p.Aliases {
		if _, err = tx.ExecContext(ctx, "INSERT INTO `aliases` (`account_id`, `alias`, `domain`) VALUES (?, ?, ?) "+
			"ON DUPLICATE KEY UPDATE `account_id` = VALUES(`account_id`)", id, al.Alias, al.Domain); err != nil {
			return nil, err
		}
	}
	return evicted, tx.Commit()
}

func ids(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Read returns the rows held for the accounts after < id <= through
// (through 0: no upper bound), as projections.
// It writes nothing, not even missing tables: a dry run stays one.
func (d *DB) Read(ctx context.Context, after, through int64) (map[int64]*flexisip.Projection, error) {
	out, err := d.read(ctx, after, through)
	if err != nil {
		return nil, d.fail("read the accounts", err)
	}
	return out, nil
}

func (d *DB) read(ctx context.Context, after, through int64) (map[int64]*flexisip.Projection, error) {
	cond, args := "`id` > ?", []any{after}
	pcond := "`account_id` > ?"
	if through > 0 {
		cond += " AND `id` <= ?"
		pcond += " AND `account_id` <= ?"
		args = append(args, through)
	}
	out := map[int64]*flexisip.Projection{}
	rows, err := d.db.QueryContext(ctx, "SELECT `id`, `username`, `domain`, `email`, `activated`, `confirmation_key`, `ip_address`, "+
		"`user_agent`, `created_at`, `display_name`, `dtmf_protocol`, `updated_at`, `blocked`, `phone` FROM `accounts` WHERE "+cond+" ORDER BY `id`", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r flexisip.Row
		var email, key, display, dtmf, phone sql.NullString
		var updated sql.NullTime
		if err := rows.Scan(&r.ID, &r.Username, &r.Domain, &email, &r.Activated, &key, &r.IPAddress, &r.UserAgent,
			&r.CreatedAt, &display, &dtmf, &updated, &r.Blocked, &phone); err != nil {
			return nil, err
		}
		r.Email, r.ConfirmationKey, r.DisplayName, r.DTMFProtocol, r.Phone = opt(email), opt(key), opt(display), opt(dtmf), opt(phone)
		r.UpdatedAt = updated.Time
		out[r.ID] = &flexisip.Projection{Account: r}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	prows, err := d.db.QueryContext(ctx, "SELECT `account_id`, `algorithm`, `password` FROM `passwords` WHERE "+pcond+" ORDER BY `account_id`, `id`", args...)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var id int64
		var pw flexisip.Password
		if err := prows.Scan(&id, &pw.Algorithm, &pw.Value); err != nil {
			return nil, err
		}
		if p := out[id]; p != nil {
			p.Passwords = append(p.Passwords, pw)
		}
	}
	if err := prows.Err(); err != nil {
		return nil, err
	}
	prows.Close()

	arows, err := d.db.QueryContext(ctx, "SELECT `account_id`, `alias`, `domain` FROM `aliases` WHERE "+pcond+" ORDER BY `account_id`, `alias`", args...)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var id int64
		var al flexisip.Alias
		if err := arows.Scan(&id, &al.Alias, &al.Domain); err != nil {
			return nil, err
		}
		if p := out[id]; p != nil {
			p.Aliases = append(p.Aliases, al)
		}
	}
	return out, arows.Err()
}

func opt(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	v := s.String
	return &v
}
