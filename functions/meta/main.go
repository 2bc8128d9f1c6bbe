// Command meta is the Lambda of the meta group: ping, documentation, and
// the JSON 404/405 answers for requests no route serves.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/accountapi"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
	"github.com/flexiapi-serverless/flexiapi/shared/metaapi"
	"github.com/flexiapi-serverless/flexiapi/shared/openapi"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
)

func main() {
	log := logging.New(api.GroupMeta)
	cfg := config.MustLoad()
	// The documentation covers every group: it needs the request schemas
	// of all of them (none of which pulls the AWS SDK into this binary).
	docs, err := metaapi.NewDocs(api.Routes, openapi.Info{
		Title:     cfg.AppName + " API",
		ServerURL: cfg.AppURL,
		GateOn:    apigw.GateOn(cfg),
	}, accountapi.Schemas(cfg), statsapi.Schemas(), resourceapi.Schemas(cfg), messageapi.Schemas())
	if err != nil {
		log.Error("documentation", "error", err.Error())
		panic(err)
	}
	// Routed on the deployed table: a closed gate's path is unknown for
	// every method (404, not 405), as API Gateway has no resource for it.
	rt, err := api.NewRouter(api.Routes.Deployed(apigw.GateOn(cfg)), api.GroupMeta, metaapi.Handlers(docs),
		api.RouterOptions{GateOn: apigw.GateOn(cfg), Logger: log})
	if err != nil {
		log.Error("router", "error", err.Error())
		panic(err)
	}
	lambda.Start(apigw.ProxyHandler(rt))
}
