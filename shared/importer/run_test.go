//go:build integration

package importer_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb/flexiapitest"
	"github.com/flexiapi-serverless/flexiapi/shared/importer"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

const domain = "sip.example.org"

var dbSeq atomic.Int32

// source makes a FlexiAPI database on make test's MariaDB, filled by
// fill, and opens it as the import reads it.
func source(t *testing.T, fill func(ctx context.Context, db *sql.DB) error) *flexiapidb.DB {
	t.Helper()
	root := testenv.Endpoint(t, "MARIADB_ROOT_URL")
	ctx := context.Background()
	name := fmt.Sprintf("importer%d_%d", time.Now().UnixNano()%1e6, dbSeq.Add(1))
	url, db, err := flexiapitest.Create(ctx, root, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flexiapitest.Drop(context.Background(), root, name) })
	if err := fill(ctx, db); err != nil {
		t.Fatal(err)
	}
	db.Close()
	src, err := flexiapidb.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	if err := src.Check(ctx); err != nil {
		t.Fatal(err)
	}
	return src
}

func settings(t *testing.T, vars map[string]string) importer.Settings {
	cfg, err := config.Load(func(k string) string {
		if k == "APP_KEY" {
			return "test"
		}
		return vars[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	return importer.Settings{Realm: cfg.RealmFor, EmailUnique: cfg.EmailUnique, APIKeyExpiration: cfg.APIKeyExpiration,
		TombstoneRetention: cfg.TombstoneRetention, StatisticsRetention: cfg.StatisticsRetention}
}

// generated fills a source with n generated accounts (and statistics).
func generated(n int, now time.Time) func(ctx context.Context, db *sql.DB) error {
	return func(ctx context.Context, db *sql.DB) error {
		return flexiapitest.Generate(ctx, db, flexiapitest.Generated{Accounts: n, Domain: domain, Statistics: true, Now: now})
	}
}

// rows runs statements.
func rows(stmts ...string) func(ctx context.Context, db *sql.DB) error {
	return func(ctx context.Context, db *sql.DB) error {
		for _, q := range stmts {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
}

// dump is every item of a table, as text.
func dump(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	p := dynamodb.NewScanPaginator(st.Client(), &dynamodb.ScanInput{TableName: aws.String(st.Table()), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			out[av(it["PK"])+" "+av(it["SK"])] = av(&types.AttributeValueMemberM{Value: it})
		}
	}
	return out
}

func av(v types.AttributeValue) string {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return fmt.Sprintf("%q", x.Value)
	case *types.AttributeValueMemberN:
		return x.Value
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint(x.Value)
	case *types.AttributeValueMemberSS:
		s := append([]string(nil), x.Value...)
		sort.Strings(s)
		return fmt.Sprint(s)
	case *types.AttributeValueMemberNS:
		s := append([]string(nil), x.Value...)
		sort.Strings(s)
		return fmt.Sprint(s)
	case *types.AttributeValueMemberL:
		var parts []string
		for _, e := range x.Value {
			parts = append(parts, av(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *types.AttributeValueMemberM:
		keys := make([]string, 0, len(x.Value))
		for k := range x.Value {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+av(x.Value[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func diff(a, b map[string]string) string {
	var lines []string
	for k, v := range a {
		if b[k] != v {
			lines = append(lines, fmt.Sprintf("%s:\n  %s\n  %s", k, v, b[k]))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			lines = append(lines, k+": only in the second")
		}
	}
	sort.Strings(lines)
	if len(lines) > 10 {
		lines = append(lines[:10], fmt.Sprintf("... %d more", len(lines)-10))
	}
	return strings.Join(lines, "\n")
}

// checkCounts: every source row is accounted for once.
func checkCounts(t *testing.T, rep *importer.Report) {
	t.Helper()
	for _, table := range rep.Tables {
		c := rep.Counts[table]
		if c.New+c.Existing+c.Listed+c.Skipped != c.Source {
			t.Errorf("%s: %+v does not add up to its source rows", table, *c)
		}
	}
}

// TestAnInterruptedRunIsCompletedByTheNext: a run stopped part way, even
// between a page's markers and its account items, is finished by the
// next run, which leaves the table as one uninterrupted run does.
func TestAnInterruptedRunIsCompletedByTheNext(t *testing.T) {
	ctx := context.Background()
	src := source(t, generated(300, time.Now()))
	set := settings(t, nil)
	opts := importer.Options{WithStatistics: true, PageSize: 50}

	whole := testenv.Table(t)
	rep, err := importer.Run(ctx, src, whole, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep)
	if c := rep.Counts["accounts"]; c.New != 300 || len(rep.Listed) != 0 {
		t.Fatalf("accounts %+v, listed %v", *c, rep.Listed)
	}

	parts := testenv.Table(t)
	stop, cancel := context.WithCancel(ctx)
	o := opts
	o.Progress = func(p importer.Progress) {
		if p.Phase == "accounts" && p.Done >= 100 {
			cancel()
		}
	}
	if _, err := importer.Run(stop, src, parts, set, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("the interrupted run: %v", err)
	}
	// As if it had stopped after writing the markers, keys and type links
	// of accounts 81 to 100 but before their account items (and counts).
	for id := 81; id <= 100; id++ {
		if _, err := parts.Client().DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(parts.Table()), Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: fmt.Sprintf("ACCOUNT#%d", id)}, "SK": &types.AttributeValueMemberS{Value: "ACCOUNT"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := parts.Client().UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(parts.Table()),
		Key:              map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "COUNT#accounts"}, "SK": &types.AttributeValueMemberS{Value: "COUNT"}},
		UpdateExpression: aws.String("ADD #t :n, #d :n"), ExpressionAttributeNames: map[string]string{"#t": "total", "#d": "domain:" + domain},
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberN{Value: "-20"}}}); err != nil {
		t.Fatal(err)
	}
	rep, err = importer.Run(ctx, src, parts, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep)
	if c := rep.Counts["accounts"]; c.Existing != 80 || c.New != 220 {
		t.Fatalf("the second run: accounts %+v", *c)
	}
	if d := diff(dump(t, whole), dump(t, parts)); d != "" {
		t.Fatalf("an interrupted run and its completion differ from one run:\n%s", d)
	}
	// And once more: nothing new, nothing changed.
	before := dump(t, parts)
	rep, err = importer.Run(ctx, src, parts, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	for table, c := range rep.Counts {
		if c.New != 0 {
			t.Errorf("third run: %s %+v", table, *c)
		}
	}
	if d := diff(before, dump(t, parts)); d != "" {
		t.Fatalf("a complete run again changed the table:\n%s", d)
	}
}

// TestDryRunWritesNothingAndForetellsTheRun: against a table that holds
// accounts in the way (an id, a SIP identity, a phone, a token), a dry
// run leaves every item as it was and reports what the run then does.
func TestDryRunWritesNothingAndForetellsTheRun(t *testing.T) {
	ctx := context.Background()
	src := source(t, generated(60, time.Now()))
	set := settings(t, nil)
	st := testenv.Table(t)
	now := time.Now().UTC().Truncate(time.Second)
	phone, token := "+33600000004", "tok0000000006"
	for _, a := range []*account.Account{
		{ID: 1, Username: "someone", Domain: domain},                                  // id 1 taken
		{ID: 900, Username: flexiapitest.Username(5), Domain: domain},                 // SIP identity of id 5
		{ID: 901, Username: "holder", Domain: domain, Phone: &phone},                  // phone of id 4
		{ID: 902, Username: "tokenholder", Domain: domain, ProvisioningToken: &token}, // token of id 6
	} {
		a.CreatedAt, a.UpdatedAt, a.Passwords = now, now, map[string]string{}
		if err := st.CreateAccount(ctx, a, false); err != nil {
			t.Fatal(err)
		}
	}
	// A type and a list of the table hold the source's type key and list title.
	if err := st.CreateType(ctx, &resource.AccountType{ID: 9, Key: "device_audio_intercom", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateList(ctx, &resource.ContactsList{ID: 7, Title: "everyone", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, st)
	dry, err := importer.Run(ctx, src, st, set, importer.Options{DryRun: true, WithStatistics: true, PageSize: 25})
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(before, dump(t, st)); d != "" {
		t.Fatalf("the dry run wrote:\n%s", d)
	}
	real, err := importer.Run(ctx, src, st, set, importer.Options{WithStatistics: true, PageSize: 25})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, real)
	for _, table := range real.Tables {
		if *dry.Counts[table] != *real.Counts[table] {
			t.Errorf("%s: dry run %+v, run %+v", table, *dry.Counts[table], *real.Counts[table])
		}
	}
	if !reflect.DeepEqual(dry.Listed, real.Listed) {
		t.Errorf("listed: dry run %v, run %v", dry.Listed, real.Listed)
	}
	var listed []string
	for _, l := range real.Listed {
		listed = append(listed, l.String())
	}
	got := strings.Join(listed, "\n")
	for _, want := range []string{
		"accounts id=1: id 1 is someone@sip.example.org in the table",
		"accounts id=5: user000005@sip.example.org is account 900 in the table",
		"aliases account_id=4 alias=+33600000004: the phone +33600000004 is account 901's in the table",
		"provisioning_tokens account_id=6 (the current token): the token is account 902's in the table",
		"contacts account_id=5 contact_id=4: account 5 is not in the table",
		`account_types id=1: its key "device_audio_intercom" is another type's in the table`,
		"account_account_type account_id=10 account_type_id=1: account type 1 is not in the table",
		`contacts_lists id=1: its title "Everyone" is another list's in the table`,
		"contacts_list_contact contact_id=10 contacts_list_id=1: contacts list 1 is not in the table",
		"account_contacts_list account_id=50 contacts_list_id=1: contacts list 1 is not in the table",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("listed rows lack %q:\n%s", want, got)
		}
	}
	// The accounts that lost a part came without it.
	a4, err := st.AccountByID(ctx, 4)
	if err != nil || a4.Phone != nil || a4.ProvisioningToken == nil {
		t.Fatalf("account 4: %+v %v", a4, err)
	}
	a6, err := st.AccountByID(ctx, 6)
	if err != nil || a6.ProvisioningToken != nil || a6.Phone == nil {
		t.Fatalf("account 6: %+v %v", a6, err)
	}
	if a, err := st.AccountByID(ctx, 5); err != nil || a.Username != flexiapitest.Username(5) {
		// id 5 is free in the table, but its SIP identity is not: nothing of it.
		if !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("account 5: %+v %v", a, err)
		}
	}
	if owner, err := st.ProvisioningTokenOwner(ctx, token); err != nil || owner != 902 {
		t.Fatalf("the token's owner %d %v", owner, err)
	}
}

// TestSharedEmailsUnderEmailUnique: FlexiAPI let two accounts share an
// email; with ACCOUNT_EMAIL_UNIQUE both come over, the first holds the
// marker and the report says so.
func TestSharedEmailsUnderEmailUnique(t *testing.T) {
	ctx := context.Background()
	src := source(t, rows(
		"INSERT INTO accounts (id, username, domain, email, ip_address, user_agent, created_at) VALUES "+
			"(1, 'one', 'sip.example.org', 'Same@Example.org', '::1', 'x', '2024-01-01 00:00:00'), "+
			"(2, 'two', 'sip.example.org', 'same@example.org', '::1', 'x', '2024-01-01 00:00:00')"))
	st := testenv.Table(t)
	rep, err := importer.Run(ctx, src, st, settings(t, map[string]string{"ACCOUNT_EMAIL_UNIQUE": "true"}), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Counts["accounts"]; c.New != 2 || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "accounts id=2: email same@example.org is kept without its ACCOUNT_EMAIL_UNIQUE marker: account 1 holds it") {
		t.Fatalf("accounts %+v, notes %q", *c, rep.Notes)
	}
	out, err := st.Client().GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(st.Table()), Key: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "EMAIL#same@example.org"}, "SK": &types.AttributeValueMemberS{Value: "EMAIL"}}})
	if err != nil || av(out.Item["account_id"]) != "1" {
		t.Fatalf("the email marker: %v %v", out.Item, err)
	}
}
