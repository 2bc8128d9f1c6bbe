package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

// flexisipSync is make run's projection for Flexisip.
type flexisipSync struct {
	dsn  string
	sync *devstack.FlexisipProjection
}

func (f *flexisipSync) close() { f.sync.Close() }

// startFlexisipSync creates the tables in the projection's database (make
// run's MariaDB, or FLEXISIP_SQL_DSN) and starts the local event source
// mapping on the table's stream.
func startFlexisipSync(ctx context.Context, st *store.Store, stack *devstack.Stack, cfg *config.Config, bootstrap string, log *slog.Logger) (*flexisipSync, error) {
	dsn := os.Getenv("FLEXISIP_SQL_DSN")
	if dsn == "" {
		dsn = stack.MariaDB.URL
	}
	db, err := flexisipdb.Open(dsn)
	if err != nil {
		return nil, fmt.Errorf("FLEXISIP_SQL_DSN: %w", err)
	}
	defer db.Close()
	if err := db.EnsureSchema(ctx); err != nil {
		return nil, err
	}
	arn, err := st.StreamARN(ctx)
	if err != nil {
		return nil, err
	}
	sync, err := devstack.StartFlexisipSync(ctx, devstack.FlexisipSyncOptions{
		Bootstrap: bootstrap,
		Env:       []string{"FLEXIAPI_TABLE=" + cfg.TableName, "APP_SIP_DOMAIN=" + cfg.SIPDomain, "FLEXISIP_SQL_DSN=" + dsn},
		StreamARN: arn, QueueName: cfg.TableName + "-flexisip-sync-failures", Logger: log,
	})
	if err != nil {
		return nil, err
	}
	log.Info("projection for Flexisip started", "database", db.Where(), "failure_queue", sync.QueueURL)
	return &flexisipSync{dsn: dsn, sync: sync}, nil
}
