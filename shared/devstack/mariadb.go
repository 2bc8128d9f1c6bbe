package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MariaDB is a real MariaDB server (Debian's mariadb-server) standing in
// for the database Flexisip authenticates from: the projection's target
// in `make run` and the tests, and the source FlexiAPI databases of the
// import tests. Data lives in a scratch directory removed on Close.
type MariaDB struct {
	Port int
	// RootURL reaches the server as root (tests create databases with it).
	RootURL string
	// URL is the projection database, as its own user:
	// mysql://flexisip:PASS@127.0.0.1:PORT/flexisip.
	URL string

	cmd     *exec.Cmd
	server  string
	args    []string
	logs    io.Writer
	dataDir string
	rootPW  string
}

// MariaDBOptions configure StartMariaDB.
type MariaDBOptions struct {
	// Port to listen on; 0 picks a free one.
	Port int
	// TimeZone is the server's default session time zone ("+02:00"); ""
	// keeps the system's.
	TimeZone string
	// Dir holds the data directory; "" uses a fresh temporary directory.
	// A Dir that already holds a data directory is reused as is.
	Dir string
	// Logs receives the server's output (default: discarded).
	Logs io.Writer
}

// Database and user of the projection, created at start.
const (
	MariaDBDatabase = "flexisip"
	MariaDBUser     = "flexisip"
)

// StartMariaDB initialises a data directory (when new), starts mariadbd on
// loopback, and creates the projection's database and user. The server
// runs in its own process group and dies with its parent.
func StartMariaDB(ctx context.Context, o MariaDBOptions) (*MariaDB, error) {
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	server, err := exec.LookPath("mariadbd")
	if err != nil {
		if server, err = lookSbin("mariadbd"); err != nil {
			return nil, errors.New("mariadbd not found: install Debian's mariadb-server package (the Makefile's APT_PACKAGES)")
		}
	}
	installDB, err := exec.LookPath("mariadb-install-db")
	if err != nil {
		return nil, errors.New("mariadb-install-db not found: install Debian's mariadb-server package")
	}
	port, err := freePort(o.Port)
	if err != nil {
		return nil, err
	}
	m := &MariaDB{Port: port}
	dir := o.Dir
	scratch := dir == ""
	if scratch {
		if dir, err = os.MkdirTemp("", "mariadb-"); err != nil {
			return nil, err
		}
	} else if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if scratch {
		m.dataDir = dir
	}
	data := filepath.Join(dir, "data")
	// Each server its own temporary directory: two servers sharing /tmp
	// (parallel test packages) can collide on their temporary tables'
	// file names.
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		m.Close()
		return nil, err
	}
	fresh := false
	if _, err := os.Stat(filepath.Join(data, "mysql")); err != nil {
		fresh = true
		if err := os.MkdirAll(data, 0o755); err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, installDB, "--no-defaults", "--datadir="+data, "--tmpdir="+tmp, "--auth-root-authentication-method=normal",
			"--skip-test-db", "--skip-name-resolve")
		if os.Geteuid() == 0 {
			cmd.Args = append(cmd.Args, "--user=root")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			m.Close()
			return nil, fmt.Errorf("mariadb-install-db: %v\n%s", err, out)
		}
	}
	args := []string{"--no-defaults", "--datadir=" + data, "--tmpdir=" + tmp, "--port=" + strconv.Itoa(port), "--bind-address=127.0.0.1",
		"--socket=" + filepath.Join(dir, "mariadb.sock"), "--pid-file=" + filepath.Join(dir, "mariadb.pid"),
		"--skip-name-resolve", "--skip-log-bin", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
		// Small and quick: a developer's and a test's server.
		"--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M", "--innodb-flush-log-at-trx-commit=2",
		"--performance-schema=OFF"}
	if o.TimeZone != "" {
		args = append(args, "--default-time-zone="+o.TimeZone)
	}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	m.server, m.args, m.logs = server, args, o.Logs
	if err := m.start(ctx); err != nil {
		m.Close()
		return nil, err
	}
	// The root password is set on a fresh directory and kept beside it, so
	// that `make run` finds its server again after a restart.
	pwFile := filepath.Join(dir, "root-password")
	if fresh {
		rootPW, userPW := randomHex(12), randomHex(12)
		sql := fmt.Sprintf("ALTER USER 'root'@'localhost' IDENTIFIED BY '%s'; "+
			"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '%s'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; "+
			"CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; "+
			"CREATE USER '%s'@'%%' IDENTIFIED BY '%s'; GRANT ALL ON %s.* TO '%s'@'%%'; FLUSH PRIVILEGES;",
			rootPW, rootPW, MariaDBDatabase, MariaDBUser, userPW, MariaDBDatabase, MariaDBUser)
		if err := m.Exec(ctx, "", sql); err != nil { // as root, no password yet
			m.Close()
			return nil, err
		}
		if err := os.WriteFile(pwFile, []byte(rootPW+"\n"+userPW+"\n"), 0o600); err != nil {
			m.Close()
			return nil, err
		}
	}
	pws, err := os.ReadFile(pwFile)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("%s: %w (remove %s to start afresh)", pwFile, err, dir)
	}
	lines := strings.Fields(string(pws))
	if len(lines) != 2 {
		m.Close()
		return nil, fmt.Errorf("%s is not two passwords (remove %s to start afresh)", pwFile, dir)
	}
	m.rootPW = lines[0]
	m.RootURL = fmt.Sprintf("mysql://root:%s@127.0.0.1:%d/", lines[0], port)
	m.URL = fmt.Sprintf("mysql://%s:%s@127.0.0.1:%d/%s", MariaDBUser, lines[1], port, MariaDBDatabase)
	return m, nil
}

