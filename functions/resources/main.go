// Command resources is the Lambda of the resources group: contacts,
// contacts lists, account types, actions and the dictionary
// (shared/resourceapi), and the vCard and provisioning routes
// (shared/provisioningapi) that read the same data.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioningapi"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	log := logging.New(api.GroupResources)
	cfg := config.MustLoad()
	st, err := store.New(context.Background(), cfg.TableName)
	if err != nil {
		log.Error("store", "error", err.Error())
		panic(err)
	}
	accounts := account.NewService(st, cfg)
	resources := resource.NewService(st, accounts)

	// Every handler package of the group adds its handlers and its request
	// schemas here, one line each; a name declared twice stops the start.
	handlers := mergeHandlers(
		resourceapi.Handlers(resources),
		provisioningapi.Handlers(provisioning.NewService(st, accounts), accounts, resources),
	)
	schemas := mergeSchemas(
		resourceapi.RouterSchemas(cfg),
		provisioningapi.Schemas(cfg),
	)

	rt, err := api.NewRouter(api.Routes, api.GroupResources, handlers,
		api.RouterOptions{Schemas: schemas, Facts: resourceapi.Facts(resources), GateOn: apigw.GateOn(cfg), Logger: log})
	if err != nil {
		log.Error("router", "error", err.Error())
		panic(err)
	}
	lambda.Start(apigw.ProxyHandler(rt))
}

func mergeHandlers(parts ...map[string]api.Handler) map[string]api.Handler {
	out := map[string]api.Handler{}
	for _, part := range parts {
		for name, h := range part {
			if _, dup := out[name]; dup {
				panic("resources: handler " + name + " declared twice")
			}
			out[name] = h
		}
	}
	return out
}

func mergeSchemas(parts ...api.Schemas) api.Schemas {
	out := api.Schemas{}
	for _, part := range parts {
		for name, s := range part {
			if _, dup := out[name]; dup {
				panic("resources: request schema " + name + " declared twice")
			}
			out[name] = s
		}
	}
	return out
}
