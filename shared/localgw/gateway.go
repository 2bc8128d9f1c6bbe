package localgw

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// maxRequestBody is API Gateway's payload limit (10 MB).
const maxRequestBody = 10 << 20

// Config describes the emulated deployment.
type Config struct {
	// Table is the route table (api.Routes in production).
	Table *api.Table
	// Functions holds one Function per Lambda group ("meta", "accounts",
	// ...); every group of the table must have one, and "meta" answers
	// what no route serves.
	Functions map[string]*Function
	// Authorizer is the REQUEST authorizer of every protected route.
	Authorizer *Function
	// Stage is the stage prefix of the URLs ("prod" serves /prod/api/...);
	// "" serves the API at the root, as a custom domain does.
	Stage string
	// RateLimitPerMinute is the per-IP limit (FlexiAPI's is 600); 0 is off.
	// The machine API (an HTTP API) has no per-IP limit: ignored there.
	RateLimitPerMinute int
	Logger             *slog.Logger

	// API is the API Gateway API this gateway emulates: the REST API
	// ("" or api.REST), or the machine API (api.Machine), an HTTP API
	// with no authorizer, no gateway responses and no fallback function:
	// its own 404, 413 and 5xx answers, payload 1.0 events with
	// "version": "1.0", and an access log line (AccessLog) in the stack's
	// format (api.MachineAccessLog).
	API api.API
	// AccessLog receives the machine API's access log lines; nil: none.
	AccessLog io.Writer
}

// Gateway is an http.Handler that answers as the deployed API Gateway
// REST API does: rate limit, route matching on the table, authorizer,
// Lambda proxy integration (payload format 1.0), gateway responses.
// Do not change the Config fields after New.
type Gateway struct {
	Config
	limiter  *rateLimiter
	accessMu sync.Mutex
}

// New checks that every group of the table has a function, and that
// protected routes have an authorizer.
func New(cfg Config) (*Gateway, error) {
	if cfg.Table == nil {
		return nil, errors.New("localgw: no route table")
	}
	if cfg.API == "" {
		cfg.API = api.REST
	}
	machine := cfg.API == api.Machine
	if cfg.Functions[api.GroupMeta] == nil && !machine {
		return nil, fmt.Errorf("localgw: no %q function: it answers unknown routes", api.GroupMeta)
	}
	for group, f := range cfg.Functions {
		if err := checkFunction(f); err != nil {
			return nil, fmt.Errorf("localgw: function of group %q: %w", group, err)
		}
	}
	if cfg.Authorizer != nil {
		if err := checkFunction(cfg.Authorizer); err != nil {
			return nil, fmt.Errorf("localgw: authorizer: %w", err)
		}
	}
	for _, r := range cfg.Table.Routes() {
		if cfg.Functions[r.Group] == nil {
			return nil, fmt.Errorf("localgw: route %s: no function for group %q", r.ID(), r.Group)
		}
		if !r.On(cfg.API) {
			return nil, fmt.Errorf("localgw: route %s is not served by the %s API", r.ID(), cfg.API)
		}
		if r.Access.Protected() && cfg.Authorizer == nil && !machine {
			return nil, fmt.Errorf("localgw: route %s is protected but there is no authorizer", r.ID())
		}
	}
	cfg.Stage = strings.Trim(cfg.Stage, "/")
	if strings.Contains(cfg.Stage, "/") {
		return nil, fmt.Errorf("localgw: stage %q must be one path segment", cfg.Stage)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	g := &Gateway{Config: cfg}
	if cfg.RateLimitPerMinute > 0 && !machine {
		g.limiter = newRateLimiter(cfg.RateLimitPerMinute)
	}
	return g, nil
}

// checkFunction fails early, with a clear message, on a bootstrap that
// is missing or not executable (typically: not built yet).
func checkFunction(f *Function) error {
	if f == nil {
		return errors.New("nil function")
	}
	st, err := os.Stat(f.Path)
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", f.Name, err)
	case !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s: %s is not an executable file", f.Name, f.Path)
	}
	return nil
}

// Close stops every function's processes.
func (g *Gateway) Close() {
	seen := map[*Function]bool{}
	all := []*Function{g.Authorizer}
	for _, f := range g.Functions {
		all = append(all, f)
	}
	for _, f := range all {
		if f != nil && !seen[f] {
			seen[f] = true
			_ = f.Close()
		}
	}
}

// noRoute is the log's route for a request answered before routing.
const noRoute = "(none)"

