//go:build integration

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// TestCommandsNextToTheLocalStack: the built CLI, run in a folder holding
// make run's .local/functions.json and with no AWS variable in its
// environment, creates the table, an admin and an API key on the local
// stack.
func TestCommandsNextToTheLocalStack(t *testing.T) {
	ddb := testenv.Endpoint(t, "AWS_ENDPOINT_URL_DYNAMODB")
	bin := filepath.Join(t.TempDir(), "flexiapi-admin")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".local"), 0o755)
	table := testenv.UniqueName("cli")
	vars := map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB": ddb, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
		"AWS_REGION": "us-east-1", "FLEXIAPI_TABLE": table, "APP_SIP_DOMAIN": "cli.example.org",
	}
	b, _ := json.Marshal(vars)
	if err := os.WriteFile(filepath.Join(dir, LocalEnvFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "FLEXIAPI_") && !strings.HasPrefix(kv, "APP_") {
			env = append(env, kv)
		}
	}
	cli := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "using make run's local stack") {
			t.Errorf("%v: stderr does not say the local stack is used: %q", args, stderr.String())
		}
		return string(out)
	}
	if out := cli("create-table"); !strings.Contains(out, "table "+table+" created") {
		t.Fatalf("create-table: %q", out)
	}
	var admin Admin
	if err := json.Unmarshal([]byte(cli("create-admin", "-username", "root1")), &admin); err != nil {
		t.Fatal(err)
	}
	if admin.Domain != "cli.example.org" || admin.APIKey == "" || admin.ID == 0 {
		t.Fatalf("admin %+v", admin)
	}
	key := strings.TrimSpace(cli("api-key", "-username", "root1"))
	if key == "" || key == admin.APIKey {
		t.Fatalf("api-key printed %q (the admin's was %q)", key, admin.APIKey)
	}
}
