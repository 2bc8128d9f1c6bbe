// Command extauth is the Lambda of Flexisip's ExternalAuthentication
// plugin: GET /api/flexisip/auth on the machine API checks the Digest
// answer of a SIP request against an account (shared/extauth).
package main

import (
	"context"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/extauth"
	"github.com/flexiapi-serverless/flexiapi/shared/extauthapi"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	fn := startup.Begin(api.GroupExtAuth)
	if len(fn.Config.FlexisipAuthSecrets) == 0 {
		fn.Log.Warn("FLEXISIP_AUTH_SECRET is not set: every check is refused with HTTP 403")
	}
	st := startup.Must(store.New(context.Background(), fn.Config.TableName))
	fn.Serve(group(fn.Config, st))
}

// group wires the group over a store (nil in the wiring test). The secret
// check compares in constant time with FLEXISIP_AUTH_SECRET and, during a
// rotation, FLEXISIP_AUTH_SECRET_PREVIOUS.
func group(cfg *config.Config, st *store.Store) startup.Group {
	return startup.Group{Name: api.GroupExtAuth, Table: api.Routes,
		Handlers: extauthapi.Handlers(extauth.NewChecker(st, cfg)),
		SecretOK: func(s string) bool { return auth.SecretMatches(s, cfg.FlexisipAuthSecrets) }}
}
