//go:build integration

package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// TestFlexisipSyncRebuild: next to make run (its .local/functions.json,
// which holds FLEXISIP_SQL_DSN), -rebuild fills empty tables, then finds a
// hand-made drift (-dry-run reports it and writes nothing), restores it,
// and a second run finds nothing. A wrong or unreachable database is one
// line on standard error, exit 1, without the password.
func TestFlexisipSyncRebuild(t *testing.T) {
	ctx := context.Background()
	st := testenv.Table(t)
	dsn := testenv.SQLDatabase(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"APP_KEY": "test", "FLEXIAPI_TABLE": st.Table(), "APP_SIP_DOMAIN": "cli.example.org"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(st, cfg)
	var ids []int64
	for _, name := range []string{"alice1", "bobby2", "carol3", "dave44"} {
		a, _, err := svc.EnsureAdmin(ctx, name, "cli.example.org", "pass-"+name, "SHA-256")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}

	bin := filepath.Join(t.TempDir(), "flexiapi-admin")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".local"), 0o755)
	writeLocal := func(dsn string) {
		vars := map[string]string{
			"AWS_ENDPOINT_URL_DYNAMODB": testenv.Endpoint(t, "AWS_ENDPOINT_URL_DYNAMODB"), "AWS_ACCESS_KEY_ID": "local",
			"AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "us-east-1", "FLEXIAPI_TABLE": st.Table(),
			"APP_SIP_DOMAIN": "cli.example.org", "FLEXISIP_SQL_DSN": dsn,
		}
		b, _ := json.Marshal(vars)
		if err := os.WriteFile(filepath.Join(dir, LocalEnvFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeLocal(dsn)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "FLEXI") && !strings.HasPrefix(kv, "APP_") {
			env = append(env, kv)
		}
	}
	cli := func(args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		if x, ok := err.(*exec.ExitError); ok {
			code = x.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return o.String(), e.String(), code
	}

	out, errOut, code := cli("flexisip-sync", "-rebuild")
	if code != 0 || !strings.Contains(out, "checked 4 accounts: 4 drifted (4 missing, 0 changed, 0 extra), 4 fixed, 0 not fixed") {
		t.Fatalf("first rebuild (%d):\n%s\n%s", code, out, errOut)
	}

	// Hand-made drift.
	pcfg, _ := flexisipdb.ParseDSN(dsn)
	conn, _ := mysql.NewConnector(pcfg)
	db := sql.OpenDB(conn)
	defer db.Close()
	for _, q := range []string{
		fmt.Sprintf("UPDATE passwords SET password = '%s' WHERE account_id = %d", strings.Repeat("0", 64), ids[0]),
		fmt.Sprintf("UPDATE accounts SET blocked = 1 WHERE id = %d", ids[1]),
		fmt.Sprintf("DELETE FROM accounts WHERE id = %d", ids[2]),
		"INSERT INTO accounts (id, username, domain, ip_address, user_agent, created_at) VALUES (99999, 'ghost1', 'cli.example.org', '', '', NOW())",
		"INSERT INTO passwords (account_id, password, algorithm) VALUES (99999, 'x', 'MD5')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	snapshot := func() string {
		var s string
		db.QueryRow("SELECT CONCAT((SELECT GROUP_CONCAT(CONCAT(id, username, blocked) ORDER BY id) FROM accounts), '|', " +
			"(SELECT GROUP_CONCAT(CONCAT(account_id, algorithm, password) ORDER BY id) FROM passwords))").Scan(&s)
		return s
	}
	before := snapshot()
	out, errOut, code = cli("flexisip-sync", "-rebuild", "-dry-run")
	for _, want := range []string{
		fmt.Sprintf("account %d: changed (passwords (SHA-256 differs))", ids[0]),
		fmt.Sprintf("account %d: changed (blocked)\n", ids[1]),
		fmt.Sprintf("account %d: missing", ids[2]),
		"account 99999: extra",
		"checked 4 accounts: 4 drifted (1 missing, 2 changed, 1 extra)\n",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("dry run (%d) lacks %q:\n%s\n%s", code, want, out, errOut)
		}
	}
	if strings.Contains(out, strings.Repeat("0", 64)) {
		t.Fatal("the report shows a password hash")
	}
	if snapshot() != before {
		t.Fatal("the dry run wrote")
	}
	out, errOut, code = cli("flexisip-sync", "-rebuild")
	if code != 0 || !strings.Contains(out, "4 drifted (1 missing, 2 changed, 1 extra), 4 fixed, 0 not fixed") || strings.Count(out, ": fixed") != 4 {
		t.Fatalf("rebuild (%d):\n%s\n%s", code, out, errOut)
	}
	out, _, code = cli("flexisip-sync", "-rebuild")
	if code != 0 || !strings.Contains(out, "checked 4 accounts: 0 drifted") {
		t.Fatalf("second rebuild (%d):\n%s", code, out)
	}

	// Bad input: one line, exit 1 (usage: 2), never the password.
	secret := pcfg.Passwd
	for name, bad := range map[string]string{
		"closed port":      strings.Replace(dsn, pcfg.Addr, "127.0.0.1:1", 1),
		"unknown host":     strings.Replace(dsn, pcfg.Addr, "no-such-host.invalid:3306", 1),
		"wrong password":   strings.Replace(dsn, ":"+secret+"@", ":wrong-"+secret+"@", 1),
		"not a URL":        "flexisip:" + secret + "@tcp(127.0.0.1)/flexisip",
		"unknown database": dsn + "_nope",
	} {
		writeLocal(bad)
		_, errOut, code := cli("flexisip-sync", "-rebuild")
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		last := lines[len(lines)-1]
		if code != 1 || !strings.HasPrefix(last, "flexiapi-admin flexisip-sync: ") || strings.Contains(errOut, secret) ||
			len(lines) > 2 { // the line saying the local stack is used, then the error
			t.Fatalf("%s: exit %d, stderr:\n%s", name, code, errOut)
		}
	}
	if _, _, code := cli("flexisip-sync"); code != 2 {
		t.Fatalf("without -rebuild: exit %d", code)
	}
}
