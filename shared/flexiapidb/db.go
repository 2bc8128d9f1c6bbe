// Package flexiapidb reads a FlexiAPI database (MySQL or MariaDB) at the
// schema of FlexiAPI d231625: the only package that speaks SQL to it. It
// checks the source before anything is read, then hands rows to the
// importer as plain Go values (importer.Source); it never writes.
//
// Time columns follow FlexiAPI's own rule: the connection keeps the
// server's default session time zone (FlexiAPI never sets one), so a
// `timestamp` column reads back as the UTC text FlexiAPI wrote, and a
// `datetime` column is verbatim UTC. Both are parsed as UTC.
package flexiapidb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// DB is an open FlexiAPI database.
type DB struct {
	db *sql.DB
	// where names the database without its credentials, for messages.
	where string
}

// Example is the form of a source URL, for messages and help.
const Example = "mysql://USER:PASS@HOST:PORT/DB"

// quiet drops the driver's own log lines: every failure reaches the
// caller as an error, said once.
type quiet struct{}

func (quiet) Print(...any) {}

// Open parses a mysql://USER:PASS@HOST:PORT/DB URL (query parameters are
// the driver's, e.g. ?tls=true) and prepares a connection pool. It does
// not connect: Check does.
func Open(rawURL string) (*DB, error) {
	cfg, where, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg.Logger = quiet{}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 5 * time.Minute
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	return &DB{db: db, where: where}, nil
}

// Close closes the pool.
func (d *DB) Close() error { return d.db.Close() }

// Where is the database's address and name, without credentials.
func (d *DB) Where() string { return d.where }

// parseURL turns the URL into the driver's configuration. Its errors
// never repeat the password.
func parseURL(raw string) (*mysql.Config, string, error) {
	bad := func(why string) error {
		return fmt.Errorf("the source %q is not a MySQL URL (%s): want %s", redact(raw), why, Example)
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.Contains(raw, "://") {
		return nil, "", bad("not a URL")
	}
	if u.Scheme != "mysql" {
		return nil, "", bad("scheme " + strings.TrimSpace(u.Scheme+":") + " instead of mysql:")
	}
	if u.Host == "" || u.User == nil || u.User.Username() == "" {
		return nil, "", bad("no user or host")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.Contains(name, "/") {
		return nil, "", bad("no database name")
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "3306")
	}
	// Query parameters are the driver's own (tls, charset, timeouts, ...):
	// its DSN parser knows and validates them.
	cfg := mysql.NewConfig()
	if u.RawQuery != "" {
		if cfg, err = mysql.ParseDSN("/?" + u.RawQuery); err != nil {
			return nil, "", bad(strings.TrimPrefix(err.Error(), "invalid DSN: "))
		}
		if cfg.Loc != time.UTC || cfg.ParseTime {
			return nil, "", bad("loc and parseTime are not supported: times are read as FlexiAPI wrote them")
		}
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", host, name
	for p := range cfg.Params {
		if strings.EqualFold(p, "time_zone") {
			return nil, "", bad("time_zone must not be set: timestamps are read in the server's default session time zone, as FlexiAPI wrote them")
		}
	}
	return cfg, fmt.Sprintf("%s/%s", host, name), nil
}

// redact hides the credentials of a URL (or of anything with an @), for
// messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil && u.Host != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	start := 0
	if j := strings.Index(raw, "://"); j >= 0 && j < at {
		start = j + 3
	}
	return raw[:start] + "…" + raw[at:]
}

// connectError says why the server could not be used, in one line.
func (d *DB) connectError(err error) error {
	var me *mysql.MySQLError
	var ne net.Error
	switch {
	case errors.As(err, &me) && me.Number == 1045:
		return fmt.Errorf("the FlexiAPI database at %s refused the credentials: %s", d.where, me.Message)
	case errors.As(err, &me) && me.Number == 1049:
		return fmt.Errorf("the FlexiAPI database at %s does not exist: %s", d.where, me.Message)
	case errors.As(err, &me):
		return fmt.Errorf("the FlexiAPI database at %s: %s", d.where, me.Message)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("cannot reach the FlexiAPI database at %s: no answer within %s", d.where, connectTimeout)
	default:
		return fmt.Errorf("cannot reach the FlexiAPI database at %s: %v", d.where, err)
	}
}

const connectTimeout = 15 * time.Second
