package testenv

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// SQLDatabase creates a fresh database on the MariaDB server that `make
// test` starts (MARIADB_ROOT_URL) and drops it after the test. It returns
// the database's URL (as root) and the server's root URL.
func SQLDatabase(t testing.TB) (dsn string) {
	t.Helper()
	root := Endpoint(t, "MARIADB_ROOT_URL")
	name := strings.ReplaceAll(UniqueName("t"), "-", "_")
	db := rootDB(t, root)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db := rootDB(t, root)
		defer db.Close()
		db.Exec("DROP DATABASE IF EXISTS `" + name + "`")
	})
	return strings.TrimSuffix(root, "/") + "/" + name
}

// rootDB opens mysql://root:PW@HOST:PORT/ with the Go driver.
func rootDB(t testing.TB, rootURL string) *sql.DB {
	t.Helper()
	rest := strings.TrimPrefix(rootURL, "mysql://")
	cred, hostPath, _ := strings.Cut(rest, "@")
	user, pw, _ := strings.Cut(cred, ":")
	host := strings.TrimSuffix(hostPath, "/")
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr = user, pw, "tcp", host
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sql.OpenDB(conn)
}
