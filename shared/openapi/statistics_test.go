package openapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
)

// withStatistics adds the statistics group's request schemas, as the meta
// function links them.
func withStatistics(base api.Schemas) api.Schemas {
	out := api.Schemas{}
	for _, part := range []api.Schemas{base, statsapi.Schemas()} {
		for k, v := range part {
			out[k] = v
		}
	}
	return out
}
