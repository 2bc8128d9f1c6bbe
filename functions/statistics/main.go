// Command statistics is the Lambda of the statistics group: the events
// Flexisip pushes and their read-back.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	log := logging.New(api.GroupStatistics)
	cfg := config.MustLoad()
	st, err := store.New(context.Background(), cfg.TableName)
	if err != nil {
		log.Error("store", "error", err.Error())
		panic(err)
	}
	svc := stats.NewService(st, cfg.StatisticsRetention)
	rt, err := api.NewRouter(api.Routes, api.GroupStatistics, statsapi.Handlers(svc, cfg),
		api.RouterOptions{Schemas: statsapi.Schemas(), GateOn: apigw.GateOn(cfg), Logger: log})
	if err != nil {
		log.Error("router", "error", err.Error())
		panic(err)
	}
	lambda.Start(apigw.ProxyHandler(rt))
}
