//go:build integration

package flexisipdb

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb/flexiapitest"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

func open(t *testing.T, dsn string) *DB {
	t.Helper()
	d, err := Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func showCreate(t *testing.T, d *DB, table string) string {
	t.Helper()
	var name, ddl string
	if err := d.db.QueryRow("SHOW CREATE TABLE `"+table+"`").Scan(&name, &ddl); err != nil {
		t.Fatal(err)
	}
	return ddl
}

// TestSchemaIsFlexiAPIs: the tables the projection creates are FlexiAPI
// d231625's, byte for byte as the server prints them, plus accounts.phone;
// on a d231625 database EnsureSchema only adds phone, and is idempotent.
func TestSchemaIsFlexiAPIs(t *testing.T) {
	ctx := context.Background()
	ours := open(t, testenv.SQLDatabase(t))
	if err := ours.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ours.EnsureSchema(ctx); err != nil {
		t.Fatal("second run:", err)
	}
	theirs := open(t, testenv.SQLDatabase(t))
	// FlexiAPI's own accounts, passwords and aliases, from the schema the
	// import tests load (the contract's CREATE statements).
	for _, stmt := range flexiapitest.Statements() {
		for _, table := range []string{"accounts", "passwords", "aliases"} {
			if strings.HasPrefix(stmt, "CREATE TABLE `"+table+"`") {
				if _, err := theirs.db.Exec(stmt); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, table := range []string{"passwords", "aliases"} {
		if a, b := showCreate(t, ours, table), showCreate(t, theirs, table); a != b {
			t.Fatalf("%s differs from FlexiAPI's:\n%s\n---\n%s", table, a, b)
		}
	}
	before := showCreate(t, theirs, "accounts")
	if strings.Contains(before, "`phone`") {
		t.Fatal("d231625's accounts already has phone")
	}
	if err := theirs.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if a, b := showCreate(t, ours, "accounts"), showCreate(t, theirs, "accounts"); a != b {
		t.Fatalf("accounts differs from FlexiAPI's plus phone:\n%s\n---\n%s", a, b)
	}
	want := strings.Replace(before, "  `blocked` tinyint(1) NOT NULL DEFAULT 0,\n", "  `blocked` tinyint(1) NOT NULL DEFAULT 0,\n  `phone` varchar(64) DEFAULT NULL,\n", 1)
	if got := showCreate(t, ours, "accounts"); got != want {
		t.Fatalf("accounts is not d231625's plus phone after blocked:\n%s\n---\n%s", got, want)
	}
}

func row(id int64, username string) flexisip.Row {
	now := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	return flexisip.Row{ID: id, Username: username, Domain: "sip.example.org", Activated: true,
		IPAddress: "::1", UserAgent: "tests", CreatedAt: now, UpdatedAt: now}
}

func ptr(s string) *string { return &s }

func al(phone string) flexisip.Alias { return flexisip.Alias{Alias: phone, Domain: "sip.example.org"} }

// TestApplyAndRead: upserts by key, deletes of what is no longer there,
// redelivery harmless (no new row, the same row ids), and Read returns
// what Apply wrote.
func TestApplyAndRead(t *testing.T) {
	ctx := context.Background()
	d := open(t, testenv.SQLDatabase(t))
	if err := d.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	p := &flexisip.Projection{Account: row(5, "alice"),
		Passwords: []flexisip.Password{{Algorithm: "MD5", Value: strings.Repeat("a", 32)}, {Algorithm: "SHA-256", Value: strings.Repeat("b", 64)}},
		Aliases:   []flexisip.Alias{al("+33611111111")}}
	p.Account.Phone = ptr("+33611111111")
	p.Account.DisplayName = ptr("Alice Émilie 李")
	for i := 0; i < 3; i++ {
		if ev, err := d.Apply(ctx, 5, p); err != nil || len(ev) != 0 {
			t.Fatalf("apply %d: %v %v", i, ev, err)
		}
	}
	var n, maxID int
	d.db.QueryRow("SELECT COUNT(*), MAX(id) FROM passwords").Scan(&n, &maxID)
	if n != 2 || maxID != 2 {
		t.Fatalf("redelivery added rows: %d rows, max id %d", n, maxID)
	}
	got, err := d.Read(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := flexisip.Differences(got[5], p); len(diff) != 0 {
		t.Fatalf("read back differs: %v", diff)
	}
	// Blocked: no password rows, the account row stays; new phone.
	q := *p
	q.Account.Blocked = true
	q.Account.Phone = ptr("+33622222222")
	q.Passwords = nil
	q.Aliases = []flexisip.Alias{al("+33622222222")}
	if _, err := d.Apply(ctx, 5, &q); err != nil {
		t.Fatal(err)
	}
	got, _ = d.Read(ctx, 4, 5)
	if diff := flexisip.Differences(got[5], &q); len(diff) != 0 {
		t.Fatalf("after block: %v", diff)
	}
	d.db.QueryRow("SELECT COUNT(*) FROM aliases").Scan(&n)
	if n != 1 {
		t.Fatalf("%d alias rows", n)
	}
	// Deleted: nothing left, by cascade.
	if _, err := d.Apply(ctx, 5, nil); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"accounts", "passwords", "aliases"} {
		d.db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n)
		if n != 0 {
			t.Fatalf("%s keeps %d rows after the deletion", table, n)
		}
	}
}

// TestApplyEvicts: a username or phone held by another account's stale
// row is taken, and that account is named for a new sync; the collation
// makes case variants one name, as FlexiAPI's unique key does.
func TestApplyEvicts(t *testing.T) {
	ctx := context.Background()
	d := open(t, testenv.SQLDatabase(t))
	if err := d.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	old := &flexisip.Projection{Account: row(1, "bob"), Aliases: []flexisip.Alias{al("+33633333333")}}
	other := &flexisip.Projection{Account: row(3, "carol"), Aliases: []flexisip.Alias{al("+33644444444")}}
	for id, p := range map[int64]*flexisip.Projection{1: old, 3: other} {
		if _, err := d.Apply(ctx, id, p); err != nil {
			t.Fatal(err)
		}
	}
	// Account 2 now holds "Bob" and account 3's phone.
	p := &flexisip.Projection{Account: row(2, "Bob"), Aliases: []flexisip.Alias{al("+33644444444")}}
	ev, err := d.Apply(ctx, 2, p)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ev)
	if !slices.Equal(ev, []int64{1, 3}) {
		t.Fatalf("evicted %v, want [1 3]", ev)
	}
	got, _ := d.Read(ctx, 0, 0)
	if got[1] != nil || got[2] == nil || got[3] == nil || len(got[3].Aliases) != 0 || len(got[2].Aliases) != 1 {
		t.Fatalf("after eviction: %+v", got)
	}
}

// TestStrictWidths: a value wider than its column is an error, never cut
// silently, and not an "unavailable" error (the record is at fault).
func TestStrictWidths(t *testing.T) {
	ctx := context.Background()
	d := open(t, testenv.SQLDatabase(t))
	if err := d.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := d.Apply(ctx, 9, &flexisip.Projection{Account: row(9, strings.Repeat("u", 65))})
	if err == nil || errors.Is(err, flexisip.ErrUnavailable) {
		t.Fatalf("err %v", err)
	}
}

// TestBadDatabase: a wrong password, an unknown database and a closed port
// each give one line that names the server without the password, marked
// unavailable (the sync waits rather than drops changes).
func TestBadDatabase(t *testing.T) {
	dsn := testenv.SQLDatabase(t)
	cfg, err := ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	secret := cfg.Passwd
	wrongPW := strings.Replace(dsn, ":"+secret+"@", ":not-the-password@", 1)
	unknownDB := dsn + "_nope"
	closed := strings.Replace(dsn, cfg.Addr, "127.0.0.1:1", 1)
	for name, u := range map[string]string{"wrong password": wrongPW, "unknown database": unknownDB, "closed port": closed} {
		t.Run(name, func(t *testing.T) {
			d := open(t, u)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := d.Ping(ctx)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if strings.Contains(msg, secret) || strings.Contains(msg, "not-the-password") || strings.Contains(msg, "\n") {
				t.Fatalf("message %q shows a password or spans lines", msg)
			}
			if !strings.HasPrefix(msg, "the Flexisip database ") || !errors.Is(err, flexisip.ErrUnavailable) {
				t.Fatalf("message %q (unavailable %v)", msg, errors.Is(err, flexisip.ErrUnavailable))
			}
		})
	}
	for _, bad := range []string{"postgres://u:p@h/db", "mysql://u:secretpw@h:notaport/db", "mysql://u:secretpw@h:3306/", "mysql://u:secretpw@h/db?x=1", "u:secretpw@tcp(h)/db"} {
		_, err := ParseDSN(bad)
		if err == nil || strings.Contains(err.Error(), "secretpw") {
			t.Fatalf("ParseDSN(%q): %v", bad, err)
		}
	}
}
