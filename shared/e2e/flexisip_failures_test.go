//go:build integration

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/localesm"
)

// failureMessages reads what the failure queue holds.
func (p *projEnv) failureMessages() []map[string]any {
	p.t.Helper()
	var out []map[string]any
	for {
		r, err := p.sync.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: &p.sync.QueueURL, MaxNumberOfMessages: 10, VisibilityTimeout: 60,
		})
		if err != nil {
			p.t.Fatal(err)
		}
		if len(r.Messages) == 0 {
			return out
		}
		for _, m := range r.Messages {
			var v map[string]any
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &v); err != nil {
				p.t.Fatal(err)
			}
			out = append(out, v)
		}
	}
}

// TestFlexisipPoisonRecord: an account the schema cannot hold (a username
// wider than accounts.username, written past the API's validation, as bad
// data could be) fails alone: bisection isolates its record, which ends in
// the failure queue after its retries, while the records around it pass.
// The queue's message points at the record in the stream, as AWS's does.
func TestFlexisipPoisonRecord(t *testing.T) {
	settings := localesm.Defaults()
	settings.RetryAttempts = 2 // the deployed 10, shortened for the test
	settings.RetryPause = 20 * time.Millisecond
	settings.PollInterval = 1500 * time.Millisecond // the three writes in one batch, most likely
	p := newProjectionEnv(t, nil, settings)
	ctx := context.Background()

	good1 := p.create(`{"username":"beforehand","algorithm":"SHA-256","password":"pass-before","activated":true}`)
	expect(t, good1, 200)
	id, err := p.st.NextAccountID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	poison := &account.Account{ID: id, Username: strings.Repeat("p", 70), Domain: domain, Activated: true,
		IPAddress: "127.0.0.1", UserAgent: "bad data", CreatedAt: now, UpdatedAt: now,
		Passwords: map[string]string{"SHA-256": ha1("SHA-256", "x", domain, "y")}}
	if err := p.st.CreateAccount(ctx, poison, false); err != nil {
		t.Fatal(err)
	}
	good2 := p.create(`{"username":"afterwards","algorithm":"SHA-256","password":"pass-after","activated":true}`)
	expect(t, good2, 200)

	p.expectPasswords("beforehand", map[string]string{"SHA-256": ha1("SHA-256", "beforehand", domain, "pass-before")})
	p.expectPasswords("afterwards", map[string]string{"SHA-256": ha1("SHA-256", "afterwards", domain, "pass-after")})

	var msgs []map[string]any
	p.eventually("the poison record in the failure queue", func() (bool, string) {
		msgs = append(msgs, p.failureMessages()...)
		return len(msgs) > 0, fmt.Sprint(len(msgs), " messages")
	})
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the failure queue, want 1: %v", len(msgs), msgs)
	}
	info := msgs[0]["DDBStreamBatchInfo"].(map[string]any)
	rc := msgs[0]["requestContext"].(map[string]any)
	if info["batchSize"] != float64(1) || info["startSequenceNumber"] != info["endSequenceNumber"] || rc["condition"] != "RetryAttemptsExhausted" {
		t.Fatalf("message %v", msgs[0])
	}
	// The operator's way back to the record: the stream, at that sequence.
	cfg, _ := awsconfig.LoadDefaultConfig(ctx)
	streams := dynamodbstreams.NewFromConfig(cfg)
	it, err := streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
		StreamArn: aws.String(info["streamArn"].(string)), ShardId: aws.String(info["shardId"].(string)),
		ShardIteratorType: streamtypes.ShardIteratorTypeAtSequenceNumber, SequenceNumber: aws.String(info["startSequenceNumber"].(string)),
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: aws.Int32(1)})
	if err != nil || len(recs.Records) != 1 {
		t.Fatalf("%v %v", recs, err)
	}
	pk := recs.Records[0].Dynamodb.Keys["PK"].(*streamtypes.AttributeValueMemberS).Value
	if pk != fmt.Sprintf("ACCOUNT#%d", id) {
		t.Fatalf("the failure names record %s, not the poison account %d", pk, id)
	}
	var n int
	p.sql.QueryRow("SELECT COUNT(*) FROM accounts WHERE id = ?", id).Scan(&n)
	if n != 0 {
		t.Fatal("the poison account was written")
	}
	if logs := p.logs.String(); !strings.Contains(logs, fmt.Sprintf("account %d cannot be written to Flexisip's tables: username is longer than 64 characters", id)) {
		t.Fatalf("no clear error in the function's log:\n%s", logs)
	}
}

