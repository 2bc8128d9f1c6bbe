package accountapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// adminSchemas are the request bodies of the admin account endpoints beyond the slice: update, search, search by email.
func adminSchemas(cfg *config.Config) api.Schemas { return api.Schemas{} }

// adminHandlers serve the admin account endpoints beyond the slice: update, search, search by email.
func (h handlers) adminHandlers() map[string]api.Handler { return map[string]api.Handler{} }
