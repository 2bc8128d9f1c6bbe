package flexisipdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
)

var _ flexisip.Target = (*DB)(nil)

// DB is Flexisip's database.
type DB struct {
	db *sql.DB
	// where names the server without its credentials, for messages.
	where string

	mu     sync.Mutex
	schema bool // EnsureSchema has succeeded
}

// Settings of every connection: strict mode (a value too wide is an
// error, never silently cut), UTC (the datetime columns hold UTC, as
// FlexiAPI writes them), FlexiAPI's collation, and bounded waits.
const (
	connectTimeout = 5 * time.Second
	ioTimeout      = 30 * time.Second
)

func init() {
	// The driver's own log lines (a dropped idle connection...) go through
	// slog as JSON, like every other line. They carry no credentials.
	_ = mysql.SetLogger(driverLogger{})
}

type driverLogger struct{}

func (driverLogger) Print(v ...any) {
	slog.Warn("mysql driver", "detail", strings.TrimSpace(fmt.Sprint(v...)))
}

// ParseDSN reads a database URL, mysql://USER:PASS@HOST[:PORT]/DB (port
// 3306 by default; ?tls=true|skip-verify|preferred passes to the driver).
// Its errors never repeat the URL: it holds a password.
func ParseDSN(dsn string) (*mysql.Config, error) {
	const form = "mysql://USER:PASSWORD@HOST:PORT/DATABASE"
	if !strings.HasPrefix(dsn, "mysql://") {
		return nil, fmt.Errorf("the database URL must have the form %s", form)
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" || u.User == nil || u.User.Username() == "" {
		return nil, fmt.Errorf("the database URL is not of the form %s (special characters of the password must be percent-encoded)", form)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return nil, fmt.Errorf("the database URL names no database: %s", form)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "3306"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("the database URL's port is not a number: %s", form)
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = net.JoinHostPort(host, port)
	cfg.DBName = db
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_unicode_ci"
	cfg.Timeout = connectTimeout
	cfg.ReadTimeout = ioTimeout
	cfg.WriteTimeout = ioTimeout
	cfg.Params = map[string]string{
		"sql_mode":  "'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
		"time_zone": "'+00:00'",
	}
	for k, v := range u.Query() {
		switch k {
		case "tls":
			cfg.TLSConfig = v[0]
		default:
			return nil, fmt.Errorf("the database URL has an unknown parameter %q (only tls is read)", k)
		}
	}
	return cfg, nil
}

// Where names a database URL's server and database, without credentials.
func Where(cfg *mysql.Config) string { return cfg.User + "@" + cfg.Addr + "/" + cfg.DBName }

// Open prepares a connection pool (it connects on first use; Ping checks).
func Open(dsn string) (*DB, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("the Flexisip database %s: %s", Where(cfg), clean(err))
	}
	db := sql.OpenDB(conn)
	// A function runs one batch at a time; the CLI's rebuild is sequential.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(2)
	db.SetConnMaxLifetime(5 * time.Minute)
	return &DB{db: db, where: Where(cfg)}, nil
}

// Close closes the pool.
func (d *DB) Close() error { return d.db.Close() }

// Where names the server and database (no credentials).
func (d *DB) Where() string { return d.where }

// Ping connects once: a clear error for a wrong DSN or an unreachable
// server.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.db.PingContext(ctx); err != nil {
		return d.fail("cannot connect", err)
	}
	return nil
}

// EnsureSchema creates the three tables where they are missing and adds
// `phone` to a FlexiAPI `accounts` table that lacks it. Idempotent; Apply
// runs it once per DB first.
func (d *DB) EnsureSchema(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ensureSchema(ctx); err != nil {
		return err
	}
	d.schema = true
	return nil
}

func (d *DB) schemaOnce(ctx context.Context) error {
	d.mu.Lock()
	done := d.schema
	d.mu.Unlock()
	if done {
		return nil
	}
	return d.EnsureSchema(ctx)
}

func (d *DB) ensureSchema(ctx context.Context) error {
	for _, stmt := range createTables {
		if _, err := d.db.ExecContext(ctx, stmt); err != nil {
			return d.fail("create the tables", err)
		}
	}
	var n int
	err := d.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' AND COLUMN_NAME = 'phone'").Scan(&n)
	if err != nil {
		return d.fail("read the accounts table's columns", err)
	}
	if n == 0 {
		if _, err := d.db.ExecContext(ctx, addPhone); err != nil {
			return d.fail("add accounts.phone", err)
		}
	}
	return nil
}

// fail words a database error for a person (one line, no credentials) and
// marks it flexisip.ErrUnavailable when the database cannot be used at
// all (down, unreachable, or refusing these credentials or database),
// which makes the sync wait rather than give the change up.
func (d *DB) fail(what string, err error) error {
	msg := fmt.Sprintf("the Flexisip database %s: %s: %s", d.where, what, clean(err))
	if Unavailable(err) {
		return &unavailable{msg: msg, err: err}
	}
	return &dbError{msg: msg, err: err}
}

type unavailable struct {
	msg string
	err error
}

func (e *unavailable) Error() string { return e.msg }
func (e *unavailable) Unwrap() []error {
	return []error{flexisip.ErrUnavailable, e.err}
}

type dbError struct {
	msg string
	err error
}

func (e *dbError) Error() string { return e.msg }
func (e *dbError) Unwrap() error { return e.err }

// MySQL error numbers that mean "this database cannot be used now".
var unavailableCodes = map[uint16]bool{
	1040: true, // too many connections
	1044: true, // access denied to the database
	1045: true, // access denied for the user (wrong password)
	1049: true, // unknown database
	1053: true, // server shutdown in progress
	1205: true, // lock wait timeout
	1213: true, // deadlock (after our own retries)
	1927: true, // connection killed
}

// Unavailable reports whether err means the database cannot be used at
// the moment, as opposed to a problem with the data written.
func Unavailable(err error) bool {
	var me *mysql.MySQLError
	var ne net.Error
	switch {
	case err == nil:
		return false
	case errors.As(err, &me):
		return unavailableCodes[me.Number]
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.As(err, &ne):
		return true
	}
	return false
}

// clean is a driver error in one line.
func clean(err error) string {
	s := err.Error()
	s = strings.ReplaceAll(s, "\n", " ")
	return s
}

// retryable is a transaction conflict worth an immediate retry.
func retryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}