// TestFlexisipDatabaseOutage: MariaDB is stopped for 30 s while accounts
// keep changing, then started: every change lands, none twice (no row
// added or rewritten but the changed ones), nothing goes to the failure
// queue, and the tables equal the table's accounts exactly.
func TestFlexisipDatabaseOutage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// A server of its own: stopping the shared one would break the tests
	// of other packages that run meanwhile.
	m, err := devstack.StartMariaDB(ctx, devstack.MariaDBOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	p := newProjectionEnvOn(t, m.URL, nil, localesm.Settings{})

	type acct struct {
		id        int64
		name, pwd string
		gone      bool
		blocked   bool
	}
	var accts []*acct
	create := func(name string) *acct {
		r := p.create(fmt.Sprintf(`{"username":%q,"algorithm":"SHA-256","password":"pw-%s","activated":true}`, name, name))
		expect(t, r, 200)
		a := &acct{id: int64(r.JSON(t)["id"].(float64)), name: name, pwd: "pw-" + name}
		accts = append(accts, a)
		return a
	}
	steady := create("steady")
	for i := 0; i < 4; i++ {
		create(fmt.Sprintf("early%d", i))
	}
	for _, a := range accts {
		p.expectPasswords(a.name, map[string]string{"SHA-256": ha1("SHA-256", a.name, domain, a.pwd)})
	}
	var steadyRowID int64
	p.sql.QueryRow("SELECT id FROM passwords WHERE account_id = ?", steady.id).Scan(&steadyRowID)

	m.Stop()
	outage := time.Now()
	step := 0
	for time.Since(outage) < 30*time.Second {
		switch step % 4 {
		case 0:
			create(fmt.Sprintf("during%d", step))
		case 1:
			a := accts[1+step%len(accts[1:])]
			if !a.gone {
				a.pwd = fmt.Sprintf("changed-%d", step)
				expect(t, p.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", a.id), fmt.Sprintf(`{"username":%q,"algorithm":"SHA-256","password":%q}`, a.name, a.pwd)), 200)
			}
		case 2:
			a := accts[1+step%len(accts[1:])]
			if !a.gone {
				a.blocked = !a.blocked
				action := map[bool]string{true: "block", false: "unblock"}[a.blocked]
				expect(t, p.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/%s", a.id, action), ""), 200)
			}
		case 3:
			if a := accts[len(accts)-1]; !a.gone && a != steady {
				expect(t, p.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", a.id), ""), 200)
				a.gone = true
			}
		}
		step++
		time.Sleep(700 * time.Millisecond)
	}
	if err := m.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d changes during a %s outage", step, time.Since(outage).Round(time.Second))

	for _, a := range accts {
		switch {
		case a.gone:
			p.eventually(a.name+" deleted", func() (bool, string) {
				var n int
				p.sql.QueryRow("SELECT COUNT(*) FROM accounts WHERE id = ?", a.id).Scan(&n)
				return n == 0, fmt.Sprint(n)
			})
		case a.blocked:
			p.expectPasswords(a.name, nil)
		default:
			p.expectPasswords(a.name, map[string]string{"SHA-256": ha1("SHA-256", a.name, domain, a.pwd)})
		}
	}
	// None twice: the untouched account's row was not rewritten into a new
	// one, and the tables hold exactly what the table says (no duplicate,
	// no leftover): a dry rebuild finds no drift.
	var rowID int64
	p.sql.QueryRow("SELECT id FROM passwords WHERE account_id = ?", steady.id).Scan(&rowID)
	if rowID != steadyRowID {
		t.Fatalf("the unchanged account's password row was replaced (%d → %d)", steadyRowID, rowID)
	}
	db, err := flexisipdb.Open(p.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	syncer := &flexisip.Syncer{Source: p.st, Target: db, AliasDomain: domain}
	rep, err := syncer.Rebuild(ctx, p.st, 50, true, func(d flexisip.Drift) { t.Errorf("drift: %s", d) })
	live := 1 // the admin
	for _, a := range accts {
		if !a.gone {
			live++
		}
	}
	if err != nil || rep.Drifted() != 0 || rep.Checked != live {
		t.Fatalf("rebuild dry run: %+v %v", rep, err)
	}
	if msgs := p.failureMessages(); len(msgs) != 0 {
		t.Fatalf("records went to the failure queue: %v", msgs)
	}
	if !strings.Contains(p.logs.String(), "flexisip database unavailable, waiting") {
		t.Fatal("the function never waited for the database")
	}
}
