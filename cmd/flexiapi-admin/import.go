package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb"
	"github.com/flexiapi-serverless/flexiapi/shared/importer"
)

var importCommand = command{
	name: "import", args: "-from " + flexiapidb.Example + " [-dry-run] [-with-statistics] [-page N] [-workers N]",
	summary: "Import a FlexiAPI d231625 database (MySQL or MariaDB) into the table, keeping every id.\n" +
		"Accounts with their password rows (clear text becomes MD5 and SHA-256 HA1s), phone, admin role, API key,\n" +
		"provisioning token, types, actions, dictionary; account types, contacts, contacts lists, tombstones;\n" +
		"statistics with -with-statistics. The source is checked first (its last migration must be d231625's).\n" +
		"A progress line goes to standard error, the counts per table and the rows that could not be\n" +
		"represented to standard output. Running it again writes only what is missing (\"0 new\").\n" +
		"The settings (ACCOUNT_REALM, ACCOUNT_EMAIL_UNIQUE, APP_API_KEY_EXPIRATION_MINUTES, ...) must be\n" +
		"the deployment's. -from may also come from $FLEXIAPI_IMPORT_FROM (kept out of the process list).\n" +
		"See docs/operations.md, \"Importing a FlexiAPI database\".",
	setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		from := fs.String("from", "", "the FlexiAPI database, "+flexiapidb.Example+" (default $FLEXIAPI_IMPORT_FROM)")
		dry := fs.Bool("dry-run", false, "read both sides and report what an import would do; write nothing")
		withStats := fs.Bool("with-statistics", false, "also import the statistics tables (messages, calls and their devices)")
		page := fs.Int("page", 500, "rows read per page")
		workers := fs.Int("workers", 8, "concurrent DynamoDB requests")
		return func(ctx context.Context, e *Env) error {
			if *from == "" {
				*from = e.Getenv("FLEXIAPI_IMPORT_FROM")
			}
			if *from == "" {
				return fmt.Errorf("-from is required: the FlexiAPI database as %s", flexiapidb.Example)
			}
			cfg, err := e.Config()
			if err != nil {
				return err
			}
			src, err := flexiapidb.Open(*from)
			if err != nil {
				return err
			}
			defer src.Close()
			// Everything is checked before anything is written.
			if err := src.Check(ctx); err != nil {
				return err
			}
			st, err := e.Store(ctx, cfg)
			if err != nil {
				return err
			}
			if err := st.CheckTable(ctx); err != nil {
				return err
			}
			fmt.Fprintf(e.Stderr, "flexiapi-admin import: from %s into table %s%s\n", src.Where(), cfg.TableName, map[bool]string{true: " (dry run)"}[*dry])
			rep, err := importer.Run(ctx, src, st, importSettings(cfg), importer.Options{
				DryRun: *dry, WithStatistics: *withStats, PageSize: *page, Workers: *workers,
				Progress: progressLine(e.Stderr),
			})
			if err != nil {
				return err
			}
			return rep.Write(e.Stdout)
		}
	},
}

// importSettings are the configuration's settings the import follows.
func importSettings(cfg *config.Config) importer.Settings {
	return importer.Settings{Realm: cfg.RealmFor, EmailUnique: cfg.EmailUnique, APIKeyExpiration: cfg.APIKeyExpiration,
		TombstoneRetention: cfg.TombstoneRetention, StatisticsRetention: cfg.StatisticsRetention}
}

// progressLine prints where the import is at most once a second, and at
// the end of each phase.
func progressLine(w io.Writer) func(importer.Progress) {
	var last time.Time
	var phase string
	return func(p importer.Progress) {
		done := p.Total > 0 && p.Done >= p.Total
		if p.Phase == phase && !done && time.Since(last) < time.Second {
			return
		}
		phase, last = p.Phase, time.Now()
		rate := ""
		if s := p.Elapsed.Seconds(); s > 0 && p.Phase == "accounts" {
			rate = fmt.Sprintf(", %.0f/s", float64(p.Done)/s)
		}
		pct := ""
		if p.Total > 0 {
			pct = fmt.Sprintf(" (%d%%)", p.Done*100/p.Total)
		}
		fmt.Fprintf(w, "import: %s %d/%d%s: %d new, %d existing, %d listed%s\n", p.Phase, p.Done, p.Total, pct, p.New, p.Existing, p.Listed, rate)
	}
}
