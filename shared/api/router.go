package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/capacity"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Handler serves one route.
type Handler func(ctx context.Context, r *Request) (*Response, error)

// Schemas maps the Body names of the route table to their validation.
type Schemas map[string]validate.Schema

// FactsFunc looks up the facts of a body's uniqueness rules
// (validate.Unique) for a request.
type FactsFunc func(ctx context.Context, r *Request, in validate.Input) (validate.Facts, error)

// Router serves the routes of one Lambda group: it finds the route, runs
// the guard on protected routes, validates the declared body, calls the
// handler and logs one line per request. Requests for no route (API
// Gateway sends them to the meta group) get FlexiAPI's JSON 404 and 405.
type Router struct {
	table    *Table
	group    string
	handlers map[string]Handler
	schemas  Schemas
	facts    map[string]FactsFunc
	gateOn   func(Gate) bool
	keys     KeyAuthenticator
	secretOK func(string) bool
	log      *slog.Logger
	now      func() time.Time
}

// KeyAuthenticator authenticates the API key (x-api-key header, then
// cookie) of a request the machine API delivers, where no authorizer
// runs: the account it belongs to, or the error to answer (401). err is a
// failed dependency. shared/authn implements it with the authorizer's own
// API-key code.
type KeyAuthenticator interface {
	APIKeyPrincipal(ctx context.Context, h http.Header) (*Principal, *Error, error)
}

// RouterOptions are the optional parts of a router.
type RouterOptions struct {
	Schemas Schemas
	// Facts, by Body name, look up the facts of the uniqueness rules when
	// a request fails validation or its handler answers 422, so that the
	// 422 lists every failing rule (validate.Facts).
	Facts map[string]FactsFunc
	// GateOn says whether a gated route is enabled; nil means all off.
	GateOn func(Gate) bool
	// Keys authenticates the protected routes of the machine API; a group
	// that serves one needs it.
	Keys KeyAuthenticator
	// SecretOK checks the shared secret of the Secret routes; a group
	// that serves one needs it.
	SecretOK func(presented string) bool
	Logger   *slog.Logger
}

