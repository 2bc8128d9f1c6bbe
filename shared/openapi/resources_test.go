package openapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
)

// withResources adds the resources group's request bodies.
func withResources(base api.Schemas, cfg *config.Config) api.Schemas {
	out := api.Schemas{}
	for _, part := range []api.Schemas{base, resourceapi.Schemas(cfg)} {
		for k, v := range part {
			out[k] = v
		}
	}
	return out
}
