package devstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip/mapping"
)

// Names of the bootstraps that are not endpoint groups.
const (
	Authorizer  = "authorizer"
	Maintenance = "maintenance" // scheduled, not behind the gateway
	// FlexisipSync is fed by the table's stream (shared/localesm locally).
	FlexisipSync = mapping.Function
)

// Binaries are the Lambda programs: one per group of the route table, the
// authorizer, the scheduled maintenance and the projection for Flexisip
// (fed by the table's stream), with their package directories.
func Binaries() map[string]string {
	out := map[string]string{Authorizer: "./authorizer", Maintenance: "./functions/maintenance",
		FlexisipSync: "./functions/" + mapping.Function}
	for _, g := range api.Groups {
		out[g] = "./functions/" + g
	}
	return out
}

// BuildFlags are the deployment flags (architecture.md): the same flags
// build the local and the deployed bootstraps, only GOARCH differs.
var BuildFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w"}

// Build compiles every bootstrap into outDir/<name>/bootstrap for goarch
// ("" = this machine's), in one `go build` so packages compile in
// parallel. It returns name → path.
func Build(ctx context.Context, root, outDir, goarch string) (map[string]string, error) {
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	tmp, err := os.MkdirTemp(outDir, ".build-")
	if err != nil {
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return nil, err
		}
		if tmp, err = os.MkdirTemp(outDir, ".build-"); err != nil {
			return nil, err
		}
	}
	defer os.RemoveAll(tmp)
	bins := Binaries()
	args := append([]string{"build", "-o", tmp + string(os.PathSeparator)}, BuildFlags...)
	for _, pkg := range bins {
		args = append(args, pkg)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}
	paths := map[string]string{}
	for name, pkg := range bins {
		dir := filepath.Join(outDir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		dst := filepath.Join(dir, "bootstrap")
		if err := os.Rename(filepath.Join(tmp, filepath.Base(pkg)), dst); err != nil {
			return nil, fmt.Errorf("install %s: %w", name, err)
		}
		paths[name] = dst
	}
	return paths, nil
}
