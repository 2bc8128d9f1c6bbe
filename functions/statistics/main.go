// Command statistics is the Lambda of the statistics group: the events
// Flexisip pushes and their read-back.
package main

import (
	"context"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	fn := startup.Begin(api.GroupStatistics)
	st := startup.Must(store.New(context.Background(), fn.Config.TableName))
	fn.Serve(group(fn.Config, st))
}

// group wires the statistics group over a store (nil in the wiring test).
func group(cfg *config.Config, st *store.Store) startup.Group {
	svc := stats.NewService(st, cfg.StatisticsRetention)
	return startup.Group{Name: api.GroupStatistics, Table: api.Routes,
		Handlers: statsapi.Handlers(svc, cfg), Schemas: statsapi.Schemas()}
}
