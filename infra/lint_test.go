package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// TestCfnLint synthesizes the app as `cdk synth` does (Build, then the
// cloud assembly) for a default and a production context, and runs
// cfn-lint on each template: no error allowed, warnings reported.
func TestCfnLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not installed (pip install cfn-lint): make test needs it")
	}
	for _, tc := range []struct {
		name string
		ctx  map[string]any
	}{
		{"dev", nil},
		{"prod", map[string]any{CtxStage: "prod", CtxProduction: true, CtxAlarmEmail: "ops@example.org",
			CtxAccessLogs: true, CtxConfig: writeConfig(t, prodConfig)}},
		{"flexisip", flexisipContext},
		{"sample", map[string]any{CtxConfig: sampleConfig}},
		{"sample-bare", map[string]any{CtxConfig: bareSample(t)}},
		{"traced", map[string]any{CtxStage: "tr", CtxTracing: true, CtxBackup: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			ctx := cdkContext(t)
			ctx[CtxDist] = dummyDist(t)
			for k, v := range tc.ctx {
				ctx[k] = v
			}
			app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(out)})
			st, err := Build(app)
			if err != nil {
				t.Fatal(err)
			}
			app.Synth(nil)
			file := filepath.Join(out, *st.StackName()+".template.json")
			cmd := exec.Command(lint, "--format", "parseable", file)
			report, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			switch {
			case err == nil:
			case errors.As(err, &exit):
				// cfn-lint's exit code is a bit mask: 2 errors, 4
				// warnings, 8 informational.
				code := exit.ExitCode()
				if code&2 != 0 || code&^(2|4|8) != 0 {
					t.Errorf("cfn-lint %s: exit %d\n%s", file, code, report)
				} else {
					t.Logf("cfn-lint warnings:\n%s", report)
				}
			default:
				t.Fatalf("cfn-lint: %v", err)
			}
		})
	}
}
