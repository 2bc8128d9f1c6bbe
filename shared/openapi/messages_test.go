package openapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
)

// withMessages adds the messages group's request schema.
func withMessages(base api.Schemas) api.Schemas {
	out := api.Schemas{}
	for _, part := range []api.Schemas{base, messageapi.Schemas()} {
		for k, v := range part {
			out[k] = v
		}
	}
	return out
}
