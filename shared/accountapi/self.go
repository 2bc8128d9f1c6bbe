package accountapi

import (
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// selfSchemas are the request bodies of the authenticated account's own endpoints (/accounts/me/...): deletion, password, email and phone changes, devices.
func selfSchemas(cfg *config.Config) api.Schemas { return api.Schemas{} }

// selfHandlers serve the authenticated account's own endpoints (/accounts/me/...): deletion, password, email and phone changes, devices.
func (h handlers) selfHandlers() map[string]api.Handler { return map[string]api.Handler{} }
