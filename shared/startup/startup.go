// Package startup is what every Lambda main does before lambda.Start: a
// JSON logger that is also slog's default (so the domain's slog.*Context
// lines are JSON with the request id), the configuration, and a start-up
// failure logged as JSON before the function stops.
package startup

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/params"
)

// Function is a started function: its logger and its configuration.
type Function struct {
	Log    *slog.Logger
	Config *config.Config
}

// Begin makes the component's JSON logger slog's default, then loads the
// configuration from Getenv (an invalid one is logged and stops the
// process).
func Begin(component string) Function {
	log := Logger(component)
	return Function{Log: log, Config: config.MustLoad(Getenv())}
}

// Getenv is the function's configuration lookup: its environment, with
// the variables FLEXIAPI_SSM_PARAMETERS names read from SSM Parameter
// Store (shared/params). A parameter that cannot be read is logged, with
// its variable and name, and fails the start.
func Getenv() func(string) string {
	return Must(params.Getenv(context.Background(), os.Getenv))
}

// Logger makes the component's JSON logger slog's default and returns it:
// the start of a function whose configuration is not the API's (the
// stream consumer).
func Logger(component string) *slog.Logger {
	log := logging.New(component)
	slog.SetDefault(log)
	return log
}

// Must returns v, or logs err through slog's default logger and panics: a
// function that cannot build what it serves with must fail its init.
func Must[T any](v T, err error) T {
	if err != nil {
		slog.Error("start-up failed", "error", err.Error())
		panic(err)
	}
	return v
}

// Group is what a group's function serves: the route table (api.Routes, or
// its deployed part), the group's handlers and its request schemas, and
// the facts lookups of the schemas whose store rules need them.
type Group struct {
	Name     string
	Table    *api.Table
	Handlers map[string]api.Handler
	Schemas  api.Schemas
	Facts    map[string]api.FactsFunc
	// Keys authenticates the group's protected routes on the machine API
	// (the authorizer's API-key code, shared/authn); SecretOK checks its
	// Secret routes. Each is needed only by a group that serves such a
	// route, which Router checks.
	Keys     api.KeyAuthenticator
	SecretOK func(string) bool
}

// Router builds the group's router under cfg's gates. It fails when the
// group's routes, handlers and schemas do not match one to one; the
// wiring test of each function calls it without AWS.
func Router(g Group, cfg *config.Config, log *slog.Logger) (*api.Router, error) {
	rt, err := api.NewRouter(g.Table, g.Name, g.Handlers,
		api.RouterOptions{Schemas: g.Schemas, Facts: g.Facts, GateOn: apigw.GateOn(cfg), Keys: g.Keys, SecretOK: g.SecretOK, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", g.Name, err)
	}
	return rt, nil
}

// Serve builds the group's router and hands it to the Lambda runtime.
func (f Function) Serve(g Group) {
	lambda.Start(apigw.ProxyHandler(Must(Router(g, f.Config, f.Log))))
}
