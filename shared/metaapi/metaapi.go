// Package metaapi serves the meta group: ping, the API's own
// documentation, and (through the router's fallback) FlexiAPI's JSON 404
// and 405 for requests no route serves.
package metaapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// Handlers maps the meta group's handler names to code.
func Handlers() map[string]api.Handler {
	return map[string]api.Handler{
		"Ping": func(context.Context, *api.Request) (*api.Response, error) {
			return api.Text(http.StatusOK, "pong"), nil
		},
	}
}
