// Command meta is the Lambda of the meta group: ping, documentation, and
// the JSON 404/405 answers for requests no route serves.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/metaapi"
)

func main() {
	log := logging.New(api.GroupMeta)
	cfg := config.MustLoad()
	rt, err := api.NewRouter(api.Routes, api.GroupMeta, metaapi.Handlers(),
		api.RouterOptions{GateOn: apigw.GateOn(cfg), Logger: log})
	if err != nil {
		log.Error("router", "error", err.Error())
		panic(err)
	}
	lambda.Start(apigw.ProxyHandler(rt))
}
