//go:build integration

package devstack

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMariaDBLifecycle: a scratch server starts with the projection's
// database and user, survives a stop and restart with its data, takes a
// default time zone, and leaves nothing behind.
func TestMariaDBLifecycle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m, err := StartMariaDB(ctx, MariaDBOptions{TimeZone: "+05:30"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !strings.HasPrefix(m.URL, "mysql://flexisip:") || !strings.HasSuffix(m.URL, "/flexisip") {
		t.Fatalf("URL %q", m.URL)
	}
	if err := m.Exec(ctx, MariaDBDatabase, "CREATE TABLE t (v varchar(10)); INSERT INTO t VALUES ('kept');"); err != nil {
		t.Fatal(err)
	}
	m.Stop()
	if err := m.Exec(ctx, MariaDBDatabase, "SELECT 1"); err == nil {
		t.Fatal("a stopped server answered")
	}
	if err := m.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := m.Query(ctx, MariaDBDatabase, "SELECT v, @@time_zone, @@collation_server FROM t")
	if err != nil {
		t.Fatal(err)
	}
	if want := "kept\t+05:30\tutf8mb4_unicode_ci"; strings.TrimSpace(out) != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	dir := m.dataDir
	m.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s left behind: %v", dir, err)
	}
}
