//go:build integration

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb/flexiapitest"
)

// The FlexiAPI database of the import test: accounts in two domains with
// MD5, SHA-256 and clear-text passwords (and two algorithms on one
// account), phone aliases, admins, API keys (one is the statistics
// client's), types, actions, a dictionary, contacts, a contacts list,
// pending changes, an activation expiration, a tombstone, non-ASCII
// display names; two accounts collide with what the table holds already
// (the deployment's admin, id 1). Times are written, as FlexiAPI does,
// without a session time zone on a server whose default is +05:30.
const other = "other.example.org"

type importedAccount struct {
	id                 int64
	username, domain   string
	password, alg      string // alg "" : password is clear text (CLRTXT)
	extraMD5           bool   // also an MD5 row (two algorithms)
	apiKey             string
	blocked, admin     bool
	expectedAdminShown string // GET /api/accounts/{id} as FlexiAPI shows it (the admin view: no passwords nor admin)
}

func importFixture(now time.Time) (sql []string, accounts []importedAccount) {
	ts := func(d time.Duration) string { return now.Add(d).UTC().Format(time.DateTime) }
	ha1 := flexiapitest.HA1
	accounts = []importedAccount{
		{id: 7, username: "alice", domain: domain, password: "alice-pass", alg: "SHA-256", apiKey: "alice-api-key-0123456789abcdefghijklmnop", admin: true,
			expectedAdminShown: `{"id":7,"username":"alice","domain":"sip.example.org","email":"alice@example.org","activated":true,"confirmation_key":null,
			"ip_address":"192.0.2.7","user_agent":"Linphone/5.1","created_at":"2022-11-30T10:20:30.000000Z","display_name":"Zoë Ünïcødé 日本",
			"dtmf_protocol":"sipinfo","updated_at":"2023-12-01T11:22:33.000000Z","blocked":false,"realm":null,"phone":"+33612345678",
			"confirmation_key_expires":null,"provisioning_token":"alicetoken123","dictionary":{"theme":"dark","lang":"fr"},
			"activation_expiration":null,"email_change_code":null,"types":[{"id":5,"key":"phone"}],"actions":[{"id":40,"key":"1","code":"open"}]}`},
		{id: 12, username: "bob", domain: domain, password: "bob-pass", alg: "MD5",
			expectedAdminShown: `{"id":12,"username":"bob","domain":"sip.example.org","email":"bob@example.org","activated":true,"confirmation_key":null,
			"ip_address":"192.0.2.12","user_agent":"FlexiAPI","created_at":"2021-05-06T07:08:09.000000Z","display_name":"Bob Ørsted",
			"dtmf_protocol":null,"updated_at":"2021-05-06T07:08:09.000000Z","blocked":false,"realm":null,"phone":"+33600000001",
			"confirmation_key_expires":null,"provisioning_token":null,"dictionary":{},"activation_expiration":null,
			"email_change_code":{"email":"bob-new@example.org","created_at":"2024-01-05T06:07:08.000000Z","updated_at":"2024-01-05T06:07:08.000000Z","ip":null,"user_agent":null},
			"types":[],"actions":[]}`},
		{id: 13, username: "carol", domain: domain, password: "carol-pass",
			expectedAdminShown: `{"id":13,"username":"carol","domain":"sip.example.org","email":null,"activated":true,"confirmation_key":"carolkey12345",
			"ip_address":"192.0.2.13","user_agent":"FlexiAPI","created_at":"2020-02-03T04:05:06.000000Z","display_name":null,
			"dtmf_protocol":null,"updated_at":"2020-02-03T04:05:06.000000Z","blocked":false,"realm":null,"phone":null,
			"confirmation_key_expires":"2030-01-01 00:00:00","provisioning_token":null,"dictionary":{},
			"activation_expiration":{"id":3,"account_id":13,"expires":"2030-01-01 00:00:00","created_at":"2024-01-01T00:00:00.000000Z","updated_at":"2024-01-02T00:00:00.000000Z"},
			"email_change_code":null,"types":[],"actions":[]}`},
		{id: 20, username: "dave", domain: other, password: "dave-pass", alg: "SHA-256", extraMD5: true,
			expectedAdminShown: `{"id":20,"username":"dave","domain":"other.example.org","email":null,"activated":true,"confirmation_key":null,
			"ip_address":"192.0.2.20","user_agent":"FlexiAPI","created_at":"2023-03-04T05:06:07.000000Z","display_name":"Dávid",
			"dtmf_protocol":"rfc2833","updated_at":"2023-03-04T05:06:07.000000Z","blocked":false,"realm":null,"phone":"+4915100000020",
			"confirmation_key_expires":null,"provisioning_token":null,"dictionary":{},"activation_expiration":null,"email_change_code":null,
			"types":[{"id":3,"key":"device_audio_intercom"}],"actions":[]}`},
		{id: 21, username: "eve", domain: domain, password: "eve-pass", alg: "SHA-256", blocked: true},
		{id: 31, username: "flexisip", domain: domain, password: "flexisip-pass", alg: "SHA-256", apiKey: "no_secret_at_all", admin: true},
	}
	sql = []string{
		"INSERT INTO account_types (id, `key`, created_at, updated_at) VALUES (3, 'device_audio_intercom', '2022-01-01 00:00:00', '2022-01-01 00:00:00'), (5, 'phone', NULL, NULL)",
		"INSERT INTO contacts_lists (id, title, description, created_at, updated_at) VALUES (2, 'Friends', 'Close ones', '2023-02-02 02:02:02', '2023-02-02 02:02:02')",
		// id 1 is the deployment's admin in the table; "admin" its SIP identity.
		"INSERT INTO accounts (id, username, domain, email, activated, confirmation_key, ip_address, user_agent, created_at, display_name, dtmf_protocol, updated_at, blocked) VALUES " +
			"(1, 'root', 'sip.example.org', NULL, 1, NULL, '192.0.2.1', 'FlexiAPI', '2020-01-01 00:00:00', NULL, NULL, NULL, 0), " +
			"(7, 'alice', 'sip.example.org', 'alice@example.org', 1, NULL, '192.0.2.7', 'Linphone/5.1', '2022-11-30 10:20:30', 'Zoë Ünïcødé 日本', 'sipinfo', '2023-12-01 11:22:33', 0), " +
			"(12, 'bob', 'sip.example.org', 'bob@example.org', 1, NULL, '192.0.2.12', 'FlexiAPI', '2021-05-06 07:08:09', 'Bob Ørsted', NULL, '2021-05-06 07:08:09', 0), " +
			"(13, 'carol', 'sip.example.org', NULL, 1, 'carolkey12345', '192.0.2.13', 'FlexiAPI', '2020-02-03 04:05:06', NULL, NULL, NULL, 0), " +
			"(20, 'dave', 'other.example.org', NULL, 1, NULL, '192.0.2.20', 'FlexiAPI', '2023-03-04 05:06:07', 'Dávid', 'rfc2833', '2023-03-04 05:06:07', 0), " +
			"(21, 'eve', 'sip.example.org', NULL, 1, NULL, '192.0.2.21', 'FlexiAPI', '2023-03-04 05:06:07', NULL, NULL, NULL, 1), " +
			"(30, 'admin', 'sip.example.org', NULL, 1, NULL, '192.0.2.30', 'FlexiAPI', '2023-03-04 05:06:07', NULL, NULL, NULL, 0), " +
			"(31, 'flexisip', 'sip.example.org', NULL, 1, NULL, '192.0.2.31', 'FlexiAPI', '2023-03-04 05:06:07', 'Flexisip statistics', NULL, NULL, 0)",
		fmt.Sprintf("INSERT INTO passwords (account_id, password, algorithm) VALUES (1, '%s', 'SHA-256'), (7, '%s', 'SHA-256'), (12, '%s', 'MD5'), (13, 'carol-pass', 'CLRTXT'), "+
			"(20, '%s', 'SHA-256'), (20, '%s', 'MD5'), (21, '%s', 'SHA-256'), (30, '%s', 'SHA-256'), (31, '%s', 'SHA-256')",
			ha1("SHA-256", "root", domain, "root-pass"), ha1("SHA-256", "alice", domain, "alice-pass"), ha1("MD5", "bob", domain, "bob-pass"),
			ha1("SHA-256", "dave", other, "dave-pass"), ha1("MD5", "dave", other, "dave-pass"), ha1("SHA-256", "eve", domain, "eve-pass"),
			ha1("SHA-256", "admin", domain, "admin-pass"), ha1("SHA-256", "flexisip", domain, "flexisip-pass")),
		"INSERT INTO aliases (id, account_id, alias, domain) VALUES (1, 7, '+33612345678', 'sip.example.org'), (2, 12, '+33600000001', 'sip.example.org'), " +
			"(3, 12, '+33600000002', 'sip.example.org'), (4, 20, '+4915100000020', 'sip.example.org')",
		// Timestamps, written without a session zone on a +05:30 server.
		"INSERT INTO admins (account_id, created_at, updated_at) VALUES (7, '2023-06-07 23:45:00', '2023-06-08 00:10:00'), (31, '2023-01-01 00:00:00', '2023-01-01 00:00:00')",
		fmt.Sprintf("INSERT INTO api_keys (account_id, `key`, created_at, updated_at, last_used_at) VALUES (7, 'alice-api-key-0123456789abcdefghijklmnop', '%s', '%s', '%s'), "+
			"(31, 'no_secret_at_all', '2023-01-01 00:00:00', NULL, '%s')", ts(-48*time.Hour), ts(-5*time.Minute), ts(-5*time.Minute), ts(-2*time.Minute)),
		"INSERT INTO provisioning_tokens (account_id, token, used, created_at, updated_at, ip, user_agent) VALUES (7, 'usedtoken0001', 1, '2023-01-01 00:00:00', NULL, NULL, NULL), " +
			"(7, 'alicetoken123', 0, '2023-02-01 00:00:00', NULL, '192.0.2.8', 'curl')",
		"INSERT INTO activation_expirations (id, account_id, expires, created_at, updated_at) VALUES (3, 13, '2030-01-01 00:00:00', '2024-01-01 00:00:00', '2024-01-02 00:00:00')",
		"INSERT INTO email_change_codes (account_id, code, email, created_at, updated_at, ip, user_agent) VALUES (12, '1234', 'bob-new@example.org', '2024-01-05 06:07:08', '2024-01-05 06:07:08', NULL, NULL), " +
			"(12, NULL, 'bob-old@example.org', '2023-01-05 06:07:08', '2023-01-05 06:07:08', NULL, NULL)",
		"INSERT INTO account_account_type (account_id, account_type_id) VALUES (7, 5), (20, 3)",
		"INSERT INTO account_actions (id, account_id, `key`, code, created_at, updated_at) VALUES (40, 7, '1', 'open', NULL, NULL), (41, 12, '2', 'close', NULL, NULL)",
		"INSERT INTO account_dictionary_entries (`key`, value, account_id, created_at, updated_at) VALUES ('theme', 'dark', 7, NULL, NULL), ('lang', 'fr', 7, NULL, NULL)",
		"INSERT INTO contacts (account_id, contact_id) VALUES (7, 12), (7, 20), (12, 1)",
		"INSERT INTO contacts_list_contact (contact_id, contacts_list_id) VALUES (12, 2), (13, 2), (1, 2)",
		"INSERT INTO account_contacts_list (account_id, contacts_list_id) VALUES (7, 2)",
		fmt.Sprintf("INSERT INTO accounts_tombstones (username, domain, created_at, updated_at) VALUES ('gone', 'sip.example.org', '%s', '%s')", ts(-time.Hour), ts(-time.Hour)),
		// Statistics (with -with-statistics): a delivered message, an answered call.
		"INSERT INTO statistics_messages (id, from_username, from_domain, sent_at, encrypted, created_at, updated_at) VALUES ('imported-message', 'alice', 'sip.example.org', '2024-03-20 10:00:00', 0, '2024-03-20 10:00:01', '2024-03-20 10:00:02')",
		"INSERT INTO statistics_message_devices (message_id, to_username, to_domain, device_id, last_status, received_at, created_at, updated_at) VALUES " +
			"('imported-message', 'bob', 'sip.example.org', '\"<urn:uuid:1>\"', 200, '2024-03-20 10:00:03', NULL, NULL)",
		"INSERT INTO statistics_calls (id, from_username, from_domain, to_username, to_domain, initiated_at, ended_at, created_at, updated_at) VALUES " +
			"('imported-call', 'alice', 'sip.example.org', 'bob', 'sip.example.org', '2024-03-20 11:00:00', '2024-03-20 11:05:00', NULL, NULL)",
		"INSERT INTO statistics_call_devices (call_id, device_id, rang_at, invite_terminated_at, invite_terminated_state, created_at, updated_at) VALUES " +
			"('imported-call', 'd1', '2024-03-20 11:00:02', '2024-03-20 11:00:09', 'accepted', NULL, NULL), ('imported-call', 'd2', '2024-03-20 11:00:02', '2024-03-20 11:00:09', 'accepted_elsewhere', NULL, NULL)",
	}
	return sql, accounts
}

