// Command authorizer is the REQUEST Lambda authorizer of every protected
// route: JWT, API key or Digest (shared/authn).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	fn := startup.Begin("authorizer")
	st := startup.Must(store.New(context.Background(), fn.Config.TableName))
	lambda.Start(apigw.AuthorizerHandler(authn.New(st, fn.Config, fn.Log), fn.Log))
}
