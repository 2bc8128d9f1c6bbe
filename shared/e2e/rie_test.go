//go:build integration

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisipdb"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// The deployment the events/ fixtures come from (events/README.md).
const fixtureAPIKey = "f3Kq8ZsW1xYbN7cR2vLm9TgH4pJd6aEu0oQiXyBz"

// Each bootstrap runs once under AWS's own Lambda Runtime Interface
// Emulator (aws-lambda-rie, which make test installs and names in
// AWS_LAMBDA_RIE), against DynamoDB Local, with the events/ fixtures (and,
// for the groups that have none, the accounts fixture sent to one of their
// routes; the stream consumer gets the stream fixture), one invocation at a time: the emulator crashes on a second
// concurrent call. It answers a handler error or a timeout with HTTP 200,
// so every answer is read for them (rieInvoke).
func TestBootstrapsUnderRIE(t *testing.T) {
	bin := os.Getenv("AWS_LAMBDA_RIE")
	if bin == "" {
		t.Fatal("AWS_LAMBDA_RIE is not set: it names the aws-lambda-rie binary; use `make test`, which installs it into .local/tools")
	}
	st := testenv.Table(t)
	vars := map[string]string{
		"APP_KEY":        "base64:" + auth.Random(32),
		"APP_SIP_DOMAIN": domain,
		"FLEXIAPI_TABLE": st.Table(),
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin, _, err := account.NewService(st, cfg).EnsureAdmin(ctx, "admin", domain, "admin-Pa55", "SHA-256")
	if err != nil || admin.ID != 1 {
		t.Fatalf("the fixtures' admin is account 1: %+v, %v", admin, err)
	}
	if err := st.ReplaceAPIKey(ctx, admin, auth.HashAPIKey(fixtureAPIKey), time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	env := devstack.AWSEnv()
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	sqlDSN := testenv.SQLDatabase(t)
	env = append(env, "FLEXISIP_SQL_DSN="+sqlDSN)
	sqlDB, err := flexisipdb.Open(sqlDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	for _, id := range []int64{7, 9} {
		p := &flexisip.Projection{Account: flexisip.Row{ID: id, Username: fmt.Sprintf("user%d", id), Domain: domain, Activated: true}}
		if _, err := sqlDB.Apply(ctx, id, p); err != nil {
			t.Fatal(err)
		}
	}

	proxy := func(name string, status int, bodyHas string) func(*testing.T, []byte) {
		return func(t *testing.T, out []byte) {
			var r events.APIGatewayProxyResponse
			if err := json.Unmarshal(out, &r); err != nil || r.StatusCode != status || !strings.Contains(r.Body, bodyHas) {
				t.Errorf("%s: %d %q (%v), want %d with %q", name, r.StatusCode, r.Body, err, status, bodyHas)
			}
		}
	}
	policy := func(name, effect string, ctxHas map[string]string) func(*testing.T, []byte) {
		return func(t *testing.T, out []byte) {
			var r events.APIGatewayCustomAuthorizerResponse
			if err := json.Unmarshal(out, &r); err != nil || len(r.PolicyDocument.Statement) != 1 || r.PolicyDocument.Statement[0].Effect != effect {
				t.Errorf("%s: %s (%v), want %s", name, out, err, effect)
				return
			}
			for k, v := range ctxHas {
				if got := fmt.Sprint(r.Context[k]); !strings.Contains(got, v) {
					t.Errorf("%s: context %s = %q, want %q in it", name, k, got, v)
				}
			}
		}
	}
	type call struct {
		event string
		edit  func(map[string]any) // a fixture sent to another route
		check func(*testing.T, []byte)
		// fnErr is the function error expected (the emulator's 200).
		fnErr string
	}
	route := func(method, path string) func(map[string]any) {
		return func(ev map[string]any) {
			ev["httpMethod"], ev["resource"], ev["path"] = method, path, path
		}
	}
	runs := []struct {
		function string
		calls    []call
	}{
		{api.GroupMeta, []call{
			{event: "proxy-ping.json", check: proxy("ping", 200, "pong")},
			{event: "proxy-unknown-route.json", check: proxy("unknown route", 404, "could not be found")},
		}},
		{api.GroupAccounts, []call{
			{event: "proxy-accounts-me-apikey.json", check: proxy("me", 200, `"username":"admin"`)},
			{event: "proxy-create-account.json", check: proxy("create", 200, `"username":"alice01"`)},
		}},
		// After the creation: alice01 exists, so Digest challenges her.
		{devstack.Authorizer, []call{
			{event: "authorizer-apikey.json", check: policy("API key", "Allow", map[string]string{api.CtxAccountID: "1", api.CtxAdmin: "true"})},
			{event: "authorizer-digest-challenge.json", check: policy("Digest", "Deny", map[string]string{api.CtxChallenge: `Digest realm="` + domain + `"`})},
			{event: "authorizer-apikey.json", edit: func(ev map[string]any) {
				ev["headers"].(map[string]any)["x-api-key"] = "unknown-key"
				ev["multiValueHeaders"].(map[string]any)["x-api-key"] = []string{"unknown-key"}
			}, fnErr: "Unauthorized"},
		}},
		{devstack.Maintenance, []call{
			{event: "schedule-maintenance.json", check: func(t *testing.T, out []byte) {
				if string(out) != `{"unconfirmed_deleted":0}` {
					t.Errorf("maintenance: %s", out)
				}
			}},
		}},
		{api.GroupResources, []call{
			{event: "proxy-accounts-me-apikey.json", edit: route("GET", "/api/contacts_lists"), check: proxy("contacts lists", 200, "[]")},
		}},
		{api.GroupStatistics, []call{
			{event: "proxy-accounts-me-apikey.json", edit: route("GET", "/api/statistics/counts"), check: proxy("counts without a period", 422, "from")},
		}},
		// Without SIP configured, the route is not deployed.
		{api.GroupMessages, []call{
			{event: "proxy-accounts-me-apikey.json", edit: route("POST", "/api/messages"), check: proxy("messages", 404, "could not be found")},
		}},
		// Accounts 7 and 9 of the stream fixture are in Flexisip's tables
		// but not in ours: the function removes them, and the whole batch
		// succeeds.
		{devstack.FlexisipSync, []call{
			{event: "dynamodb-stream-account.json", check: func(t *testing.T, out []byte) {
				var r events.DynamoDBEventResponse
				if err := json.Unmarshal(out, &r); err != nil || len(r.BatchItemFailures) != 0 {
					t.Errorf("flexisip-sync: %s (%v), want no batch item failure", out, err)
				}
				left, err := sqlDB.Read(ctx, 0, 100)
				if err != nil || len(left) != 0 {
					t.Errorf("Flexisip's tables still hold %v (%v)", left, err)
				}
			}},
		}},
	}
	for _, run := range runs {
		t.Run(run.function, func(t *testing.T) {
			path, ok := bootstraps[run.function]
			if !ok {
				t.Fatalf("no bootstrap for %s", run.function)
			}
			r := startRIE(t, bin, run.function, path, env)
			for _, c := range run.calls {
				payload := fixture(t, c.event, c.edit)
				out, fnErr := r.invoke(t, payload)
				if fnErr != c.fnErr {
					t.Errorf("%s: function error %q, want %q (answer %s)", c.event, fnErr, c.fnErr, out)
					continue
				}
				if c.check != nil {
					c.check(t, out)
				}
			}
		})
	}
}

// fixture reads events/<name>, edited when edit is set.
func fixture(t *testing.T, name string, edit func(map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return raw
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	edit(ev)
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rie is one aws-lambda-rie process running one bootstrap.
type rie struct {
	url  string
	logs *devstack.LogBuffer
	mu   sync.Mutex // one invocation at a time
}

// startRIE runs bootstrap under the emulator, on free local ports, with
// env as the whole environment (the emulator passes it on); it is killed,
// with the bootstrap, at the end of the test.
func startRIE(t *testing.T, bin, name, bootstrap string, env []string) *rie {
	t.Helper()
	runtimeAPI, invokeAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "--runtime-api-address", runtimeAPI, "--runtime-interface-emulator-address", invokeAddr, bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "AWS_LAMBDA_FUNCTION_NAME=" + name,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256"}, env...)
	r := &rie{url: "http://" + invokeAddr + "/2015-03-31/functions/function/invocations", logs: &devstack.LogBuffer{}}
	cmd.Stdout, cmd.Stderr = r.logs, r.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("aws-lambda-rie and %s:\n%s", name, r.logs.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", invokeAddr, time.Second)
		if err == nil {
			c.Close()
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("aws-lambda-rie does not listen on %s: %v", invokeAddr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// invoke sends one event and returns the function's answer, or the error
// it reported: the emulator answers both (and a timeout) with 200, an
// error as {"errorMessage","errorType"} and a timeout as a "Task timed
// out" text.
func (r *rie) invoke(t *testing.T, payload []byte) (out []byte, fnErr string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	resp, err := http.Post(r.url, "application/json", bytes.NewReader(payload))
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: HTTP %d %s (%v)", resp.StatusCode, body, err)
	}
	if bytes.HasPrefix(body, []byte("Task timed out")) {
		return nil, string(body)
	}
	var e struct {
		Message *string `json:"errorMessage"`
		Type    string  `json:"errorType"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != nil && e.Type != "" {
		return nil, *e.Message
	}
	return body, ""
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
