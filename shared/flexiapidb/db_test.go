//go:build integration

package flexiapidb_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb/flexiapitest"
	"github.com/flexiapi-serverless/flexiapi/shared/importer"
)

// server is a MariaDB whose default session time zone is not UTC, as a
// FlexiAPI server's may be.
func server(t *testing.T) *devstack.MariaDB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m, err := devstack.StartMariaDB(ctx, devstack.MariaDBOptions{TimeZone: "+05:30"})
	if err != nil {
		t.Fatalf("MariaDB (Debian's mariadb-server, installed by make test): %v", err)
	}
	t.Cleanup(m.Close)
	return m
}

var dbSeq atomic.Int32

// database creates a FlexiAPI d231625 database, then runs breakSQL in it.
func database(t *testing.T, m *devstack.MariaDB, breakSQL string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("flexiapi%d", dbSeq.Add(1))
	url, db, err := flexiapitest.Create(ctx, m.RootURL, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if breakSQL != "" {
		if _, err := db.ExecContext(ctx, breakSQL); err != nil {
			t.Fatalf("%s: %v", breakSQL, err)
		}
	}
	return url
}

func check(t *testing.T, url string) error {
	t.Helper()
	src, err := flexiapidb.Open(url)
	if err != nil {
		return err
	}
	defer src.Close()
	return src.Check(context.Background())
}

// TestCheckRefusesWhatIsNotD231625: every kind of wrong source is one
// line that says what was found, without the password.
func TestCheckRefusesWhatIsNotD231625(t *testing.T) {
	m := server(t)
	if err := check(t, database(t, m, "")); err != nil {
		t.Fatalf("d231625's own schema: %v", err)
	}
	rootPW := strings.TrimPrefix(strings.Split(m.RootURL, "@")[0], "mysql://root:")
	cases := []struct {
		name, url, want string
	}{
		{"newer", database(t, m, "INSERT INTO migrations (migration, batch) VALUES ('2024_03_25_155713_merge_admins_table_in_accounts', 2)"),
			"newer than d231625: its last migration is 2024_03_25_155713_merge_admins_table_in_accounts"},
		{"older", database(t, m, "DELETE FROM migrations WHERE migration = '"+flexiapidb.LastMigration+"'"),
			"older than d231625: its last migration is 2024_01_22_151512_add_blocked_to_accounts_table"},
		{"a migration missing", database(t, m, "DELETE FROM migrations WHERE migration LIKE '2023_06_05%'"),
			"never ran 2023_06_05_124409_add_email_change_code_table"},
		{"no migrations", database(t, m, "DROP TABLE migrations"), "has no migrations table"},
		{"empty migrations", database(t, m, "DELETE FROM migrations"), "empty migrations table"},
		{"a table missing", database(t, m, "DROP TABLE aliases"), "table aliases is missing"},
		{"a column missing", database(t, m, "ALTER TABLE accounts DROP INDEX accounts_blocked_index, DROP COLUMN blocked"), "table accounts of the FlexiAPI database"},
		{"wrong password", strings.Replace(database(t, m, ""), rootPW, "wrong-password", 1), "refused the credentials"},
		{"no such database", strings.TrimSuffix(m.RootURL, "/") + "/nosuchdb", "does not exist"},
		{"unreachable", "mysql://root:topsecret@127.0.0.1:1/flexiapi", "cannot reach the FlexiAPI database at 127.0.0.1:1/flexiapi"},
		{"not a URL", "root:topsecret@tcp(127.0.0.1:3306)/flexiapi", "is not a MySQL URL"},
	}
	for _, c := range cases {
		err := check(t, c.url)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") || strings.Contains(msg, rootPW) || strings.Contains(msg, "topsecret") {
			t.Errorf("%s: %q (want one line with %q, no password)", c.name, msg, c.want)
		}
	}
}

// TestTimesReadAsFlexiAPIWroteThem: FlexiAPI writes UTC text without
// setting a session time zone, so timestamp columns are converted by the
// server's default zone on the way in and back on the way out; datetime
// columns are verbatim. Read in the default session, both give the text
// FlexiAPI wrote, which is UTC.
func TestTimesReadAsFlexiAPIWroteThem(t *testing.T) {
	m := server(t)
	url := database(t, m, "")
	db, err := flexiapitest.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	// Inserted in the server's default session, as FlexiAPI does.
	for _, q := range []string{
		"INSERT INTO accounts (id, username, domain, ip_address, user_agent, created_at, updated_at, activated, blocked) VALUES (5, 'zoë', 'sip.example.org', '::1', 'FlexiAPI', '2023-01-02 03:04:05', NULL, 1, 0)",
		"INSERT INTO admins (account_id, created_at, updated_at) VALUES (5, '2023-06-07 23:45:00', '2023-06-08 00:10:00')",
		"INSERT INTO api_keys (account_id, `key`, created_at, updated_at, last_used_at) VALUES (5, 'K3y', '2024-01-01 00:00:01', NULL, '2024-02-03 04:05:06')",
		"INSERT INTO passwords (account_id, password, algorithm) VALUES (5, 'clear', 'CLRTXT'), (5, 'abc', 'MD5')",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var utc string
	if err := db.QueryRowContext(ctx, "SELECT CONVERT_TZ(created_at, @@session.time_zone, '+00:00') FROM admins").Scan(&utc); err != nil {
		t.Fatal(err)
	}
	if utc != "2023-06-07 18:15:00" {
		t.Fatalf("the server did not convert the timestamp (stored as %s): the test needs a non-UTC default zone", utc)
	}
	src, err := flexiapidb.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Check(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := src.Accounts(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 1 {
		t.Fatalf("%d accounts", len(page))
	}
	a := page[0]
	at := func(s string) time.Time { v, _ := time.Parse(time.DateTime, s); return v }
	if a.Username != "zoë" || !a.CreatedAt.Equal(at("2023-01-02 03:04:05")) || a.UpdatedAt != nil || !a.Activated || a.Blocked {
		t.Fatalf("account %+v", a)
	}
	if len(a.Admins) != 1 || !a.Admins[0].CreatedAt.Equal(at("2023-06-07 23:45:00")) || !a.Admins[0].UpdatedAt.Equal(at("2023-06-08 00:10:00")) {
		t.Fatalf("admins %+v", a.Admins)
	}
	if len(a.APIKeys) != 1 || a.APIKeys[0].Key != "K3y" || !a.APIKeys[0].LastUsedAt.Equal(at("2024-02-03 04:05:06")) || !a.APIKeys[0].CreatedAt.Equal(at("2024-01-01 00:00:01")) {
		t.Fatalf("api keys %+v", a.APIKeys)
	}
	if len(a.Passwords) != 2 {
		t.Fatalf("passwords %+v", a.Passwords)
	}
	rows, err := src.Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rows["accounts"] != 1 || rows["passwords"] != 2 || rows["migrations"] != 41 || len(rows) != 31 {
		t.Fatalf("rows %v", rows)
	}
	var _ importer.Source = src
}