// served is the outcome of one request, for the log line.
type served struct {
	status     int
	route      string // path template, never the raw path (it may hold tokens)
	function   string
	authorizer verdict
}

// ServeHTTP answers one request and logs one line for it.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{
		r:         r,
		requestID: newUUID(),
		extID:     newExtendedID(),
		start:     time.Now(),
		sourceIP:  clientIP(r),
		stage:     g.Stage,
		fullPath:  r.URL.EscapedPath(),
	}
	if c.stage == "" {
		c.stage = defaultStage
	}
	var s served
	if g.API == api.Machine {
		if g.Stage == "" {
			c.stage = "$default"
		}
		c.requestID = c.extID // an HTTP API's request id is its short one
		w.Header()["Apigw-Requestid"] = []string{c.requestID}
		s = g.serveMachine(w, c)
		g.accessLog(c, s)
	} else {
		w.Header()["x-amzn-RequestId"] = []string{c.requestID}
		w.Header()["x-amz-apigw-id"] = []string{c.extID}
		s = g.serve(w, c)
	}
	attrs := []any{"request_id", c.requestID, "method", r.Method, "route", s.route, "status", s.status,
		"duration_ms", ms(time.Since(c.start)), "function", s.function}
	if s.authorizer != "" {
		attrs = append(attrs, "authorizer", s.authorizer)
	}
	g.Logger.Info("request", attrs...)
}

