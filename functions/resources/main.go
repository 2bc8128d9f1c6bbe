// Command resources is the Lambda of the resources group: contacts,
// contacts lists, account types, actions and the dictionary
// (shared/resourceapi), and the vCard and provisioning routes
// (shared/provisioningapi) that read the same data.
package main

import (
	"context"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioningapi"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	fn := startup.Begin(api.GroupResources)
	st := startup.Must(store.New(context.Background(), fn.Config.TableName))
	fn.Serve(group(fn.Config, st))
}

// group wires the resources group over a store (nil in the wiring test).
// Every handler package of the group adds its handlers and its request
// schemas here, one line each.
func group(cfg *config.Config, st *store.Store) startup.Group {
	accounts := account.NewService(st, cfg)
	resources := resource.NewService(st, accounts)
	return startup.Group{Name: api.GroupResources, Table: api.Routes,
		Handlers: api.Merge(
			resourceapi.Handlers(resources),
			provisioningapi.Handlers(provisioning.NewService(st, accounts), accounts, resources),
		),
		Schemas: api.Merge(
			resourceapi.RouterSchemas(cfg),
			provisioningapi.Schemas(cfg),
		),
		Facts: resourceapi.Facts(resources),
	}
}
