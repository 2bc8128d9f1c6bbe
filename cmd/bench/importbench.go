package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/capacity"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb/flexiapitest"
	"github.com/flexiapi-serverless/flexiapi/shared/importer"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

// The import benchmark: `flexiapi-admin import`'s work (shared/importer
// with shared/flexiapidb and the store) from a generated FlexiAPI
// database on the stack's MariaDB into a fresh DynamoDB Local table, and
// as its baseline a bare BatchWriteItem loop writing the very items the
// import wrote into another fresh table, in the same run.

type importResult struct {
	err                error
	accounts, workers  int
	page               int
	sourceRows         int64
	items              int
	read, run, rerun   time.Duration
	bare               time.Duration
	rcu, wcu           float64 // first run
	rerunRCU, rerunWCU float64
	rep                *importer.Report
}

func (r *importResult) perSecond(d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(r.accounts) / d.Seconds()
}

func runImportBench(ctx context.Context, stack *devstack.Stack, opts options) *importResult {
	res := &importResult{accounts: opts.importAccounts, workers: opts.workers, page: 500}
	res.err = res.measure(ctx, stack)
	return res
}

func (res *importResult) measure(ctx context.Context, stack *devstack.Stack) error {
	if stack.MariaDB == nil {
		return fmt.Errorf("no MariaDB in the stack (Debian's mariadb-server: make servers)")
	}
	name := fmt.Sprintf("bench_import_%d", time.Now().Unix())
	url, db, err := flexiapitest.Create(ctx, stack.MariaDB.RootURL, name)
	if err != nil {
		return err
	}
	defer flexiapitest.Drop(context.Background(), stack.MariaDB.RootURL, name)
	err = flexiapitest.Generate(ctx, db, flexiapitest.Generated{Accounts: res.accounts, Domain: domain})
	db.Close()
	if err != nil {
		return err
	}
	src, err := flexiapidb.Open(url)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.Check(ctx); err != nil {
		return err
	}
	rows, err := src.Rows(ctx)
	if err != nil {
		return err
	}
	for t, n := range rows {
		if t != "migrations" {
			res.sourceRows += n
		}
	}

	// Reading alone: every account page with its rows.
	t0 := time.Now()
	for after := int64(0); ; {
		page, err := src.Accounts(ctx, after, res.page)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
	}
	res.read = time.Since(t0)

	cfg, err := config.Load(func(k string) string {
		return map[string]string{"APP_KEY": "bench", "APP_SIP_DOMAIN": domain}[k]
	})
	if err != nil {
		return err
	}
	set := importer.Settings{Realm: cfg.RealmFor, EmailUnique: cfg.EmailUnique, APIKeyExpiration: cfg.APIKeyExpiration,
		KeyNeverExpires:    func(u, d string) bool { _, expires := cfg.APIKeyLifetime(u, d); return !expires },
		TombstoneRetention: cfg.TombstoneRetention, StatisticsRetention: cfg.StatisticsRetention}
	imported, err := benchTable(ctx, "bench-import")
	if err != nil {
		return err
	}
	defer imported.drop()
	bare, err := benchTable(ctx, "bench-import-bare")
	if err != nil {
		return err
	}
	defer bare.drop()

	o := importer.Options{PageSize: res.page, Workers: res.workers}
	mctx, m := capacity.With(ctx)
	t0 = time.Now()
	if res.rep, err = importer.Run(mctx, src, imported.Store, set, o); err != nil {
		return err
	}
	res.run = time.Since(t0)
	res.rcu, res.wcu, _ = m.Units()
	if c := res.rep.Counts["accounts"]; c.New != int64(res.accounts) {
		return fmt.Errorf("the import brought %d accounts of %d", c.New, res.accounts)
	}
	mctx, m = capacity.With(ctx)
	t0 = time.Now()
	again, err := importer.Run(mctx, src, imported.Store, set, o)
	if err != nil {
		return err
	}
	res.rerun = time.Since(t0)
	res.rerunRCU, res.rerunWCU, _ = m.Units()
	if c := again.Counts["accounts"]; c.New != 0 {
		return fmt.Errorf("the second import brought %d new accounts", c.New)
	}
	res.items, res.bare, err = imported.CopyItemsBare(ctx, bare.Store, res.workers)
	return err
}