// Exec runs SQL statements as root through the mariadb client (for tests
// that stop, break or inspect the server without a Go driver).
func (m *MariaDB) Exec(ctx context.Context, database, sql string) error {
	_, err := m.run(ctx, database, sql)
	return err
}

// Query runs SQL as root and returns the client's tab-separated rows,
// without the header line.
func (m *MariaDB) Query(ctx context.Context, database, sql string) (string, error) {
	return m.run(ctx, database, sql)
}

func (m *MariaDB) run(ctx context.Context, database, sql string) (string, error) {
	bin, err := exec.LookPath("mariadb")
	if err != nil {
		return "", errors.New("mariadb (the client) not found: install Debian's mariadb-server package")
	}
	args := []string{"--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", strconv.Itoa(m.Port), "-u", "root", "--batch", "--skip-column-names"}
	if m.rootPW != "" {
		args = append(args, "--password="+m.rootPW)
	}
	if database != "" {
		args = append(args, database)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(sql)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("mariadb: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// Stop kills the server and waits for it (its data stays; Restart brings it
// back on the same port). Tests use it to simulate an outage.
func (m *MariaDB) Stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		m.cmd.Wait()
	}
	m.cmd = nil
}

// Restart starts a stopped server again, on the same port and data.
func (m *MariaDB) Restart(ctx context.Context) error {
	if m.cmd != nil {
		return errors.New("mariadb is running")
	}
	return m.start(ctx)
}

func (m *MariaDB) start(ctx context.Context) error {
	cmd := exec.Command(m.server, m.args...)
	cmd.Stdout = prefixWriter(m.logs, "mariadb")
	cmd.Stderr = prefixWriter(m.logs, "mariadb")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start mariadbd: %w", err)
	}
	m.cmd = cmd
	if err := waitTCP(ctx, fmt.Sprintf("127.0.0.1:%d", m.Port), 60*time.Second); err != nil {
		return fmt.Errorf("mariadbd did not start: %w", err)
	}
	// An open port is not a server that answers yet: on a loaded machine
	// the first handshakes can be dropped (ERROR 2013). Ready is a query
	// that runs.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := m.run(ctx, "", "SELECT 1")
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("mariadbd does not answer: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Close stops the server and removes a scratch data directory.
func (m *MariaDB) Close() {
	m.Stop()
	if m.dataDir != "" {
		os.RemoveAll(m.dataDir)
	}
}

func lookSbin(name string) (string, error) {
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", os.ErrNotExist
}

func waitTCP(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %v", addr, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