func (g *Gateway) serve(w http.ResponseWriter, c *call) served {
	if g.limiter != nil {
		ok, remaining, reset := g.limiter.take(c.sourceIP, c.start)
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(g.limiter.limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		if !ok {
			h.Set("Retry-After", strconv.Itoa(int(max(time.Second, reset.Sub(c.start)+time.Second-1)/time.Second)))
			h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
			return served{status: g.gatewayResponse(w, c, api.GWThrottled, nil, "Too Many Requests", http.StatusTooManyRequests), route: noRoute}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, c.r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return served{status: g.gatewayResponse(w, c, api.GWDefault4XX, nil, "Request Too Long", http.StatusRequestEntityTooLarge), route: noRoute}
		}
		return served{status: g.gatewayResponse(w, c, api.GWDefault4XX, nil, "Bad Request", http.StatusBadRequest), route: noRoute}
	}
	c.body = body

	path, inStage := g.stripStage(c.fullPath)
	c.path = path
	m, merr := g.Table.Match(c.r.Method, path)
	switch {
	case !inStage || merr != nil && merr.NotFound:
		resource, params := proxyResource(path)
		return g.fallback(w, c, resource, params)
	case merr != nil: // 405 and OPTIONS: the resource's own ANY method
		return g.fallback(w, c, merr.Resource, resourceParams(merr.Resource, path))
	}
	c.resource, c.params = m.Resource, m.GatewayParams
	fn := g.Functions[m.Route.Group]
	s := served{route: m.Route.Path, function: fn.Name}
	var authorizer map[string]any
	if m.Route.Access.Protected() {
		res := g.authorize(context.WithoutCancel(c.r.Context()), c)
		s.authorizer = res.verdict
		switch res.verdict {
		case verdictUnauthorized:
			s.status = g.gatewayResponse(w, c, api.GWUnauthorized, nil, "Unauthorized", http.StatusUnauthorized)
			return s
		case verdictDeny:
			s.status = g.gatewayResponse(w, c, api.GWAccessDenied, res.context,
				"User is not authorized to access this resource with an explicit deny", http.StatusForbidden)
			return s
		case verdictFailure:
			g.Logger.Error("authorizer failure", "request_id", c.requestID, "route", m.Route.Path, "error", res.reason)
			s.status = g.gatewayResponse(w, c, api.GWAuthorizerFailed, nil, "Internal server error", http.StatusInternalServerError)
			return s
		}
		authorizer = res.integrationContext()
	}
	s.status = g.integrate(w, c, fn, authorizer)
	return s
}

// fallback sends what no route serves to the meta function, as our stack
// routes it: ANY /{proxy+} for unknown paths, the resource's ANY method
// for other methods and OPTIONS.
func (g *Gateway) fallback(w http.ResponseWriter, c *call, resource string, params map[string]string) served {
	c.resource, c.params = resource, params
	fn := g.Functions[api.GroupMeta]
	return served{status: g.integrate(w, c, fn, nil), route: resource, function: fn.Name}
}

// integrate invokes the Lambda proxy integration and relays its answer.
// The invocation outlives a client that hangs up, as in AWS.
func (g *Gateway) integrate(w http.ResponseWriter, c *call, fn *Function, authorizer map[string]any) int {
	payload, err := json.Marshal(c.proxyEvent(authorizer))
	if err != nil {
		g.Logger.Error("marshal proxy event", "request_id", c.requestID, "error", err.Error())
		return g.internalError(w, c)
	}
	out, fnErr, err := fn.Invoke(context.WithoutCancel(c.r.Context()), payload)
	switch {
	case errors.Is(err, ErrTimeout):
		g.Logger.Error("integration timeout", "request_id", c.requestID, "function", fn.Name, "error", err.Error())
		return g.gatewayResponse(w, c, api.GWIntegrationTO, nil, "Endpoint request timed out", http.StatusGatewayTimeout)
	case err != nil:
		g.Logger.Error("integration failed", "request_id", c.requestID, "function", fn.Name, "error", err.Error())
		return g.internalError(w, c)
	case fnErr != nil:
		g.Logger.Error("function error", "request_id", c.requestID, "function", fn.Name,
			"error_type", fnErr.Type, "error", fnErr.Message)
		return g.internalError(w, c)
	}
	resp, err := convertResponse(out, true)
	if err != nil {
		g.Logger.Error("integration response", "request_id", c.requestID, "function", fn.Name, "error", err.Error())
		return g.internalError(w, c)
	}
	g.write(w, c, resp.status, resp.header, resp.body)
	return resp.status
}

// internalError is API Gateway's 502 for a failed integration.
func (g *Gateway) internalError(w http.ResponseWriter, c *call) int {
	return g.gatewayResponse(w, c, api.GWDefault5XX, nil, "Internal server error", http.StatusBadGateway)
}

// gatewayResponse renders one of the stack's gateway responses.
func (g *Gateway) gatewayResponse(w http.ResponseWriter, c *call, typ string, authCtx map[string]string, msg string, status int) int {
	gr, ok := api.GatewayResponseFor(typ)
	if !ok {
		gr = api.GatewayResponse{Type: typ, Template: `{"message":$context.error.messageString}`}
	}
	status, headers, body := gr.Render(authCtx, msg, status)
	h := http.Header{}
	for name, v := range headers {
		h[name] = []string{v} // spelled as the stack declares it
	}
	h.Set("Content-Type", "application/json")
	g.write(w, c, status, h, []byte(body))
	return status
}

// write sends the answer; HEAD gets the headers only.
func (g *Gateway) write(w http.ResponseWriter, c *call, status int, h http.Header, body []byte) {
	dst := w.Header()
	for name, vs := range h {
		dst[name] = vs
	}
	if dst.Get("Content-Type") == "" {
		dst.Set("Content-Type", "application/json") // API Gateway's default
	}
	bodyAllowed := status != http.StatusNoContent && status != http.StatusNotModified
	if bodyAllowed {
		dst.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if bodyAllowed && c.r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// stripStage removes the stage prefix; false when the path is outside it.
func (g *Gateway) stripStage(p string) (string, bool) {
	if g.Stage == "" {
		return p, true
	}
	prefix := "/" + g.Stage
	switch {
	case p == prefix:
		return "/", true
	case strings.HasPrefix(p, prefix+"/"):
		return p[len(prefix):], true
	}
	return p, false
}

// proxyResource is the greedy resource of an unknown path, with its
// decoded {proxy+} value. The root is a resource of its own.
func proxyResource(p string) (string, map[string]string) {
	rest := strings.TrimPrefix(p, "/")
	if rest == "" {
		return "/", nil
	}
	if d, err := url.PathUnescape(rest); err == nil {
		rest = d
	}
	return "/{proxy+}", map[string]string{"proxy": rest}
}

// resourceParams extracts the (decoded) path parameters of a gateway
// resource from a path it matched.
func resourceParams(resource, p string) map[string]string {
	names, segs := api.Segments(resource), api.Segments(p)
	params := map[string]string{}
	for i, n := range names {
		if strings.HasPrefix(n, "{") && strings.HasSuffix(n, "}") && i < len(segs) {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				v = segs[i]
			}
			params[strings.Trim(n, "{}")] = v
		}
	}
	return params
}

// clientIP is the TCP peer: no proxy header is trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newExtendedID has the shape of API Gateway's extendedRequestId.
func newExtendedID() string {
	var b [11]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
