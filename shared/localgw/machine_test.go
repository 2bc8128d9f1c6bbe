package localgw

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// machineTable has a protected route (the function checks the key on the
// machine API), a variable and a secret route.
func machineTable(t *testing.T) *api.Table {
	t.Helper()
	on := []api.API{api.Machine}
	tbl, err := api.NewTable([]api.Route{
		{Method: "POST", Path: "/api/stats/calls", Group: api.GroupStatistics, Access: api.Admin, Handler: "Call", APIs: on},
		{Method: "PATCH", Path: "/api/stats/calls/{call_id}/devices/{device_id}", Group: api.GroupStatistics, Access: api.Admin, Handler: "Device", APIs: on},
		{Method: "GET", Path: "/api/flexisip/auth", Group: api.GroupExtAuth, Access: api.Secret, Handler: "Check", APIs: on},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

func newMachineGateway(t *testing.T) (*testGateway, *logBuffer) {
	t.Helper()
	logs, logger := newLogs(t)
	fns := map[string]*Function{}
	for _, g := range []string{api.GroupStatistics, api.GroupExtAuth} {
		fns[g] = newFunction(t, g, echoBootstrap, logs, logger)
	}
	access := &logBuffer{}
	gw, err := New(Config{API: api.Machine, Table: machineTable(t), Functions: fns, Logger: logger, AccessLog: access, RateLimitPerMinute: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	return &testGateway{Gateway: gw, url: srv.URL, logs: logs}, access
}

func TestMachineGateway(t *testing.T) {
	tg, access := newMachineGateway(t)

	// A protected route reaches its function without any authorizer, as
	// a payload 1.0 event with "version": "1.0"; the device id keeps its
	// quotes and angle brackets once decoded.
	r := tg.do(t, "PATCH", `/api/stats/calls/c1/devices/"<urn:uuid:1>"`, map[string]string{"X-Api-Key": "k"}, []byte(`{"rang_at":"x"}`))
	ev := r.event(t).Event
	if r.status != 200 || ev.Resource != "/api/stats/calls/{call_id}/devices/{device_id}" || ev.PathParameters["device_id"] != `"<urn:uuid:1>"` ||
		ev.RequestContext.Stage != "$default" || len(ev.RequestContext.Authorizer) != 0 || ev.Body != `{"rang_at":"x"}` {
		t.Fatalf("%d %+v", r.status, ev)
	}
	var raw struct {
		Event struct {
			Version string `json:"version"`
		} `json:"event"`
	}
	if err := json.Unmarshal(r.body, &raw); err != nil || raw.Event.Version != "1.0" {
		t.Fatalf("version %q (%v)", raw.Event.Version, err)
	}
	if r.header.Get("Apigw-Requestid") == "" {
		t.Error("no Apigw-Requestid header")
	}

	// The HTTP API's own answers: no 405, no FlexiAPI 404, no gateway
	// responses; the per-IP limit is the REST API's (it was set to 1).
	for _, c := range []struct{ method, path string }{{"GET", "/api/stats/calls"}, {"GET", "/api/nothing"}, {"GET", "/api/accounts/me"}} {
		if r := tg.do(t, c.method, c.path, nil, nil); r.status != 404 || r.message(t) != "Not Found" {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
		}
	}
	big := bytes.Repeat([]byte("x"), maxRequestBody+1)
	if r := tg.do(t, "POST", "/api/stats/calls", nil, big); r.status != 413 || r.message(t) != "Request Entity Too Large" {
		t.Errorf("too large: %d %s", r.status, r.body)
	}
	if r := tg.do(t, "POST", "/api/stats/calls", map[string]string{"X-Echo-Error": "boom"}, nil); r.status != 500 || r.message(t) != "Internal Server Error" {
		t.Errorf("function error: %d %s", r.status, r.body)
	}
	// No renaming of a header the function sends.
	if r := tg.do(t, "POST", "/api/stats/calls", map[string]string{"X-Echo-Www-Authenticate": "Digest x"}, nil); r.header.Get("WWW-Authenticate") != "Digest x" {
		t.Errorf("header renamed: %v", r.header)
	}

	// The access log: the stack's format, one line a request, and never
	// the query string.
	tg.do(t, "GET", "/api/flexisip/auth?secret=s3cr3t-value&username=alice", nil, nil)
	lines := strings.Split(strings.TrimSpace(access.String()), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d access log lines, want 8:\n%s", len(lines), access.String())
	}
	var last map[string]string
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	for _, f := range api.MachineAccessLog {
		if _, ok := last[f.Key]; !ok {
			t.Errorf("access log line without %s: %s", f.Key, lines[len(lines)-1])
		}
	}
	if last["route"] != "GET /api/flexisip/auth" || last["status"] != "200" || last["proto"] != "HTTP/1.1" {
		t.Errorf("access log line: %v", last)
	}
	var notFound map[string]string
	_ = json.Unmarshal([]byte(lines[1]), &notFound)
	if notFound["route"] != "-" || notFound["status"] != "404" {
		t.Errorf("an unmatched request's line: %v", notFound)
	}
	all := access.String() + tg.logs.String()
	if strings.Contains(all, "s3cr3t-value") {
		t.Fatal("the query string reached a log line")
	}
}

// The machine API refuses a route it does not serve, and needs no
// authorizer nor meta function.
func TestMachineGatewayConfig(t *testing.T) {
	logs, logger := newLogs(t)
	fn := newFunction(t, api.GroupStatistics, echoBootstrap, logs, logger)
	restOnly, _ := api.NewTable([]api.Route{{Method: "GET", Path: "/api/x", Group: api.GroupStatistics, Access: api.Public, Handler: "X"}})
	if _, err := New(Config{API: api.Machine, Table: restOnly, Functions: map[string]*Function{api.GroupStatistics: fn}}); err == nil {
		t.Fatal("a REST route on the machine gateway was accepted")
	}
}