// TestImportFlexiAPIDatabase is the import's acceptance: after
// `flexiapi-admin import` from a FlexiAPI d231625 database, through the
// local gateway, every imported account authenticates by Digest with its
// old password, its admin JSON is what FlexiAPI shows, the imported API
// keys work (the statistics client's too), the next id is past the
// imported ones, and a second import changes nothing.
func TestImportFlexiAPIDatabase(t *testing.T) {
	ctx := context.Background()
	m, err := devstack.StartMariaDB(ctx, devstack.MariaDBOptions{TimeZone: "+05:30"})
	if err != nil {
		t.Fatalf("MariaDB (Debian's mariadb-server, installed by make test): %v", err)
	}
	defer m.Close()
	srcURL, db, err := flexiapitest.Create(ctx, m.RootURL, "flexiapi")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	stmts, accounts := importFixture(now)
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	e := newEnv(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
	cli := buildCLI(t)
	out := e.runImport(cli, srcURL, "-with-statistics")
	counts := importCounts(t, out)
	if c := counts["accounts"]; c != [5]int{8, 6, 0, 2, 0} {
		t.Fatalf("accounts source/new/existing/listed/not carried %v:\n%s", c, out)
	}
	for _, want := range []string{
		"accounts id=1: id 1 is admin@sip.example.org in the table",
		"accounts id=30: admin@sip.example.org is account 1 in the table",
		"aliases id=3: account 12 already has the phone +33600000001",
		"contacts account_id=12 contact_id=1: account 1 is not in the table",
		"contacts_list_contact contact_id=1 contacts_list_id=2: account 1 is not in the table",
		"1 account(s) had a clear-text (CLRTXT) password",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say %q:\n%s", want, out)
		}
	}
	for table, want := range map[string][5]int{
		"passwords": {9, 7, 0, 2, 0}, "provisioning_tokens": {2, 1, 0, 0, 1}, "email_change_codes": {2, 1, 0, 0, 1},
		"contacts": {3, 2, 0, 1, 0}, "contacts_list_contact": {3, 2, 0, 1, 0}, "accounts_tombstones": {1, 1, 0, 0, 0},
		"account_types": {2, 2, 0, 0, 0}, "admins": {2, 2, 0, 0, 0}, "api_keys": {2, 2, 0, 0, 0},
		"statistics_messages": {1, 1, 0, 0, 0}, "statistics_call_devices": {2, 2, 0, 0, 0},
	} {
		if counts[table] != want {
			t.Errorf("%s: source/new/existing/listed/not carried %v, want %v", table, counts[table], want)
		}
	}

	// A second import changes nothing: not an item, not a last use.
	before := e.rawTable()
	again := e.runImport(cli, srcURL, "-with-statistics")
	for table, c := range importCounts(t, again) {
		if c[1] != 0 {
			t.Errorf("second import: %s has %d new", table, c[1])
		}
	}
	if !strings.Contains(again, "all tables: 0 new") {
		t.Errorf("second import:\n%s", again)
	}
	if after := e.rawTable(); !reflect.DeepEqual(before, after) {
		t.Fatalf("the second import changed the table:\n%s", diffTables(before, after))
	}

	for _, a := range accounts {
		// Digest with the old password, with each algorithm the account has.
		algs := []string{a.alg}
		switch {
		case a.alg == "": // clear text: both
			algs = []string{"MD5", "SHA-256"}
		case a.extraMD5:
			algs = []string{"MD5", "SHA-256"}
		}
		for _, alg := range algs {
			r := e.digestAs(a.username, a.domain, a.password, alg)
			if a.blocked {
				if r.Status != 403 || !strings.Contains(r.Body, "Account blocked") {
					t.Errorf("%s (%s): %d %s, want 403 Account blocked (authenticated, then refused)", a.username, alg, r.Status, r.Body)
				}
				continue
			}
			if r.Status != 200 || int64(r.JSON(t)["id"].(float64)) != a.id {
				t.Errorf("%s by Digest %s: %d %s", a.username, alg, r.Status, r.Body)
			}
		}
		if a.expectedAdminShown != "" {
			r := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", a.id), "")
			expect(t, r, 200)
			var got, want map[string]any
			json.Unmarshal([]byte(r.Body), &got)
			if err := json.Unmarshal([]byte(a.expectedAdminShown), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("GET /api/accounts/%d:\n got %s\nwant %s", a.id, r.Body, strings.Join(strings.Fields(a.expectedAdminShown), " "))
			}
		}
		if a.apiKey != "" {
			r := e.withKey(a.apiKey, "GET", "/api/accounts/me", "")
			expect(t, r, 200)
			me := r.JSON(t)
			if int64(me["id"].(float64)) != a.id || me["admin"] == nil {
				t.Errorf("%s's imported API key: %s", a.username, r.Body)
			}
		}
	}
	// alice's own view: the admin row with its times, her password algorithm.
	r := e.withKey(accounts[0].apiKey, "GET", "/api/accounts/me", "")
	me := r.JSON(t)
	if fmt.Sprint(me["admin"]) != "map[created_at:2023-06-07T23:45:00.000000Z updated_at:2023-06-08T00:10:00.000000Z]" ||
		fmt.Sprint(me["passwords"]) != "[map[algorithm:SHA-256]]" {
		t.Errorf("alice's account: admin %v, passwords %v", me["admin"], me["passwords"])
	}
	// Flexisip's statistics client keeps its key.
	r = e.withKey("no_secret_at_all", "POST", "/api/statistics/messages",
		`{"id":"imported-key-message","from":"alice@sip.example.org","sent_at":"2024-03-25T10:11:12Z","encrypted":false}`)
	if r.Status != 200 && r.Status != 201 {
		t.Errorf("statistics with the imported key: %d %s", r.Status, r.Body)
	}
	// The statistics read back as the ingestion's own.
	r = e.asAdmin("GET", "/api/statistics/counts?from=2024-03-20&to=2024-03-21", "")
	expect(t, r, 200)
	day := r.JSON(t)["data"].([]any)[0].(map[string]any)
	if c, m := day["calls"].(map[string]any), day["messages"].(map[string]any); c["total"] != float64(1) || c["answered"] != float64(1) ||
		m["total"] != float64(1) || m["delivered"] != float64(1) {
		t.Errorf("imported statistics: %s", r.Body)
	}
	// Contacts, the list and its count, as FlexiAPI had them.
	r = e.asAdmin("GET", "/api/accounts/7/contacts", "")
	expect(t, r, 200)
	if ids := sortedIDs(t, r.Body); fmt.Sprint(ids) != "[12 20]" {
		t.Errorf("alice's direct contacts %v", ids)
	}
	r = e.withKey(accounts[0].apiKey, "GET", "/api/accounts/me/contacts", "")
	expect(t, r, 200)
	if ids := sortedIDs(t, r.Body); fmt.Sprint(ids) != "[12 13 20]" {
		t.Errorf("alice's contacts (direct and through her list) %v", ids)
	}
	r = e.asAdmin("GET", "/api/contacts_lists/2", "")
	expect(t, r, 200)
	if l := r.JSON(t); l["title"] != "Friends" || l["contacts_count"] != float64(2) {
		t.Errorf("list 2: %s", r.Body)
	}
	// The id counter is past the imported ids; the tombstone holds.
	r = e.asAdmin("POST", "/api/accounts", `{"username":"newcomer","password":"newcomer-pass","algorithm":"SHA-256"}`)
	expect(t, r, 200)
	if id := int64(r.JSON(t)["id"].(float64)); id <= 31 {
		t.Errorf("a new account got id %d, not past the imported 31", id)
	}
	r = e.asAdmin("POST", "/api/accounts", `{"username":"gone","password":"gone-pass1","algorithm":"SHA-256"}`)
	if r.Status != 422 || !strings.Contains(r.Body, "username") {
		t.Errorf("a tombstoned username: %d %s", r.Status, r.Body)
	}
}

