package devstack

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

// GatewayOptions wire the local gateway to built bootstraps.
type GatewayOptions struct {
	// Bootstraps maps a group name (and Authorizer) to its binary.
	Bootstraps map[string]string
	// Env is appended to the functions' environment: the emulators'
	// endpoints and FlexiAPI's configuration.
	Env                []string
	RateLimitPerMinute int
	Logger             *slog.Logger
	// Output receives the functions' own log lines (default os.Stderr).
	Output io.Writer
}

// NewGateway is the local API Gateway serving the production route table
// with the real bootstraps, as `make run` does.
func NewGateway(o GatewayOptions) (*localgw.Gateway, error) {
	fn := func(name string) (*localgw.Function, error) {
		path, ok := o.Bootstraps[name]
		if !ok {
			return nil, fmt.Errorf("no bootstrap for %s", name)
		}
		return &localgw.Function{Name: name, Path: path, Env: o.Env, Logger: o.Logger, Output: o.Output}, nil
	}
	fns := map[string]*localgw.Function{}
	for _, g := range api.Groups {
		f, err := fn(g)
		if err != nil {
			return nil, err
		}
		fns[g] = f
	}
	authz, err := fn(Authorizer)
	if err != nil {
		return nil, err
	}
	return localgw.New(localgw.Config{
		Table:              api.Routes,
		Functions:          fns,
		Authorizer:         authz,
		RateLimitPerMinute: o.RateLimitPerMinute,
		Logger:             o.Logger,
	})
}
