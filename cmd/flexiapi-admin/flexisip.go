package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/dbsecret"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

var flexisipSyncCommand = command{
	name: "flexisip-sync", args: "-rebuild [-dry-run] [-page-size 200]",
	summary: "Reconcile Flexisip's SQL tables (accounts, passwords, aliases) with the DynamoDB table, page by page, and report what drifted.\n" +
		"The database is FLEXISIP_SQL_DSN (mysql://USER:PASS@HOST:PORT/DB) or the secret FLEXISIP_SQL_SECRET_ARN names;\n" +
		"next to make run, its MariaDB. The tables are created when missing (and accounts.phone added). docs/flexisip.md",
	setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		rebuild := fs.Bool("rebuild", false, "compare every account with its rows and fix what differs")
		dryRun := fs.Bool("dry-run", false, "with -rebuild: report the drift, write nothing")
		pageSize := fs.Int("page-size", 200, "accounts read per page")
		return func(ctx context.Context, e *Env) error {
			if !*rebuild {
				return usageError("say -rebuild (the stream keeps the tables in step; -rebuild reconciles them)")
			}
			if *pageSize < 1 || *pageSize > 1000 {
				return usageError("-page-size must be 1 to 1000")
			}
			cfg, err := config.LoadFlexisipSQL(func(k string) string {
				if k == "FLEXIAPI_TABLE" && e.table != "" {
					return e.table
				}
				return e.Getenv(k)
			})
			if err != nil {
				return err
			}
			dsn, err := dbsecret.DSN(ctx, cfg)
			if err != nil {
				return err
			}
			db, err := flexisipdb.Open(dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			if err := db.Ping(pctx); err != nil {
				return err
			}
			if !*dryRun {
				if err := db.EnsureSchema(ctx); err != nil {
					return err
				}
			}
			st, err := store.New(ctx, cfg.TableName)
			if err != nil {
				return err
			}
			syncer := &flexisip.Syncer{Source: st, Target: db, AliasDomain: cfg.AliasDomain}
			fmt.Fprintf(e.Stderr, "flexiapi-admin: reconciling table %s with %s%s\n", cfg.TableName, db.Where(),
				map[bool]string{true: " (dry run: nothing is written)"}[*dryRun])
			rep, err := syncer.Rebuild(ctx, st, *pageSize, *dryRun, func(d flexisip.Drift) { fmt.Fprintln(e.Stdout, d) })
			summary := fmt.Sprintf("checked %d accounts: %d drifted (%d missing, %d changed, %d extra)",
				rep.Checked, rep.Drifted(), rep.Missing, rep.Changed, rep.Extra)
			if !*dryRun {
				summary += fmt.Sprintf(", %d fixed, %d not fixed", rep.Fixed, rep.Failed)
			}
			fmt.Fprintln(e.Stdout, summary)
			if err != nil {
				return err
			}
			if rep.Failed > 0 {
				return fmt.Errorf("%d accounts could not be fixed (see above)", rep.Failed)
			}
			return nil
		}
	},
}

// errUsage marks an error of the command line (exit status 2).
type errUsage struct{ msg string }

func (e *errUsage) Error() string { return e.msg }

func usageError(msg string) error { return &errUsage{msg} }

func isUsage(err error) bool {
	var u *errUsage
	return errors.As(err, &u)
}