// buildCLI builds flexiapi-admin once per test.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "flexiapi-admin")
	root, _ := filepath.Abs("../..")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/flexiapi-admin")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build flexiapi-admin: %v\n%s", err, out)
	}
	return bin
}

// runImport runs `flexiapi-admin import` with the deployment's settings
// and returns its standard output (the report).
func (e *env) runImport(cli, from string, extra ...string) string {
	e.t.Helper()
	cmd := exec.Command(cli, append([]string{"import", "-from", from}, extra...)...)
	cmd.Dir = e.t.TempDir()
	cmd.Env = os.Environ()
	for k, v := range e.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		e.t.Fatalf("flexiapi-admin import: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "import: accounts") {
		e.t.Errorf("no progress line on standard error: %q", stderr.String())
	}
	return string(out)
}

// importCounts reads the report's table: source, new, existing, listed,
// not carried per table.
func importCounts(t *testing.T, out string) map[string][5]int {
	t.Helper()
	counts := map[string][5]int{}
	inTable := false
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && f[0] == "table":
			inTable = true
		case inTable && len(f) == 6:
			var c [5]int
			for i := range c {
				fmt.Sscan(f[i+1], &c[i])
			}
			counts[f[0]] = c
		case inTable:
			return counts
		}
	}
	t.Fatalf("no counts in the report:\n%s", out)
	return nil
}

