package accountapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// creationSchemas are the request bodies of the public creation flows: creation tokens, request tokens, push, the 2021 aliases, public info and activation, the dangerous endpoints.
func creationSchemas(cfg *config.Config) api.Schemas { return api.Schemas{} }

// creationHandlers serve the public creation flows: creation tokens, request tokens, push, the 2021 aliases, public info and activation, the dangerous endpoints.
func (h handlers) creationHandlers() map[string]api.Handler { return map[string]api.Handler{} }
