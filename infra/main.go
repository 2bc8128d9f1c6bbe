package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

var _ constructs.Construct
var _ = assertions.Template_FromStack
var _ = api.Routes
var _ = config.Vars
var _ = schema.Indexes

func main() {
	app := awscdk.NewApp(nil)
	app.Synth(nil)
	_ = jsii.String("")
}
