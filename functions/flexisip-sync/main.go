// Command flexisip-sync is the Lambda fed by the table's DynamoDB stream:
// it keeps the `accounts`, `passwords` and `aliases` tables of the
// database Flexisip authenticates from in step with the accounts
// (docs/flexisip.md).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/dbsecret"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip/mapping"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/streamgw"
)

func main() {
	log := startup.Logger(mapping.Function) // the SQL driver's own lines too, as JSON
	ctx := context.Background()
	cfg := startup.Must(config.LoadFlexisipSQL(startup.Getenv()))
	st := startup.Must(store.New(ctx, cfg.TableName))
	dsn := startup.Must(dbsecret.DSN(ctx, cfg)) // once per container
	db := startup.Must(flexisipdb.Open(dsn))
	syncer := &flexisip.Syncer{Source: st, Target: db, AliasDomain: cfg.AliasDomain, Logger: log}
	lambda.Start(streamgw.Handler(syncer, log))
}
