//go:build integration

package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readmeExamples are the shell blocks of README.md, without the lines that
// start a stack or the tests (make ...): each block is one script.
func readmeExamples(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []string
	var cur []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && line == "```sh":
			in, cur = true, nil
		case in && line == "```":
			in = false
			if len(cur) > 0 {
				blocks = append(blocks, strings.Join(cur, "\n"))
			}
		case in:
			if f := strings.Fields(line); len(f) > 0 && (f[0] == "make" || strings.Contains(line, " make run")) {
				continue
			}
			cur = append(cur, line)
		}
	}
	return blocks
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestREADMEExamples runs `make run`'s program on non-default ports and
// another SIP domain, with a .local folder of its own, and runs every
// shell example of the README from a folder holding that .local: each must
// exit 0 (they use curl -f).
func TestREADMEExamples(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeExamples(t, filepath.Join(root, "README.md"))
	if len(blocks) == 0 {
		t.Fatal("no shell example in README.md")
	}
	bin := filepath.Join(t.TempDir(), "devstack")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := t.TempDir()
	local := filepath.Join(work, ".local")
	os.MkdirAll(local, 0o755)
	if err := os.Symlink(filepath.Join(root, ".local", "tools"), filepath.Join(local, "tools")); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	const domain = "sip.readme-test.example"
	// The stack's own environment: none of devstack exec's endpoints.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "FLEXI") && !strings.HasPrefix(kv, "APP_") &&
			!strings.HasPrefix(kv, "MARIADB_") && !strings.HasPrefix(kv, "REDIS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "FLEXIAPI_LOCAL_DIR="+local, "APP_SIP_DOMAIN="+domain, "FLEXIAPI_PORT="+strconv.Itoa(port),
		"DYNAMODB_PORT="+strconv.Itoa(freePort(t)), "SES_PORT="+strconv.Itoa(freePort(t)), "SNS_PORT="+strconv.Itoa(freePort(t)),
		"REDIS_PORT="+strconv.Itoa(freePort(t)), "MARIADB_PORT="+strconv.Itoa(freePort(t)))
	cmd := exec.Command(bin, "run")
	cmd.Dir, cmd.Env = root, env
	logFile, _ := os.Create(filepath.Join(work, "devstack.log"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Signal(os.Interrupt)
			<-exited
		}
	}()
	deadline := time.Now().Add(4 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(local, "admin.json")); err == nil {
			if r, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/api/ping"); err == nil {
				r.Body.Close()
				if r.StatusCode == 200 {
					break
				}
			}
		}
		select {
		case err := <-exited:
			stopped = true
			log, _ := os.ReadFile(filepath.Join(work, "devstack.log"))
			t.Fatalf("make run's program ended (%v):\n%s", err, log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(work, "devstack.log"))
			t.Fatalf("make run's stack did not come up:\n%s", log)
		}
		time.Sleep(500 * time.Millisecond)
	}
	for i, b := range blocks {
		sh := exec.Command("bash", "-euo", "pipefail", "-c", b)
		sh.Dir = work
		out, err := sh.CombinedOutput()
		if err != nil {
			t.Errorf("README example %d failed: %v\n%s\n--- output:\n%s", i+1, err, b, out)
			continue
		}
		t.Logf("README example %d:\n%s", i+1, out)
		if strings.Contains(b, "account_creation_request_tokens") &&
			!strings.Contains(string(out), `"validation_url":"http://127.0.0.1:`+strconv.Itoa(port)+`/creation_token/check/`) {
			t.Errorf("the validation URL is not on the port the request came in on:\n%s", out)
		}
		if strings.Contains(b, "accounts/me") && !strings.Contains(string(out), `"domain":"`+domain+`"`) {
			t.Errorf("the admin's account is not of %s:\n%s", domain, out)
		}
	}
	// Ctrl-C: every process stops and the program exits 0.
	cmd.Process.Signal(os.Interrupt)
	select {
	case err = <-exited:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		err = <-exited
	}
	stopped = true
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(work, "devstack.log"))
		t.Errorf("after an interrupt: %v\n%s", err, log)
	}
}