// scratchTable is a table of its own, deleted at the end.
type scratchTable struct {
	*store.Store
}

func benchTable(ctx context.Context, prefix string) (*scratchTable, error) {
	name := fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
	st, err := store.New(ctx, name)
	if err != nil {
		return nil, err
	}
	if _, err := store.EnsureTable(ctx, st.Client(), name); err != nil {
		return nil, err
	}
	return &scratchTable{st}, nil
}

func (t *scratchTable) drop() { _ = t.DropTable(context.Background()) }

func renderImport(b *strings.Builder, r *importResult) {
	if r == nil {
		return
	}
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## 10. Importing a FlexiAPI database\n\n")
	if r.err != nil {
		p("Not measured in this run: %s.\n\n", r.err)
		return
	}
	p("`flexiapi-admin import`'s work (shared/importer reading MariaDB through shared/flexiapidb, writing through the store) "+
		"from a generated FlexiAPI d231625 database (`flexiapitest.Generate`: %d accounts, %d rows in all: passwords, phones, API keys, "+
		"tokens, dictionaries, types, actions, contacts, list members, tombstones) into a fresh DynamoDB Local table; pages of %d, %d workers. "+
		"The baseline is a bare `BatchWriteItem` loop (`store.CopyItemsBare`: 25 items a call, the same workers) writing the **same %d items** "+
		"the import wrote into another fresh table: no source to read, no condition, no transaction. Same run, same machine.\n\n",
		r.accounts, r.sourceRows, r.page, r.workers, r.items)
	p("| | Time | Accounts per second | Ratio to the bare loop |\n|---|---|---|---|\n")
	bare := r.perSecond(r.bare)
	row := func(what string, d time.Duration) {
		p("| %s | %s | %.0f | %.2f |\n", what, d.Round(time.Millisecond), r.perSecond(d), r.perSecond(d)/bare)
	}
	row("Import, first run (everything new)", r.run)
	row(fmt.Sprintf("Bare BatchWriteItem loop of the same %d items", r.items), r.bare)
	row("Reading the source alone (account pages with their rows)", r.read)
	row("Import again (nothing new: reads, no writes)", r.rerun)
	p("\nCapacity units of the first run: %s RCU and %s WCU, that is %.1f RCU and %.1f WCU per account "+
		"(%.1f items per account; the account items go in transactions with the counts, which DynamoDB charges twice; "+
		"the markers are conditional puts; the rest batched; DynamoDB Local reports no read units for the existence checks of keys that are not there, "+
		"which AWS charges at the minimum read). Again: %s RCU (the existence checks), %s WCU (the API keys' last use, unchanged: failed conditions).\n\n",
		num(r.rcu), num(r.wcu), r.rcu/float64(r.accounts), r.wcu/float64(r.accounts), float64(r.items)/float64(r.accounts), num(r.rerunRCU), num(r.rerunWCU))
	p("Where the time goes: the import reads its source (MariaDB, one query per per-account table and page) while the previous page is written, " +
		"checks which accounts are there (one BatchGetItem per 100), claims each new account's uniqueness markers (SIP identity, phone, " +
		"provisioning token, email when unique) with one conditional PutItem each, batches the API keys and type links, then writes the " +
		"account items with the counts in transactions of up to 99; contacts, lists and tombstones follow as batches. The conditional puts and " +
		"the transactions are what a bare loop skips: they make a run resumable and safe beside a live API.\n\n")
}

// importOnly is `go run ./cmd/bench -only-import`: the import benchmark
// alone, printed, no document.
func importOnly(ctx context.Context, stack *devstack.Stack, opts options) error {
	for _, kv := range stack.Env() { // the store finds DynamoDB Local as the functions do
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	progress(fmt.Sprintf("FlexiAPI import (%d accounts)", opts.importAccounts))
	res := runImportBench(ctx, stack, opts)
	if res.err != nil {
		return res.err
	}
	var b strings.Builder
	renderImport(&b, res)
	fmt.Print(b.String())
	return nil
}
