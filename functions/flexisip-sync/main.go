// Command flexisip-sync is the Lambda fed by the table's DynamoDB stream:
// it keeps the `accounts`, `passwords` and `aliases` tables of the
// database Flexisip authenticates from in step with the accounts
// (docs/flexisip.md).
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/dbsecret"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip/mapping"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/streamgw"
)

func main() {
	log := logging.New(mapping.Function)
	slog.SetDefault(log) // the SQL driver's own lines, as JSON
	fail := func(what string, err error) {
		log.Error(what, "error", err.Error())
		os.Exit(1)
	}
	ctx := context.Background()
	cfg, err := config.LoadFlexisipSQL(os.Getenv)
	if err != nil {
		fail("configuration", err)
	}
	st, err := store.New(ctx, cfg.TableName)
	if err != nil {
		fail("store", err)
	}
	dsn, err := dbsecret.DSN(ctx, cfg) // once per container
	if err != nil {
		fail("database secret", err)
	}
	db, err := flexisipdb.Open(dsn)
	if err != nil {
		fail("database", err)
	}
	syncer := &flexisip.Syncer{Source: st, Target: db, AliasDomain: cfg.AliasDomain, Logger: log}
	lambda.Start(streamgw.Handler(syncer, log))
}
