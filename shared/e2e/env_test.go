//go:build integration

package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

const domain = "sip.example.org"

// env is one deployment: a table, a configuration, the local gateway
// running the real bootstraps, and an admin with an API key.
type env struct {
	t   *testing.T
	url string
	// machine is the machine API's local gateway (HTTP API semantics) on
	// the same functions, machineRec the recorder in front of it (the
	// contract check), machineAccess its access log lines.
	machine       *localgw.Gateway
	machineRec    *recorder
	machineURL    string
	machineAccess *devstack.LogBuffer
	st            *store.Store
	cfg           *config.Config
	svc           *account.Service
	vars          map[string]string
	logs          *devstack.LogBuffer
	admin         creds
	// gw and table are the deployment's gateway and routes, for the
	// contract check (contract_test.go).
	gw    http.Handler
	table *api.Table
}

type creds struct {
	ID       int64
	Username string
	Password string
	Key      string
}

// newEnv starts a deployment; vars override the configuration.
func newEnv(t *testing.T, vars map[string]string) *env {
	t.Helper()
	return newEnvTimeout(t, vars, 0)
}

// newEnvTimeout is newEnv with every function's timeout (0: localgw's).
func newEnvTimeout(t *testing.T, vars map[string]string, timeout time.Duration) *env {
	t.Helper()
	st := testenv.Table(t)
	e := &env{t: t, st: st, logs: &devstack.LogBuffer{}, vars: map[string]string{
		"APP_KEY":                        "base64:" + auth.Random(32),
		"APP_SIP_DOMAIN":                 domain,
		"FLEXIAPI_TABLE":                 st.Table(),
		"FLEXIAPI_RATE_LIMIT_PER_MINUTE": "0",
		"JWT_RSA_PUBLIC_KEY_PEM":         jwtPEM,
	}}
	for k, v := range vars {
		e.vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return e.vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = cfg
	e.svc = account.NewService(st, cfg)
	var fnEnv []string
	for k, v := range e.vars {
		fnEnv = append(fnEnv, k+"="+v)
	}
	rate := 0
	if cfg.RateLimitPerMinute > 0 {
		rate = cfg.RateLimitPerMinute
	}
	gw, err := devstack.NewGateway(devstack.GatewayOptions{
		Bootstraps: bootstraps, Env: fnEnv, RateLimitPerMinute: rate, FunctionTimeout: timeout,
		Logger: logging.NewTo(e.logs, "localgw"), Output: e.logs,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: gw}
	srv := httptest.NewServer(rec)
	e.machineAccess = &devstack.LogBuffer{}
	machine, err := devstack.NewMachineGateway(gw, devstack.MachineOptions{Logger: logging.NewTo(e.logs, "localgw-machine"), AccessLog: e.machineAccess})
	if err != nil {
		t.Fatal(err)
	}
	e.machineRec = &recorder{next: machine}
	machineSrv := httptest.NewServer(e.machineRec)
	t.Cleanup(func() {
		srv.Close()
		machineSrv.Close()
		gw.Close()
	})
	e.gw, e.table = gw, api.Routes.Deployed(api.GatesOf(cfg))
	// Registered last, so it runs first, while the gateway still serves
	// the document.
	// The machine API's pairs are checked against the same document (its
	// operations name the machine API among their servers).
	t.Cleanup(func() {
		checkContract(t, gw, e.table, rec)
		checkContract(t, gw, api.Routes.On(api.Machine), e.machineRec)
	})
	e.url = srv.URL
	e.machine, e.machineURL = machine, machineSrv.URL
	e.admin = e.newAccount("admin", "adminpass", "SHA-256", true)
	return e
}

// newAccount creates an account through the domain (as the admin CLI
// does) and gives it an API key.
func (e *env) newAccount(username, password, algorithm string, admin bool) creds {
	e.t.Helper()
	ctx := context.Background()
	a, _, err := e.svc.EnsureAdmin(ctx, username, domain, password, algorithm)
	if err != nil {
		e.t.Fatal(err)
	}
	if !admin {
		if a, err = e.st.SetAdmin(ctx, a, false, a.UpdatedAt); err != nil {
			e.t.Fatal(err)
		}
	}
	key, err := e.svc.RefreshAPIKey(ctx, a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return creds{ID: a.ID, Username: username, Password: password, Key: key}
}

// setPasswords replaces an account's stored password rows directly (for
// the multi-hash and clear-text cases FlexiAPI's tests build by hand).
func (e *env) setPasswords(username string, rows map[string]string) {
	e.t.Helper()
	ctx := context.Background()
	a, err := e.st.AccountBySIP(ctx, username, domain)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.st.SetPasswords(ctx, a, rows, a.UpdatedAt); err != nil {
		e.t.Fatal(err)
	}
}

// response is an HTTP answer with its body read.
type response struct {
	Status int
	Header http.Header
	Body   string
}

func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("body is not a JSON object (%d): %q", r.Status, r.Body)
	}
	return m
}

// errorsOf returns the 422 errors of one field.
func (r response) errorsOf(t *testing.T, field string) []string {
	t.Helper()
	errs, _ := r.JSON(t)["errors"].(map[string]any)
	var out []string
	for _, m := range errs[field].([]any) {
		out = append(out, m.(string))
	}
	return out
}

type header map[string]string

func (e *env) do(method, path string, h header, body string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	if host := h["Host"]; host != "" {
		req.Host = host // net/http sends req.Host, never a Host header
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// asAdmin calls with the admin's API key.
func (e *env) asAdmin(method, path, body string) response {
	e.t.Helper()
	return e.do(method, path, header{"X-Api-Key": e.admin.Key}, body)
}

func (e *env) withKey(key, method, path, body string) response {
	e.t.Helper()
	return e.do(method, path, header{"X-Api-Key": key}, body)
}

// expect fails unless the status matches; every error body must be JSON.
func expect(t *testing.T, r response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if status >= 400 {
		r.JSON(t)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("error with Content-Type %q", ct)
		}
	}
}

func expectMessage(t *testing.T, r response, status int, msg string) {
	t.Helper()
	expect(t, r, status)
	if got := r.JSON(t)["message"]; got != msg {
		t.Fatalf("message %q, want %q", got, msg)
	}
}