// digestAs runs GET /api/accounts/me by Digest, answering the challenge
// with the given algorithm (the independent client of shared/devstack).
func (e *env) digestAs(username, dom, password, alg string) response {
	e.t.Helper()
	from := header{"From": "sip:" + username + "@" + dom}
	first := e.do("GET", "/api/accounts/me", from, "")
	if first.Status != 401 {
		e.t.Fatalf("%s@%s: first request %d %s", username, dom, first.Status, first.Body)
	}
	c := parseChallenge(e.t, first.Header.Get("WWW-Authenticate"))
	c["algorithm"] = alg
	from["Authorization"] = answer(c, "GET", "/api/accounts/me", username, password, "00000001")
	return e.do("GET", "/api/accounts/me", from, "")
}

// rawTable is every item of the table, as DynamoDB JSON.
func (e *env) rawTable() map[string]string {
	e.t.Helper()
	out := map[string]string{}
	p := dynamodb.NewScanPaginator(e.st.Client(), &dynamodb.ScanInput{TableName: aws.String(e.st.Table()), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		for _, it := range page.Items {
			out[attrString(it["PK"])+" "+attrString(it["SK"])] = itemString(it, false)
		}
	}
	return out
}

func diffTables(before, after map[string]string) string {
	var lines []string
	for k, v := range after {
		if before[k] != v {
			lines = append(lines, "now  "+k+": "+v, "was  "+k+": "+before[k])
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			lines = append(lines, "gone "+k)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func sortedIDs(t *testing.T, body string) []int64 {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("not a JSON array: %s", body)
	}
	var ids []int64
	for _, c := range list {
		ids = append(ids, int64(c["id"].(float64)))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
