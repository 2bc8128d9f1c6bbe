//go:build integration

package e2e

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/localesm"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// Flexisip's stock queries, verbatim (its SOCI parameters :id, :domain,
// :phone; :phones is pasted as text, as Flexisip does).
const (
	queryFlexiAPIEra   = "select password, algorithm from passwords join accounts on passwords.account_id = accounts.id where accounts.username = :id and accounts.domain = :domain"
	query25Password    = "select password, algorithm from passwords where account_id = (select id from accounts where username = :id and domain = :domain and activated = true)"
	query25UserByPhone = "select username from accounts where activated = true and (username = :phone or phone = :phone)"
	query25UsersPhones = "select username, domain from accounts where activated = true and (username in (:phones) or phone in (:phones));"
)

// projEnv is a deployment with the projection for Flexisip: the table's
// stream feeds the real flexisip-sync bootstrap through the local event
// source mapping, into a fresh database on the MariaDB of `make test`.
type projEnv struct {
	*env
	dsn  string
	sql  *sql.DB
	sync *devstack.FlexisipProjection
}

func newProjectionEnv(t *testing.T, vars map[string]string, settings localesm.Settings) *projEnv {
	t.Helper()
	return newProjectionEnvOn(t, testenv.SQLDatabase(t), vars, settings)
}

// newProjectionEnvOn is newProjectionEnv on a given database.
func newProjectionEnvOn(t *testing.T, dsn string, vars map[string]string, settings localesm.Settings) *projEnv {
	t.Helper()
	e := newEnv(t, vars)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The tables exist before the first change, as make run creates them.
	fdb, err := flexisipdb.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer fdb.Close()
	if err := fdb.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	arn, err := e.st.StreamARN(ctx)
	if err != nil || arn == "" {
		t.Fatalf("the table has no stream: %q %v", arn, err)
	}
	sync, err := devstack.StartFlexisipSync(ctx, devstack.FlexisipSyncOptions{
		Bootstrap: bootstraps[devstack.FlexisipSync],
		Env:       []string{"FLEXIAPI_TABLE=" + e.st.Table(), "APP_SIP_DOMAIN=" + domain, "FLEXISIP_SQL_DSN=" + dsn},
		StreamARN: arn, QueueName: e.st.Table() + "-failures", Settings: settings,
		Logger: logging.NewTo(e.logs, "localesm"), Output: e.logs,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sync.Close)
	cfg, err := flexisipdb.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { db.Close() })
	return &projEnv{env: e, dsn: dsn, sql: db, sync: sync}
}

// flexisip runs one of Flexisip's queries with its named parameters.
func (p *projEnv) flexisip(query string, params map[string]string) [][]string {
	p.t.Helper()
	var args []any
	q := query
	if phones, ok := params[":phones"]; ok {
		q = strings.ReplaceAll(q, ":phones", phones)
	}
	for {
		i := strings.Index(q, ":")
		if i < 0 {
			break
		}
		j := i + 1
		for j < len(q) && (q[j] >= 'a' && q[j] <= 'z') {
			j++
		}
		name := q[i:j]
		v, ok := params[name]
		if !ok {
			p.t.Fatalf("query %q: no value for %s", query, name)
		}
		args = append(args, v)
		q = q[:i] + "?" + q[j:]
	}
	rows, err := p.sql.Query(q, args...)
	if err != nil {
		p.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			p.t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out
}

// eventually polls cond until it holds (the projection is asynchronous:
// within seconds) or fails with what it last saw.
func (p *projEnv) eventually(what string, cond func() (bool, string)) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, seen := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: still %s after 20 s\nlogs:\n%s", what, seen, p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// expectPasswords waits until both of Flexisip's password queries (the
// FlexiAPI-era join and 2.5's default) return exactly want (algorithm →
// HA1; empty: no row) for username.
func (p *projEnv) expectPasswords(username string, want map[string]string) {
	p.t.Helper()
	params := map[string]string{":id": username, ":domain": domain}
	p.eventually("passwords of "+username, func() (bool, string) {
		seen := ""
		ok := true
		for _, q := range []string{queryFlexiAPIEra, query25Password} {
			rows := p.flexisip(q, params)
			got := map[string]string{}
			for _, r := range rows {
				got[r[1]] = r[0]
			}
			ok = ok && fmt.Sprint(got) == fmt.Sprint(want) && len(rows) == len(want)
			seen += fmt.Sprint(rows)
		}
		return ok, seen
	})
}

// ha1 is FlexiAPI's stored hash: H(username:realm:password), lower hex.
func ha1(algorithm, username, realm, password string) string {
	in := []byte(username + ":" + realm + ":" + password)
	if algorithm == "MD5" {
		s := md5.Sum(in)
		return hex.EncodeToString(s[:])
	}
	s := sha256.Sum256(in)
	return hex.EncodeToString(s[:])
}
