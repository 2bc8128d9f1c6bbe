// Command statistics is the Lambda of the statistics group: the events
// Flexisip pushes (through the REST API, or the machine API where it checks
// the API key itself) and their read-back.
package main

import (
	"context"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
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
// Keys is the authorizer's API-key check, for the machine API.
func group(cfg *config.Config, st *store.Store) startup.Group {
	svc := stats.NewService(st, cfg.StatisticsRetention)
	return startup.Group{Name: api.GroupStatistics, Table: api.Routes,
		Handlers: statsapi.Handlers(svc, cfg), Schemas: statsapi.Schemas(),
		Keys: authn.New(st, cfg, nil)}
}
