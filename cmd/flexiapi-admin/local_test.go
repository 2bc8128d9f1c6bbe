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
// environment, runs its commands on the local stack: the table, an admin
// (its domain from a deploy configuration given with -config), an API key,
// an import of a FlexiAPI database, list and export. flexisip-sync
// -rebuild runs the same way in flexisip_integration_test.go.
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

	// -config: the deploy configuration's variables win over the local
	// stack's (its settings and references are ignored here).
	deploy := filepath.Join(dir, "prod.json")
	os.WriteFile(deploy, []byte(`{"stage": "prod", "APP_SIP_DOMAIN": "deploy.example.org", "ACCOUNT_REALM": "deploy-realm",
		"SIP_SENDER_PASSWORD": "{{resolve:secretsmanager:x:SecretString:password}}"}`), 0o600)
	var second Admin
	if err := json.Unmarshal([]byte(cli("create-admin", "-config", deploy, "-username", "root3")), &second); err != nil {
		t.Fatal(err)
	}
	if second.Domain != "deploy.example.org" {
		t.Fatalf("create-admin -config: domain %q", second.Domain)
	}

	// import, then list and export what is there.
	source := flexiapiDatabase(t, "")
	if out := cli("import", "-from", source); !strings.Contains(out, "accounts") {
		t.Fatalf("import: %q", out)
	}
	lines := func(out string) []map[string]any {
		var rows []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("not a JSON line: %q", l)
			}
			rows = append(rows, m)
		}
		return rows
	}
	all := lines(cli("list"))
	imported := lines(cli("list", "-domain", "sip.example.org"))
	mine := lines(cli("list", "-domain", "cli.example.org"))
	if len(imported) < 20 || len(mine) != 1 || len(all) != len(imported)+len(mine)+1 {
		t.Fatalf("list: %d in all, %d imported, %d of cli.example.org", len(all), len(imported), len(mine))
	}
	for _, a := range all {
		if _, ok := a["passwords"]; ok && strings.Contains(jsonText(a["passwords"]), "\"password\"") {
			t.Fatalf("list shows a password hash: %v", a)
		}
	}
	if mine[0]["username"] != "root1" || mine[0]["admin"] == nil {
		t.Errorf("list: %v", mine[0])
	}
	file := filepath.Join(dir, "export.jsonl")
	cli("export", "-domain", "sip.example.org", "-o", file)
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v", fi, err)
	}
	data, _ := os.ReadFile(file)
	exp := lines(string(data))
	if len(exp) != len(imported) {
		t.Fatalf("export: %d lines, list: %d", len(exp), len(imported))
	}
	for i, x := range exp {
		pw, _ := x["passwords"].(map[string]any)
		if x["id"] != imported[i]["id"] || x["username"] != imported[i]["username"] || len(pw) == 0 {
			t.Fatalf("export line %d: %v (list: %v)", i, x, imported[i])
		}
	}
	if out := lines(cli("export", "-domain", "cli.example.org")); len(out) != 1 || out[0]["admin"] != true {
		t.Fatalf("export to standard output: %v", out)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
