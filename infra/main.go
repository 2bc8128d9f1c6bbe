// Command infra is the AWS CDK app of FlexiAPI Serverless: one stack per
// stage (FlexiAPI-<stage>) with the DynamoDB table, the Lambda functions
// (prebuilt dist/<name>.zip), the REST API built from the route table
// (shared/api), its REQUEST authorizer and gateway responses, the WAF rate
// limit, the daily maintenance schedule and the alarms.
//
// It is its own Go module, so the Lambda builds never pull the CDK. Run it
// through the CDK CLI from the repository root (cdk.json):
//
//	npx --yes aws-cdk@2.1148.1 synth -c stage=dev -c config=deploy/dev.json
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	props := &awscdk.AppProps{}
	// The CLI passes the output directory relative to its own directory
	// (the repository root, where cdk.json is), but the app runs inside
	// infra/ (go run -C infra): anchor it at the repository root.
	if out := os.Getenv("CDK_OUTDIR"); out != "" && !filepath.IsAbs(out) {
		cwd, _ := os.Getwd()
		if root, err := FindRepoRoot(cwd); err == nil {
			props.Outdir = jsii.String(filepath.Join(root, out))
		}
	}
	app := awscdk.NewApp(props)
	if _, err := Build(app); err != nil {
		fmt.Fprintln(os.Stderr, "FlexiAPI infra:", err)
		os.Exit(1)
	}
	app.Synth(nil)
	// No jsii.Close(): Synth has returned, the runtime process ends with
	// this one (Close races with the runtime's own wait and may print a
	// spurious "Runtime process exited abnormally").
}
