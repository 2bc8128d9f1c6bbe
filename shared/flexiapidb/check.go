package flexiapidb

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Check connects and verifies, before anything is read, that the source
// is a FlexiAPI database at d231625's schema: its migrations end at
// LastMigration and hold every one of Migrations, and every table has
// its columns. Each failure is one line naming what was found.
func (d *DB) Check(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := d.db.PingContext(pctx); err != nil {
		return d.connectError(err)
	}
	columns, err := d.columns(ctx)
	if err != nil {
		return err
	}
	if _, ok := columns["migrations"]; !ok {
		return fmt.Errorf("the database %s has no migrations table: it is not a FlexiAPI database built by its migrations", d.where)
	}
	if err := d.checkMigrations(ctx); err != nil {
		return err
	}
	tables := make([]string, 0, len(Columns))
	for t := range Columns {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		have, ok := columns[t]
		if !ok {
			return fmt.Errorf("table %s is missing from the FlexiAPI database %s (d231625's migrations create it)", t, d.where)
		}
		for _, c := range Columns[t] {
			if !have[c] {
				return fmt.Errorf("table %s of the FlexiAPI database %s lacks column %s (d231625's schema has it)", t, d.where, c)
			}
		}
	}
	return nil
}

func (d *DB) checkMigrations(ctx context.Context) error {
	rows, err := d.db.QueryContext(ctx, "SELECT migration FROM migrations")
	if err != nil {
		return d.queryError("migrations", err)
	}
	defer rows.Close()
	ran := map[string]bool{}
	last := ""
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return d.queryError("migrations", err)
		}
		ran[m] = true
		// Migration names start with their date: the greatest is the last.
		last = max(last, m)
	}
	if err := rows.Err(); err != nil {
		return d.queryError("migrations", err)
	}
	switch {
	case last == "":
		return fmt.Errorf("the FlexiAPI database %s has an empty migrations table: no FlexiAPI schema to read", d.where)
	case last > LastMigration:
		return fmt.Errorf("the FlexiAPI database %s is newer than d231625: its last migration is %s, the import reads d231625's schema (last migration %s)", d.where, last, LastMigration)
	case last < LastMigration:
		return fmt.Errorf("the FlexiAPI database %s is older than d231625: its last migration is %s, the import reads d231625's schema (last migration %s); upgrade FlexiAPI to d231625 first", d.where, last, LastMigration)
	}
	var missing []string
	for _, m := range Migrations {
		if !ran[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the FlexiAPI database %s ends at %s but never ran %s", d.where, last, strings.Join(missing, ", "))
	}
	return nil
}

// columns reads the column names of every table of the database.
func (d *DB) columns(ctx context.Context) (map[string]map[string]bool, error) {
	rows, err := d.db.QueryContext(ctx,
		"SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE()")
	if err != nil {
		return nil, d.queryError("information_schema.columns", err)
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, d.queryError("information_schema.columns", err)
		}
		// Table names are case-sensitive on some servers, not on others.
		t = strings.ToLower(t)
		if out[t] == nil {
			out[t] = map[string]bool{}
		}
		out[t][strings.ToLower(c)] = true
	}
	return out, d.queryError("information_schema.columns", rows.Err())
}

// queryError names the table a read failed on, in one line.
func (d *DB) queryError(table string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("read %s from the FlexiAPI database %s: %w", table, d.where, oneLine(err))
}

type lineError struct{ error }

func (e lineError) Error() string { return strings.Join(strings.Fields(e.error.Error()), " ") }
func (e lineError) Unwrap() error { return e.error }

func oneLine(err error) error { return lineError{err} }
