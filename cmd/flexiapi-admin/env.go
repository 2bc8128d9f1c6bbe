package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

const environmentHelp = `Environment:
  The settings are the functions' own variables (FLEXIAPI_TABLE, APP_SIP_DOMAIN,
  ACCOUNT_REALM, ...) and DynamoDB is reached through the standard AWS
  configuration (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, ...).

  -config FILE reads the variables of the stack's deploy configuration
  (deploy/example.json is the sample): they win over the environment, so the
  domain, realm and username rules are the deployment's. The table still comes
  from -table or FLEXIAPI_TABLE (the stack's TableName output).

  Next to make run: run from the repository folder while make run is up, with no
  AWS variable set, and the command uses the local stack that make run wrote to
  .local/functions.json (its emulators and the functions' settings); it says so on
  standard error. Setting AWS_PROFILE, AWS_ACCESS_KEY_ID or
  AWS_ENDPOINT_URL_DYNAMODB, or -aws, turns that off.
`

// common holds the flags every command takes.
type common struct {
	table  *string
	aws    *bool
	config *string
}

func commonFlags(fs *flag.FlagSet) *common {
	return &common{
		table:  fs.String("table", "", "DynamoDB table (default $FLEXIAPI_TABLE, else flexiapi)"),
		aws:    fs.Bool("aws", false, "use the AWS configuration even next to make run's local stack"),
		config: fs.String("config", "", "the stack's deploy configuration (JSON): its variables win over the environment"),
	}
}

// Env is what a command works with: the settings, resolved once.
type Env struct {
	// Getenv reads a setting: the process environment first, then the
	// local stack's (when in use).
	Getenv func(string) string
	// Local is the local stack's environment file in use ("" on AWS).
	Local          string
	Stdout, Stderr io.Writer
	table          string
}

// environment resolves where the command runs: next to make run, or on
// the AWS configuration of the process.
func (c *common) environment(stderr io.Writer) (*Env, error) {
	e := &Env{Getenv: os.Getenv, table: *c.table}
	if !*c.aws {
		local, vars, err := findLocalStack()
		if err != nil {
			return nil, err
		}
		if local != "" {
			e.Local = local
			e.Getenv = func(k string) string {
				if v, ok := os.LookupEnv(k); ok {
					return v
				}
				return vars[k]
			}
			// The AWS SDK reads its endpoints and credentials from the
			// process environment.
			for k, v := range vars {
				if _, set := os.LookupEnv(k); !set && isAWSVariable(k) {
					os.Setenv(k, v)
				}
			}
			fmt.Fprintf(stderr, "flexiapi-admin: using make run's local stack (%s); -aws to use AWS instead\n", local)
		}
	}
	if *c.config != "" {
		f, err := config.ReadDeployFile(*c.config)
		if err != nil {
			return nil, err
		}
		next := e.Getenv
		e.Getenv = func(k string) string {
			// A {{resolve:...}} reference is CloudFormation's to resolve:
			// here it counts as unset.
			if v, ok := f.Vars[k]; ok && !strings.HasPrefix(v, "{{resolve:") {
				return v
			}
			return next(k)
		}
	}
	return e, nil
}

// Config loads the functions' configuration. The CLI never answers
// Digest, so it does not need the deployment's APP_KEY; every other
// setting (realm, domain, table) must match it.
func (e *Env) Config() (*config.Config, error) {
	return config.Load(func(name string) string {
		switch {
		case name == "FLEXIAPI_TABLE" && e.table != "":
			return e.table
		case name == "APP_KEY" && e.Getenv(name) == "":
			return "not-used-by-flexiapi-admin"
		}
		return e.Getenv(name)
	})
}

// Store opens the table of the configuration.
func (e *Env) Store(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	return store.New(ctx, cfg.TableName)
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
