// Command authorizer is the REQUEST Lambda authorizer of every protected
// route: JWT, API key or Digest (shared/authn).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	log := logging.New("authorizer")
	cfg := config.MustLoad()
	st, err := store.New(context.Background(), cfg.TableName)
	if err != nil {
		log.Error("store", "error", err.Error())
		panic(err)
	}
	lambda.Start(apigw.AuthorizerHandler(authn.New(st, cfg, log), log))
}
