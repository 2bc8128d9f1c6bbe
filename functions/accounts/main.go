// Command accounts is the Lambda of the accounts group: accounts, API keys
// and auth tokens.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/accountapi"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/notify"
	"github.com/flexiapi-serverless/flexiapi/shared/registrar"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	log := logging.New(api.GroupAccounts)
	cfg := config.MustLoad()
	st, err := store.New(context.Background(), cfg.TableName)
	if err != nil {
		log.Error("store", "error", err.Error())
		panic(err)
	}
	svc := account.NewService(st, cfg).WithDeps(account.Deps{
		SMS:     notify.NewSMS(),
		Mail:    notify.NewMail(cfg.MailFromAddress, cfg.MailFromName),
		Devices: registrar.FromURL(cfg.FlexisipRedisURL),
		Push:    notify.NewPush(cfg.PushApps),
	})
	rt, err := api.NewRouter(api.Routes, api.GroupAccounts, accountapi.Handlers(svc),
		api.RouterOptions{Schemas: accountapi.Schemas(cfg), Facts: accountapi.Facts(svc), GateOn: apigw.GateOn(cfg), Logger: log})
	if err != nil {
		log.Error("router", "error", err.Error())
		panic(err)
	}
	lambda.Start(apigw.ProxyHandler(rt))
}
