// Command accounts is the Lambda of the accounts group: accounts, API keys
// and auth tokens.
package main

import (
	"context"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/accountapi"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/notify"
	"github.com/flexiapi-serverless/flexiapi/shared/registrar"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	fn := startup.Begin(api.GroupAccounts)
	st := startup.Must(store.New(context.Background(), fn.Config.TableName))
	fn.Serve(group(fn.Config, st))
}

// group wires the accounts group over a store (nil in the wiring test).
func group(cfg *config.Config, st *store.Store) startup.Group {
	svc := account.NewService(st, cfg).WithDeps(account.Deps{
		SMS:     notify.NewSMS(),
		Mail:    notify.NewMail(cfg.MailFromAddress, cfg.MailFromName),
		Devices: registrar.FromURL(cfg.FlexisipRedisURL),
		Push:    notify.NewPush(cfg.PushApps),
	})
	return startup.Group{Name: api.GroupAccounts, Table: api.Routes,
		Handlers: accountapi.Handlers(svc), Schemas: accountapi.Schemas(cfg), Facts: accountapi.Facts(svc)}
}
