package devstack

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

// GatewayOptions wire the local gateway to built bootstraps.
type GatewayOptions struct {
	// Bootstraps maps a group name (and Authorizer) to its binary.
	Bootstraps map[string]string
	// Env is the functions' configuration, on top of AWSEnv() (which
	// NewGateway adds itself): FlexiAPI's variables, the table name.
	Env                []string
	RateLimitPerMinute int
	// FunctionTimeout is every function's timeout (default localgw's).
	FunctionTimeout time.Duration
	Logger          *slog.Logger
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
		env := append(AWSEnv(), o.Env...)
		return &localgw.Function{Name: name, Path: path, Env: env, Timeout: o.FunctionTimeout, Logger: o.Logger, Output: o.Output}, nil
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
		Table:              deployedRoutes(o.Env),
		Functions:          fns,
		Authorizer:         authz,
		RateLimitPerMinute: o.RateLimitPerMinute,
		Logger:             o.Logger,
	})
}

// AWSEnv is the part of this process's environment a function needs to
// reach AWS or the emulators: credentials, region and the
// AWS_ENDPOINT_URL_* variables. (The local gateway gives functions a
// Lambda-like environment, not this machine's.)
func AWSEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "AWS_ENDPOINT_URL"),
			name == "AWS_ACCESS_KEY_ID", name == "AWS_SECRET_ACCESS_KEY", name == "AWS_SESSION_TOKEN",
			name == "AWS_REGION", name == "AWS_DEFAULT_REGION":
			out = append(out, kv)
		}
	}
	return out
}

// ConfigEnv is the part of this process's environment that configures
// FlexiAPI: the variables of config.Vars that are set.
func ConfigEnv() []string {
	var out []string
	for _, v := range config.Vars {
		if val, ok := os.LookupEnv(v.Name); ok {
			out = append(out, v.Name+"="+val)
		}
	}
	return out
}

// MachineOptions wire the machine API's local gateway.
type MachineOptions struct {
	Logger *slog.Logger
	// AccessLog receives its access log lines (the stack's format); nil:
	// none.
	AccessLog io.Writer
}

// NewMachineGateway is the machine API (an HTTP API) of the same
// deployment as rest: its routes (api.Routes.On(api.Machine)) on rest's
// functions, one pool of instances for both APIs, as in AWS, where both
// integrate the same functions. Close rest to stop them.
func NewMachineGateway(rest *localgw.Gateway, o MachineOptions) (*localgw.Gateway, error) {
	return localgw.New(localgw.Config{
		API:       api.Machine,
		Table:     api.Routes.On(api.Machine),
		Functions: rest.Functions,
		Logger:    o.Logger,
		AccessLog: o.AccessLog,
	})
}

// deployedRoutes is the table the stack would deploy with this
// configuration: a route behind a closed gate is no resource, so the
// authorizer never runs for it. A configuration that does not load
// keeps the whole table: the functions report what is wrong.
func deployedRoutes(env []string) *api.Table {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		return api.Routes
	}
	return api.Routes.Deployed(api.GatesOf(cfg))
}
