package localstack_test

// The LocalStack init hooks (ready.d/*.sh) cannot meet LocalStack here (no
// Docker engine), so they run against the emulators `make test` starts
// (go run ./cmd/devstack exec): moto for SNS and SES v2 identities, the
// SES v2 emulator aws-ses-v2-local, DynamoDB Local. Each hook runs twice,
// with `sh` and the aws CLI as LocalStack would run it, and its effect is
// read back from the emulator.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hook runs ready.d/<script> with sh, the process environment stripped of
// every AWS endpoint and FlexiAPI variable, plus vars.

// The compose file cannot be started here: check what the hooks and the
// README rely on.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	compose := string(raw)
	image := regexp.MustCompile(`(?m)^\s+image:\s*(\S+)$`).FindStringSubmatch(compose)
	if image == nil || !regexp.MustCompile(`^localstack/localstack:\d{4}\.\d{2}\.\d+$`).MatchString(image[1]) {
		t.Errorf("image %v: want localstack/localstack pinned to an exact YYYY.MM.patch version", image)
	}
	if !strings.Contains(compose, "LOCALSTACK_AUTH_TOKEN: ${LOCALSTACK_AUTH_TOKEN:?") {
		t.Error("LOCALSTACK_AUTH_TOKEN must come from the environment with a :? guard")
	}
	services := regexp.MustCompile(`(?m)^\s+SERVICES:\s*(\S+)$`).FindStringSubmatch(compose)
	if services == nil {
		t.Fatal("no SERVICES")
	}
	have := map[string]bool{}
	for _, s := range strings.Split(services[1], ",") {
		have[s] = true
	}
	for _, s := range strings.Fields("dynamodb lambda apigateway iam logs events ses sns secretsmanager cloudformation s3 ssm sts wafv2") {
		if !have[s] {
			t.Errorf("SERVICES lacks %s", s)
		}
	}
	if !strings.Contains(compose, "./ready.d:/etc/localstack/init/ready.d") {
		t.Error("the ready.d hooks are not mounted at /etc/localstack/init/ready.d")
	}
	// The admin CLI: dist/ mounted so that FLEXIAPI_ADMIN_BIN, the hook's
	// default, is dist/flexiapi-admin-linux.
	bin := regexp.MustCompile(`(?m)^\s+FLEXIAPI_ADMIN_BIN:\s*(\S+)$`).FindStringSubmatch(compose)
	mount := regexp.MustCompile(`source: \.\./dist\n\s+target: (\S+)\n`).FindStringSubmatch(compose)
	if bin == nil || mount == nil || bin[1] != mount[1]+"/flexiapi-admin-linux" {
		t.Errorf("FLEXIAPI_ADMIN_BIN %v must be dist/flexiapi-admin-linux in the dist/ mount %v", bin, mount)
	}
	script, err := os.ReadFile(filepath.Join("ready.d", "30-bootstrap-admin.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if bin != nil && !strings.Contains(string(script), "bin=${FLEXIAPI_ADMIN_BIN:-"+bin[1]+"}") {
		t.Errorf("30-bootstrap-admin.sh's default binary is not %s", bin[1])
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	hooks, _ := filepath.Glob(filepath.Join("ready.d", "*"))
	if len(hooks) != 3 {
		t.Errorf("ready.d holds %v, want the three hooks", hooks)
	}
	for _, h := range hooks {
		fi, err := os.Stat(h)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := os.ReadFile(h)
		switch {
		case !strings.HasSuffix(h, ".sh"):
			t.Errorf("%s: LocalStack only runs .sh (and .py) hooks", h)
		case fi.Mode().Perm()&0o111 == 0:
			t.Errorf("%s is not executable", h)
		case !strings.HasPrefix(string(body), "#!/bin/sh\n") || !strings.Contains(string(body), "\nset -eu\n"):
			t.Errorf("%s: want a POSIX sh script with set -eu", h)
		}
		if !strings.Contains(string(readme), "`"+filepath.ToSlash(h)+"`") {
			t.Errorf("README.md does not describe %s", h)
		}
	}
}
