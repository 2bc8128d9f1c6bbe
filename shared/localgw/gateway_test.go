package localgw

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// The challenge testdata/authorizer puts in its Deny context.
const testChallenge = `Digest realm="sip.example.org",qop="auth",algorithm=MD5,nonce="bm9uY2U",opaque="b3BhcXVl"`

// testTable has public and protected routes, and sibling variables with
// different documented names ({id}, {sip}) that share one gateway name.
func testTable(t *testing.T) *api.Table {
	t.Helper()
	tbl, err := api.NewTable([]api.Route{
		{Method: "GET", Path: "/api/ping", Group: api.GroupMeta, Access: api.Public, Handler: "Ping"},
		{Method: "POST", Path: "/api/echo", Group: api.GroupAccounts, Access: api.Public, Handler: "Echo"},
		{Method: "GET", Path: "/api/accounts/me", Group: api.GroupAccounts, Access: api.User, Handler: "Me"},
		{Method: "GET", Path: "/api/accounts/{id}", Group: api.GroupAccounts, Access: api.Admin, Handler: "Show"},
		{Method: "DELETE", Path: "/api/accounts/{id}", Group: api.GroupAccounts, Access: api.Admin, Handler: "Destroy"},
		{Method: "GET", Path: "/api/accounts/{sip}/info", Group: api.GroupAccounts, Access: api.User, Handler: "Info"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

type gwOptions struct {
	stage     string
	rateLimit int
	timeout   time.Duration
}

type testGateway struct {
	*Gateway
	url  string
	logs *logBuffer
}

// newGateway serves the test table with the echo function as "meta" and
// "accounts" and the test authorizer, over a real HTTP server.
func newGateway(t *testing.T, o gwOptions) *testGateway {
	t.Helper()
	logs, logger := newLogs(t)
	fns := map[string]*Function{}
	for _, g := range []string{api.GroupMeta, api.GroupAccounts} {
		f := newFunction(t, g, echoBootstrap, logs, logger)
		if o.timeout > 0 {
			f.Timeout = o.timeout
		}
		fns[g] = f
	}
	gw, err := New(Config{
		Table:              testTable(t),
		Functions:          fns,
		Authorizer:         newFunction(t, "authorizer", authBootstrap, logs, logger),
		Stage:              o.stage,
		RateLimitPerMinute: o.rateLimit,
		Logger:             logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close) // runs first: in-flight requests end before the functions close
	return &testGateway{Gateway: gw, url: srv.URL, logs: logs}
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (tg *testGateway) do(t *testing.T, method, path string, header map[string]string, body []byte) result {
	t.Helper()
	req, err := http.NewRequest(method, tg.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

// event decodes the proxy event the echo function received.
func (r result) event(t *testing.T) answerBody {
	t.Helper()
	var a answerBody
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("status %d, body %s: %v", r.status, r.body, err)
	}
	return a
}

func (r result) message(t *testing.T) string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	s, _ := m["message"].(string)
	return s
}

func TestGatewayPublicRouteEvent(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	r := tg.do(t, "GET", "/api/ping?a=1&a=2&b=x%20y", map[string]string{"User-Agent": "test-agent"}, nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	a := r.event(t)
	ev := a.Event
	if a.Runtime.FunctionName != "meta" || ev.Resource != "/api/ping" || ev.Path != "/api/ping" || ev.HTTPMethod != "GET" {
		t.Errorf("function %s, resource %q, path %q, method %q", a.Runtime.FunctionName, ev.Resource, ev.Path, ev.HTTPMethod)
	}
	if ev.PathParameters != nil || ev.StageVariables != nil || ev.RequestContext.Authorizer != nil {
		t.Errorf("path parameters %v, stage variables %v, authorizer %v: want nil", ev.PathParameters, ev.StageVariables, ev.RequestContext.Authorizer)
	}
	if ev.QueryStringParameters["a"] != "2" || ev.QueryStringParameters["b"] != "x y" ||
		strings.Join(ev.MultiValueQueryStringParameters["a"], ",") != "1,2" {
		t.Errorf("query %v / %v", ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
	}
	rc := ev.RequestContext
	if rc.ResourcePath != "/api/ping" || rc.Path != "/api/ping" || rc.Stage != "local" || rc.HTTPMethod != "GET" ||
		rc.Protocol != "HTTP/1.1" || rc.Identity.SourceIP != "127.0.0.1" || rc.Identity.UserAgent != "test-agent" ||
		rc.AccountID != "000000000000" || rc.APIID != "local" || len(rc.RequestID) != 36 || rc.ExtendedRequestID == "" ||
		rc.RequestTimeEpoch == 0 || rc.RequestTime == "" {
		t.Errorf("request context %+v", rc)
	}
	if got := r.header.Get("X-Amzn-Requestid"); got != rc.RequestID {
		t.Errorf("x-amzn-RequestId %q, event's %q", got, rc.RequestID)
	}
	if ev.Headers["Host"] == "" || ev.Headers["X-Forwarded-For"] != "127.0.0.1" {
		t.Errorf("headers %v", ev.Headers)
	}
	if n := tg.logs.count(`"msg":"request"`, `"route":"/api/ping"`, `"status":200`, `"function":"meta"`); n != 1 {
		t.Errorf("request logged %d times", n)
	}
}

func TestGatewayMultiValueHeadersReachTheEvent(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	req, _ := http.NewRequest("GET", tg.url+"/api/ping", nil)
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	ev := result{status: resp.StatusCode, body: b}.event(t).Event
	if ev.Headers["X-Multi"] != "two" || strings.Join(ev.MultiValueHeaders["X-Multi"], ",") != "one,two" {
		t.Errorf("headers %q, multi %q", ev.Headers["X-Multi"], ev.MultiValueHeaders["X-Multi"])
	}
}

func TestGatewayBodies(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	r := tg.do(t, "POST", "/api/echo", map[string]string{"Content-Type": "application/json"}, []byte(`{"a":"é"}`))
	if ev := r.event(t).Event; ev.Body != `{"a":"é"}` || ev.IsBase64Encoded {
		t.Errorf("text body: %q base64=%v", ev.Body, ev.IsBase64Encoded)
	}
	r = tg.do(t, "POST", "/api/echo", nil, []byte{0xff, 0xfe, 0})
	if ev := r.event(t).Event; ev.Body != "//4A" || !ev.IsBase64Encoded {
		t.Errorf("binary body: %q base64=%v", ev.Body, ev.IsBase64Encoded)
	}
}

func TestGatewayPathParameters(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	allow := map[string]string{"X-Auth": "allow"}
	for _, path := range []string{"/api/accounts/user@sip.example.org/info", "/api/accounts/user%40sip.example.org/info"} {
		r := tg.do(t, "GET", path, allow, nil)
		if r.status != 200 {
			t.Fatalf("%s: status %d %s", path, r.status, r.body)
		}
		ev := r.event(t).Event
		// Gateway names ({id}), decoded values; the path stays as sent.
		if ev.Resource != "/api/accounts/{id}/info" || ev.PathParameters["id"] != "user@sip.example.org" || ev.Path != path {
			t.Errorf("%s: resource %q, params %v, path %q", path, ev.Resource, ev.PathParameters, ev.Path)
		}
		if got := ev.RequestContext.Authorizer["seen_params"]; got != `{"id":"user@sip.example.org"}` {
			t.Errorf("%s: the authorizer saw params %v", path, got)
		}
	}
}

func TestGatewayAuthorizerAllow(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	r := tg.do(t, "GET", "/api/accounts/me?x=1", map[string]string{"X-Auth": "allow"}, nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	a := r.event(t)
	if a.Runtime.FunctionName != "accounts" {
		t.Errorf("served by %q", a.Runtime.FunctionName)
	}
	auth := a.Event.RequestContext.Authorizer
	want := map[string]any{
		"principalId":     "user-42",
		"account_id":      "42",
		"admin":           "true", // REST APIs pass context values on as strings
		"blocked":         "false",
		"level":           "7",
		"seen_type":       "REQUEST",
		"seen_method_arn": "arn:aws:execute-api:us-east-1:000000000000:local/local/GET/api/accounts/me",
		"seen_resource":   "/api/accounts/me",
		"seen_path":       "/api/accounts/me",
		"seen_method":     "GET",
		"seen_query":      `{"x":["1"]}`,
		"seen_rc_path":    "/api/accounts/me",
		"seen_source_ip":  "127.0.0.1",
		"seen_stage":      "local",
	}
	for k, v := range want {
		if auth[k] != v {
			t.Errorf("authorizer[%s] = %#v, want %#v", k, auth[k], v)
		}
	}
	if _, ok := auth["integrationLatency"].(float64); !ok {
		t.Errorf("integrationLatency = %#v, want a number", auth["integrationLatency"])
	}
	if _, ok := api.Guard(api.Route{Access: api.User}, api.StringContext(auth)); ok != nil {
		t.Errorf("the guard refuses the context: %+v", ok)
	}

	r = tg.do(t, "GET", "/api/accounts/5", map[string]string{"X-Auth": "allow-wildcard"}, nil)
	if ev := r.event(t).Event; r.status != 200 || ev.PathParameters["id"] != "5" {
		t.Errorf("wildcard Allow: status %d, params %v", r.status, ev.PathParameters)
	}
}

func TestGatewayAuthorizerDenyCarriesOneChallenge(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	for _, auth := range []string{"deny", "deny-and-allow"} {
		r := tg.do(t, "GET", "/api/accounts/me", map[string]string{"X-Auth": auth}, nil)
		if r.status != 401 {
			t.Fatalf("%s: status %d: %s", auth, r.status, r.body)
		}
		if got := r.header.Values("WWW-Authenticate"); len(got) != 1 || got[0] != testChallenge {
			t.Errorf("%s: WWW-Authenticate = %q, want exactly one %q", auth, got, testChallenge)
		}
		if msg := r.message(t); msg != "Unauthenticated." {
			t.Errorf("%s: message %q", auth, msg)
		}
	}
	if n := tg.logs.count(`"msg":"request"`, `"status":401`, `"authorizer":"deny"`, `"route":"/api/accounts/me"`); n != 2 {
		t.Errorf("deny logged %d times", n)
	}
}

func TestGatewayAuthorizerUnauthorizedAndFailures(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	r := tg.do(t, "GET", "/api/accounts/me", map[string]string{"X-Auth": "unauthorized"}, nil)
	if r.status != 401 || r.message(t) != "Invalid API Key" || len(r.header.Values("WWW-Authenticate")) != 0 {
		t.Errorf("Unauthorized: status %d, body %s, WWW-Authenticate %q", r.status, r.body, r.header.Values("WWW-Authenticate"))
	}
	for _, auth := range []string{"error", "no-match", "malformed", "crash"} {
		r := tg.do(t, "GET", "/api/accounts/me", map[string]string{"X-Auth": auth}, nil)
		if r.status != 500 || r.message(t) != "Server Error" {
			t.Errorf("%s: status %d, body %s", auth, r.status, r.body)
		}
	}
	// The authorizer recovers from its crash.
	if r := tg.do(t, "GET", "/api/accounts/me", map[string]string{"X-Auth": "allow"}, nil); r.status != 200 {
		t.Errorf("after the crash: %d %s", r.status, r.body)
	}
}

func TestGatewayRemapsIntegrationHeaders(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	r := tg.do(t, "GET", "/api/ping", map[string]string{"X-Echo-WWW-Authenticate": `Digest realm="x"`}, nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if got := r.header.Values("WWW-Authenticate"); len(got) != 0 {
		t.Errorf("a function's WWW-Authenticate went through: %q", got)
	}
	if got := r.header.Get("x-amzn-Remapped-WWW-Authenticate"); got != `Digest realm="x"` {
		t.Errorf("x-amzn-Remapped-WWW-Authenticate = %q", got)
	}
	if got := r.header.Get("x-amzn-Remapped-Server"); got != "echo" {
		t.Errorf("x-amzn-Remapped-Server = %q", got)
	}
}

func TestGatewayMultiValueAndBase64Responses(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	r := tg.do(t, "GET", "/api/ping", map[string]string{"X-Echo-Multi": "1", "X-Echo-Base64": "1"}, nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if got := r.header.Values("Set-Cookie"); strings.Join(got, "|") != "a=1|b=2" {
		t.Errorf("Set-Cookie = %q", got)
	}
	if got := r.header.Values("X-Both"); strings.Join(got, "|") != "multi-1|multi-2" {
		t.Errorf("X-Both = %q, want the multi-value header to win", got)
	}
	if !bytes.Equal(r.body, []byte{0xff, 0x00, 0xfe, 'b', 'i', 'n'}) || r.header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("body %q, Content-Type %q", r.body, r.header.Get("Content-Type"))
	}
}

func TestGatewayFallbackToMeta(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	cases := []struct {
		method, path, resource string
		params                 map[string]string
	}{
		{"GET", "/nothing/h%C3%A9re", "/{proxy+}", map[string]string{"proxy": "nothing/hére"}},
		{"POST", "/api/accounts/me", "/api/accounts/me", nil},                          // 405
		{"PUT", "/api/accounts/5", "/api/accounts/{id}", map[string]string{"id": "5"}}, // 405
		{"OPTIONS", "/api/accounts/5", "/api/accounts/{id}", map[string]string{"id": "5"}},
		{"GET", "/", "/", nil},
	}
	for _, c := range cases {
		// No X-Auth: a protected resource's fallback does not call the authorizer.
		r := tg.do(t, c.method, c.path, nil, nil)
		a := r.event(t)
		ev := a.Event
		if a.Runtime.FunctionName != "meta" || ev.Resource != c.resource || ev.HTTPMethod != c.method || ev.Path != c.path {
			t.Errorf("%s %s: function %s, resource %q, method %q, path %q", c.method, c.path, a.Runtime.FunctionName, ev.Resource, ev.HTTPMethod, ev.Path)
		}
		if len(ev.PathParameters) != len(c.params) {
			t.Errorf("%s %s: params %v, want %v", c.method, c.path, ev.PathParameters, c.params)
		}
		for k, v := range c.params {
			if ev.PathParameters[k] != v {
				t.Errorf("%s %s: params %v, want %v", c.method, c.path, ev.PathParameters, c.params)
			}
		}
	}
	if n := tg.logs.count(`"msg":"request"`, `"route":"/{proxy+}"`, `"function":"meta"`); n != 1 {
		t.Errorf("the fallback was logged %d times with its template", n)
	}
}

func TestGatewayStage(t *testing.T) {
	tg := newGateway(t, gwOptions{stage: "prod"})
	r := tg.do(t, "GET", "/prod/api/accounts/me", map[string]string{"X-Auth": "allow"}, nil)
	ev := r.event(t).Event
	if r.status != 200 || ev.Resource != "/api/accounts/me" || ev.Path != "/api/accounts/me" ||
		ev.RequestContext.Path != "/prod/api/accounts/me" || ev.RequestContext.Stage != "prod" {
		t.Errorf("in stage: %d, resource %q, path %q, context path %q, stage %q", r.status, ev.Resource, ev.Path, ev.RequestContext.Path, ev.RequestContext.Stage)
	}
	if arn := ev.RequestContext.Authorizer["seen_method_arn"]; arn != "arn:aws:execute-api:us-east-1:000000000000:local/prod/GET/api/accounts/me" {
		t.Errorf("methodArn %v", arn)
	}
	r = tg.do(t, "GET", "/api/ping", nil, nil)
	if ev := r.event(t).Event; ev.Resource != "/{proxy+}" {
		t.Errorf("outside the stage: resource %q", ev.Resource)
	}
}

func TestGatewayHeadDropsBody(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	// A recorder keeps whatever the handler writes, even for HEAD (a
	// real server would drop it for us).
	rec := httptest.NewRecorder()
	tg.ServeHTTP(rec, httptest.NewRequest("HEAD", "/api/ping", nil))
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, body %q", rec.Code, rec.Body.String())
	}
	if n, _ := strconv.Atoi(rec.Header().Get("Content-Length")); n == 0 {
		t.Errorf("HEAD: Content-Length %q, want the GET body's", rec.Header().Get("Content-Length"))
	}
	if n := tg.logs.count(`"method":"HEAD"`, `"route":"/api/ping"`, `"status":200`); n != 1 {
		t.Errorf("HEAD logged %d times against the GET route", n)
	}
}

func TestGatewayFunctionCrashIs502(t *testing.T) {
	tg := newGateway(t, gwOptions{})
	for _, h := range []string{"X-Echo-Exit", "X-Echo-Panic", "X-Echo-Error"} {
		r := tg.do(t, "GET", "/api/ping", map[string]string{h: "1"}, nil)
		if r.status != 502 || r.message(t) != "Internal server error" {
			t.Errorf("%s: %d %s", h, r.status, r.body)
		}
		if r := tg.do(t, "GET", "/api/ping", nil, nil); r.status != 200 {
			t.Errorf("after %s: %d %s", h, r.status, r.body)
		}
	}
	for _, bad := range []string{`[1,2]`, `{"statusCode":0}`, `{"statusCode":200,"body":"x","extra":1}`, `{"statusCode":200,"isBase64Encoded":true,"body":"!!"}`} {
		r := tg.do(t, "GET", "/api/ping", map[string]string{"X-Echo-Malformed": bad}, nil)
		if r.status != 502 || r.message(t) != "Internal server error" {
			t.Errorf("malformed %s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestGatewayTimeoutIs504(t *testing.T) {
	tg := newGateway(t, gwOptions{timeout: 2 * time.Second})
	r := tg.do(t, "GET", "/api/ping", nil, nil)
	pid, _ := strconv.Atoi(r.header.Get("X-Pid"))
	r = tg.do(t, "GET", "/api/ping", map[string]string{"X-Echo-Sleep": "1m"}, nil)
	if r.status != 504 || r.message(t) != "Endpoint request timed out" {
		t.Errorf("timeout: %d %s", r.status, r.body)
	}
	if pid == 0 || !processGone(pid) {
		t.Errorf("the timed-out process %d still runs", pid)
	}
}

func TestGatewayRateLimit(t *testing.T) {
	tg := newGateway(t, gwOptions{rateLimit: 3})
	for i := 1; i <= 3; i++ {
		r := tg.do(t, "GET", "/api/ping", nil, nil)
		if r.status != 200 || r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Remaining") != strconv.Itoa(3-i) {
			t.Fatalf("request %d: %d, limit %q, remaining %q", i, r.status, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"))
		}
	}
	r := tg.do(t, "GET", "/api/accounts/me", map[string]string{"X-Auth": "allow"}, nil)
	if r.status != 429 || r.message(t) != "Too Many Attempts." {
		t.Fatalf("over the limit: %d %s", r.status, r.body)
	}
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("limit %q, remaining %q", r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"))
	}
	if n := tg.logs.count(`"msg":"request"`, `"status":429`); n != 1 {
		t.Errorf("429 logged %d times", n)
	}
}

func TestRateLimiterWindows(t *testing.T) {
	l := newRateLimiter(2)
	t0 := time.Unix(1_700_000_000, 0)
	for i, want := range []bool{true, true, false} {
		if ok, _, _ := l.take("a", t0.Add(time.Duration(i)*time.Second)); ok != want {
			t.Errorf("request %d: %v", i, ok)
		}
	}
	if ok, remaining, _ := l.take("b", t0); !ok || remaining != 1 {
		t.Errorf("another client is limited apart: %v %d", ok, remaining)
	}
	if ok, _, reset := l.take("a", t0.Add(59*time.Second)); ok || !reset.Equal(t0.Add(time.Minute)) {
		t.Errorf("still in the window: %v, reset %v", ok, reset)
	}
	if ok, remaining, _ := l.take("a", t0.Add(time.Minute)); !ok || remaining != 1 {
		t.Errorf("a new window: %v %d", ok, remaining)
	}
}

func TestNewValidates(t *testing.T) {
	tbl := testTable(t)
	f := &Function{Name: "x", Path: echoBootstrap}
	for name, cfg := range map[string]Config{
		"no table":      {Functions: map[string]*Function{"meta": f, "accounts": f}, Authorizer: f},
		"no meta":       {Table: tbl, Functions: map[string]*Function{"accounts": f}, Authorizer: f},
		"missing group": {Table: tbl, Functions: map[string]*Function{"meta": f}, Authorizer: f},
		"no authorizer": {Table: tbl, Functions: map[string]*Function{"meta": f, "accounts": f}},
		"bad stage":     {Table: tbl, Functions: map[string]*Function{"meta": f, "accounts": f}, Authorizer: f, Stage: "a/b"},
		"not built":     {Table: tbl, Functions: map[string]*Function{"meta": f, "accounts": {Name: "accounts", Path: "/nonexistent/bootstrap"}}, Authorizer: f},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

func TestNewAcceptsTheProductionTable(t *testing.T) {
	fns := map[string]*Function{}
	for _, g := range api.Groups {
		fns[g] = &Function{Name: g, Path: echoBootstrap}
	}
	gw, err := New(Config{Table: api.Routes.Deployed(nil), Functions: fns, Authorizer: &Function{Name: "authorizer", Path: authBootstrap}, RateLimitPerMinute: 600})
	if err != nil {
		t.Fatal(err)
	}
	gw.Close()
	machine, err := New(Config{API: api.Machine, Table: api.Routes.On(api.Machine), Functions: fns})
	if err != nil {
		t.Fatal(err)
	}
	machine.Close()
}