// NewRouter checks that the group's routes and handlers match one to one,
// and its route bodies and schemas too.
func NewRouter(table *Table, group string, handlers map[string]Handler, opts RouterOptions) (*Router, error) {
	rt := &Router{table: table, group: group, handlers: handlers, schemas: opts.Schemas, facts: opts.Facts,
		gateOn: opts.GateOn, keys: opts.Keys, secretOK: opts.SecretOK, log: opts.Logger, now: time.Now}
	if rt.gateOn == nil {
		rt.gateOn = func(Gate) bool { return false }
	}
	if rt.log == nil {
		rt.log = slog.Default()
	}
	used, read := map[string]bool{}, map[string]bool{}
	var problems []string
	for _, r := range table.Group(group) {
		if _, ok := handlers[r.Handler]; !ok {
			problems = append(problems, fmt.Sprintf("route %s: no handler %q", r.ID(), r.Handler))
		}
		used[r.Handler] = true
		if r.Access.Protected() && r.On(Machine) && opts.Keys == nil {
			problems = append(problems, fmt.Sprintf("route %s: protected on the machine API, but the router has no key authenticator", r.ID()))
		}
		if r.Access == Secret && opts.SecretOK == nil {
			problems = append(problems, fmt.Sprintf("route %s: a secret route, but the router has no secret check", r.ID()))
		}
		if r.Body != "" {
			read[r.Body] = true
			if _, ok := rt.schemas[r.Body]; !ok {
				problems = append(problems, fmt.Sprintf("route %s: no schema %q", r.ID(), r.Body))
			}
		}
	}
	for name := range handlers {
		if !used[name] {
			problems = append(problems, fmt.Sprintf("handler %q serves no route of group %s", name, group))
		}
	}
	for name := range rt.schemas {
		if !read[name] {
			problems = append(problems, fmt.Sprintf("schema %q is the body of no route of group %s", name, group))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return rt, nil
}

// Serve answers a request whose API Gateway resource and (gateway-named)
// path parameters are known, as in a proxy event.
func (rt *Router) Serve(ctx context.Context, resource string, gatewayParams map[string]string, req *Request) *Response {
	start := rt.now()
	ctx = logging.WithRequestID(ctx, req.RequestID)
	if req.API == "" {
		req.API = REST
	}
	route, ok := rt.table.ByGateway(req.Method, resource)
	var resp *Response
	switch {
	case !ok || route.Group != rt.group || !route.On(req.API) || (route.Gate != "" && !rt.gateOn(route.Gate)):
		resp = rt.fallback(req)
	default:
		req.Route = route
		req.Params = rt.table.RouteParams(route, gatewayParams)
		hctx, cancel := AnswerContext(ctx)
		resp = rt.serveRoute(hctx, req)
		cancel()
	}
	if req.Method == http.MethodHead {
		resp.Body = nil
	}
	rt.logRequest(ctx, req, resp, start)
	return resp
}

// fallback answers what API Gateway does not route to a function of its
// own: unknown paths (404), unsupported methods (405), OPTIONS (200 with
// Allow), with FlexiAPI's messages.
func (rt *Router) fallback(req *Request) *Response {
	if req.API == Machine {
		// The HTTP API answers unknown routes itself; a request that
		// reaches a function anyway gets the same answer.
		return MachineNotFound()
	}
	return FallbackResponse(rt.table, req.Method, req.Path, rt.gateOn)
}

// MachineNotFound is the HTTP API's own answer to a request no route
// matches (it has no gateway responses to change it).
func MachineNotFound() *Response {
	return JSON(http.StatusNotFound, map[string]string{"message": "Not Found"})
}

// FallbackResponse is FlexiAPI's answer for a request of the REST API no
// handler serves (the machine API answers its own 404s).
func FallbackResponse(t *Table, method, path string, gateOn func(Gate) bool) *Response {
	t = t.On(REST)
	trimmed := strings.Trim(path, "/")
	notFound := Abort(http.StatusNotFound, fmt.Sprintf("The route %s could not be found.", trimmed)).Response()
	m, merr := t.Match(method, path)
	if merr != nil && merr.NotFound {
		return notFound
	}
	if merr == nil {
		if m.Route.Gate != "" && (gateOn == nil || !gateOn(m.Route.Gate)) {
			return notFound
		}
		// A routed request reaching the fallback means the deployment does
		// not match the table.
		return Abort(http.StatusInternalServerError, "Server Error").Response()
	}
	if method == http.MethodOptions {
		r := Text(http.StatusOK, "")
		r.Header.Set("Allow", strings.Join(merr.Allowed, ","))
		return r
	}
	// A closed gated route whose path a variable resource also matches
	// (POST /api/accounts/public under /api/accounts/{id}) is still not
	// found, as FlexiAPI's disabled endpoints are, rather than a 405.
	if full, ferr := Routes.Match(method, path); ferr == nil && full.Route.Gate != "" && (gateOn == nil || !gateOn(full.Route.Gate)) {
		return notFound
	}
	r := Abort(http.StatusMethodNotAllowed, fmt.Sprintf("The %s method is not supported for route %s. Supported methods: %s.",
		method, trimmed, strings.Join(merr.Allowed, ", "))).Response()
	r.Header.Set("Allow", strings.Join(merr.Allowed, ", "))
	return r
}

func (rt *Router) serveRoute(ctx context.Context, req *Request) (resp *Response) {
	defer func() {
		if p := recover(); p != nil {
			rt.log.Error("handler panic", "route", req.Route.ID(), "request_id", req.RequestID,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp = Abort(http.StatusInternalServerError, "Server Error").Response()
		}
	}()
	switch {
	case req.Route.Access == Secret:
		// Checked before anything is read: a wrong or missing secret is
		// a 403 whatever else the request holds (the caller fails closed).
		if !rt.secretOK(req.Query.Get(SecretParam)) {
			return Abort(http.StatusForbidden, MsgForbidden).Response()
		}
	case req.Route.Access.Protected() && req.API == Machine:
		p, deny, err := rt.keys.APIKeyPrincipal(ctx, req.Header)
		if err != nil {
			return rt.errorResponse(req, err)
		}
		if deny != nil {
			return deny.Response()
		}
		// The same checks as behind the authorizer: blocked, admin area.
		p, resp := Guard(req.Route, PrincipalContext(*p))
		if resp != nil {
			return resp
		}
		req.Principal = p
	case req.Route.Access.Protected():
		p, deny := Guard(req.Route, req.Authorizer)
		if deny != nil {
			if deny.Status >= 500 {
				rt.log.Error("protected route without a valid authorizer context", "route", req.Route.ID(), "request_id", req.RequestID)
			}
			return deny
		}
		req.Principal = p
	}
	if req.Route.Body != "" {
		in, err := req.Input()
		if err != nil {
			return rt.errorResponse(req, err)
		}
		if errs := rt.schemas[req.Route.Body].Validate(in); errs != nil {
			return Invalid(rt.withFacts(ctx, req, in, errs)).Response()
		}
	}
	resp, err := rt.handlers[req.Route.Handler](ctx, req)
	if err != nil {
		if ctx.Err() != nil && !DependencyFailed(err) {
			// The deadline passed while a dependency was waited for, and
			// the error that came back does not say so.
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return rt.errorResponse(req, rt.completeInvalid(ctx, req, err))
	}
	if resp == nil {
		return Empty()
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	return resp
}

// withFacts validates a failed body again with the facts of its
// uniqueness rules, so that a taken value is reported beside the other
// failures. Without facts, or when they cannot be read, errs stands.
func (rt *Router) withFacts(ctx context.Context, req *Request, in validate.Input, errs *validate.Errors) *validate.Errors {
	lookup := rt.facts[req.Route.Body]
	if lookup == nil {
		return errs
	}
	facts, err := lookup(ctx, req, in)
	if err != nil {
		rt.log.Warn("uniqueness facts not read: the 422 may miss a taken value", "route", req.Route.ID(),
			"request_id", req.RequestID, "error", err.Error())
		return errs
	}
	if all := rt.schemas[req.Route.Body].Validate(in.WithFacts(facts)); all != nil {
		return all
	}
	return errs
}

// completeInvalid completes a handler's 422 (a value found taken when
// writing) with the body's other failures, as withFacts does.
func (rt *Router) completeInvalid(ctx context.Context, req *Request, err error) error {
	if req.Route.Body == "" || rt.facts[req.Route.Body] == nil {
		return err
	}
	var errs *validate.Errors
	var apiErr *Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusUnprocessableEntity && apiErr.Errors != nil:
		errs = apiErr.Errors
	case errors.As(err, &errs):
	default:
		return err
	}
	in, ierr := req.Input()
	if ierr != nil {
		return err
	}
	return Invalid(rt.withFacts(ctx, req, in, errs))
}

func (rt *Router) errorResponse(req *Request, err error) *Response {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.Response()
	}
	var verrs *validate.Errors
	if errors.As(err, &verrs) {
		return Invalid(verrs).Response()
	}
	if DependencyFailed(err) {
		rt.log.Error("dependency failed", "route", req.Route.ID(), "request_id", req.RequestID, "error", err.Error())
		return Unavailable().Response()
	}
	rt.log.Error("handler error", "route", req.Route.ID(), "request_id", req.RequestID, "error", err.Error())
	return Abort(http.StatusInternalServerError, "Server Error").Response()
}

func (rt *Router) logRequest(ctx context.Context, req *Request, resp *Response, start time.Time) {
	attrs := []any{
		"request_id", req.RequestID,
		"method", req.Method,
		"route", req.Route.Path,
		"status", resp.Status,
		"duration_ms", float64(rt.now().Sub(start).Microseconds()) / 1000,
	}
	if req.Route.Path == "" {
		attrs[5] = "(none)"
	}
	switch {
	case req.API == Machine && req.Principal != nil:
		// The machine API authenticates with the API key only: "api"
		// says how, and the line stays short (Flexisip's traffic).
		attrs = append(attrs, "api", string(Machine), "account_id", req.Principal.AccountID)
	case req.API == Machine:
		attrs = append(attrs, "api", string(Machine))
	case req.Principal != nil:
		attrs = append(attrs, "account_id", req.Principal.AccountID, "auth", req.Principal.Method)
	}
	attrs = append(attrs, resp.Log...)
	if m := capacity.From(ctx); m != nil {
		read, write, calls := m.Units()
		attrs = append(attrs, "rcu", read, "wcu", write, "db_calls", calls)
		// wcu stays the total; its index part is said only where the
		// writes asked DynamoDB for it (the statistics ingestion).
		if index, known := m.IndexWriteUnits(); known {
			attrs = append(attrs, "wcu_index", index)
		}
	}
	rt.log.Info("request", attrs...)
}
