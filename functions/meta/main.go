// Command meta is the Lambda of the meta group: ping, documentation, and
// the JSON 404/405 answers for requests no route serves.
package main

import (
	"github.com/flexiapi-serverless/flexiapi/shared/accountapi"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
	"github.com/flexiapi-serverless/flexiapi/shared/metaapi"
	"github.com/flexiapi-serverless/flexiapi/shared/openapi"
	"github.com/flexiapi-serverless/flexiapi/shared/resourceapi"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/statsapi"
)

func main() {
	fn := startup.Begin(api.GroupMeta)
	fn.Serve(startup.Must(group(fn.Config)))
}

// group wires the meta group. The documentation covers every group: it
// needs the request schemas of all of them (none of which pulls the AWS
// SDK into this binary). The router works on the deployed table: a closed
// gate's path is unknown for every method (404, not 405), as API Gateway
// has no resource for it.
func group(cfg *config.Config) (startup.Group, error) {
	docs, err := metaapi.NewDocs(api.Routes, openapi.Info{
		Title:     cfg.AppName + " API",
		ServerURL: cfg.AppURL,
		GateOn:    apigw.GateOn(cfg),
	}, accountapi.Schemas(cfg), statsapi.Schemas(), resourceapi.Schemas(cfg), messageapi.Schemas())
	if err != nil {
		return startup.Group{}, err
	}
	return startup.Group{Name: api.GroupMeta, Table: api.Routes.Deployed(apigw.GateOn(cfg)),
		Handlers: metaapi.Handlers(docs)}, nil
}
