// Command flexiapi-admin is the operator's tool. Run it with -h for the
// list of commands; each command takes -h too.
//
// It reaches DynamoDB through the standard AWS configuration (AWS_PROFILE,
// AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB...), and reads its settings from
// the same variables as the functions (FLEXIAPI_TABLE, APP_SIP_DOMAIN,
// ACCOUNT_REALM...). Next to `make run` it finds the local stack by itself
// (see localstack.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/flexiapi-serverless/flexiapi/shared/awsenv"
)

// command is one subcommand. run parses its own flags from fs (already
// holding the common ones) and does the work.
type command struct {
	name    string
	args    string // synopsis of the flags, for the usage line
	summary string
	// setup declares the command's flags; run executes it once they are
	// parsed.
	setup func(fs *flag.FlagSet) func(ctx context.Context, e *Env) error
}

// commands is the table of every subcommand, in the order -h lists them.
// A command lives in its own file and is one row here.
var commands = []command{
	createTableCommand,
	createAdminCommand,
	apiKeyCommand,
	flexisipSyncCommand,
	importCommand,
	listCommand,
	exportCommand,
}

func main() {
	// The operator's credentials may come from a profile or SSO, not only
	// the environment a Lambda function has.
	awsenv.Load = func(ctx context.Context) (aws.Config, error) { return awsconfig.LoadDefaultConfig(ctx) }
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status: 0, 1 when
// the command failed, 2 for a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			return run([]string{args[1], "-h"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "flexiapi-admin: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	common := commonFlags(fs)
	exec := cmd.setup(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: flexiapi-admin %s %s\n\n%s\n\nFlags:\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output(), "\nflexiapi-admin -h says where the settings and the AWS configuration come from.")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "flexiapi-admin %s: %v\n", cmd.name, err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "flexiapi-admin %s: unexpected argument %q (run flexiapi-admin %s -h)\n", cmd.name, fs.Arg(0), cmd.name)
		return 2
	}
	env, err := common.environment(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "flexiapi-admin %s: %v\n", cmd.name, err)
		return 1
	}
	env.Stdout, env.Stderr = stdout, stderr
	ctx, cancel := signalContext()
	defer cancel()
	if err := exec(ctx, env); err != nil {
		fmt.Fprintf(stderr, "flexiapi-admin %s: %v\n", cmd.name, err)
		if isUsage(err) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: flexiapi-admin COMMAND [flags]   (flexiapi-admin COMMAND -h for its flags)\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, firstLine(c.summary))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s", environmentHelp)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
