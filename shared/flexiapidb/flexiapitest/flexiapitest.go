// Package flexiapitest builds FlexiAPI d231625 databases on a MariaDB
// server, for the import's tests and `make bench`: d231625's 31 tables
// (the CREATE statements of the schema contract, kept in d231625.sql),
// its migrations table, and generated rows.
package flexiapitest

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb"
)

// Schema is d231625's CREATE TABLE statements, in an order that
// satisfies the foreign keys.
//
//go:embed d231625.sql
var Schema string

// Statements are the CREATE TABLE statements of Schema, without comments.
func Statements() []string {
	var out []string
	for _, s := range strings.Split(Schema, ";") {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "--") {
				lines = append(lines, l)
			}
		}
		if s := strings.TrimSpace(strings.Join(lines, "\n")); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Open connects to a mysql:// URL for test setup (as the server's
// default session time zone, like FlexiAPI).
func Open(rawURL string) (*sql.DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", u.Host, strings.TrimPrefix(u.Path, "/")
	cfg.MultiStatements = true
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(conn), nil
}

// Create makes the database name on the server that rootURL reaches as
// root (mysql://root:PASS@HOST:PORT/), with d231625's tables and its 41
// migrations. It returns the database's URL and a connection to it.
func Create(ctx context.Context, rootURL, name string) (string, *sql.DB, error) {
	root, err := Open(rootURL)
	if err != nil {
		return "", nil, err
	}
	defer root.Close()
	if _, err := root.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	dbURL := strings.TrimSuffix(rootURL, "/") + "/" + name
	db, err := Open(dbURL)
	if err != nil {
		return "", nil, err
	}
	for _, stmt := range Statements() {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return "", nil, fmt.Errorf("%s: %w", strings.SplitN(stmt, "\n", 2)[0], err)
		}
	}
	if err := Migrate(ctx, db, flexiapidb.Migrations); err != nil {
		db.Close()
		return "", nil, err
	}
	return dbURL, db, nil
}

// Migrate records migrations as run (one batch), as `php artisan migrate`.
func Migrate(ctx context.Context, db *sql.DB, names []string) error {
	for _, m := range names {
		if _, err := db.ExecContext(ctx, "INSERT INTO migrations (migration, batch) VALUES (?, 1)", m); err != nil {
			return fmt.Errorf("record migration %s: %w", m, err)
		}
	}
	return nil
}

// Drop removes a database made by Create.
func Drop(ctx context.Context, rootURL, name string) error {
	root, err := Open(rootURL)
	if err != nil {
		return err
	}
	defer root.Close()
	_, err = root.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`")
	return err
}

// HA1 is FlexiAPI's passwords.password: lowercase hex of
// H(username:realm:password), computed here without the server's code.
func HA1(algorithm, username, realm, password string) string {
	s := username + ":" + realm + ":" + password
	if algorithm == "MD5" {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
