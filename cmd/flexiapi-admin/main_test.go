package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHelpListsEveryCommandAndExitsZero(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		var out, errw bytes.Buffer
		if code := run(args, &out, &errw); code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errw.String())
		}
		for _, c := range commands {
			if !strings.Contains(out.String(), "  "+c.name+" ") {
				t.Errorf("%v does not list %s:\n%s", args, c.name, out.String())
			}
		}
	}
	for _, c := range commands {
		for _, args := range [][]string{{c.name, "-h"}, {"help", c.name}} {
			var out, errw bytes.Buffer
			if code := run(args, &out, &errw); code != 0 {
				t.Errorf("%v: exit %d, stderr %q", args, code, errw.String())
			}
			if !strings.Contains(out.String(), "usage: flexiapi-admin "+c.name) {
				t.Errorf("%v: no usage line:\n%s", args, out.String())
			}
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{nil, {"no-such-command"}, {"api-key", "-no-such-flag"}, {"create-table", "stray"}} {
		var out, errw bytes.Buffer
		if code := run(args, &out, &errw); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if errw.Len() == 0 {
			t.Errorf("%v: nothing on stderr", args)
		}
	}
}

func TestCommandNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands {
		if seen[c.name] || c.name == "" || c.summary == "" || c.setup == nil {
			t.Errorf("command %q: duplicate or incomplete", c.name)
		}
		seen[c.name] = true
	}
}

// TestLocalStackDiscovery: next to make run (its .local/functions.json)
// and with no AWS selector, the settings and the SDK's endpoints come from
// that file; the process environment wins per variable; an AWS selector
// or -aws turns it off.
func TestLocalStackDiscovery(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".local"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := `{"AWS_ENDPOINT_URL_DYNAMODB":"http://127.0.0.1:1","AWS_ACCESS_KEY_ID":"local","APP_SIP_DOMAIN":"local.example.org","ACCOUNT_REALM":"realm.example.org"}`
	if err := os.WriteFile(filepath.Join(dir, LocalEnvFile), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	for _, k := range append(awsSelectors, "APP_SIP_DOMAIN", "ACCOUNT_REALM") {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("ACCOUNT_REALM", "from.environment")

	var errw bytes.Buffer
	c := &common{table: new(string), aws: new(bool), config: new(string)}
	e, err := c.environment(&errw)
	if err != nil {
		t.Fatal(err)
	}
	if e.Local == "" || !strings.Contains(errw.String(), "local stack") {
		t.Fatalf("local stack not used (stderr %q)", errw.String())
	}
	cfg, err := e.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SIPDomain != "local.example.org" || cfg.Realm != "from.environment" {
		t.Errorf("domain %q realm %q", cfg.SIPDomain, cfg.Realm)
	}
	if got := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"); got != "http://127.0.0.1:1" {
		t.Errorf("the SDK's endpoint is %q", got)
	}

	os.Unsetenv("AWS_ENDPOINT_URL_DYNAMODB")
	os.Unsetenv("AWS_ACCESS_KEY_ID")
	t.Setenv("AWS_PROFILE", "prod")
	if e, _ := c.environment(&errw); e.Local != "" {
		t.Error("AWS_PROFILE set, the local stack is still used")
	}
	os.Unsetenv("AWS_PROFILE")
	*c.aws = true
	if e, _ := c.environment(&errw); e.Local != "" {
		t.Error("-aws given, the local stack is still used")
	}
}
