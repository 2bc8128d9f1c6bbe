// Package api is the HTTP contract of FlexiAPI Serverless: the route table
// (the one place a route is declared), request decoding, JSON responses and
// the Laravel error shapes. It has no AWS dependency: the Lambda adapter
// (shared/apigw), the local gateway (shared/localgw), the CDK stack (infra)
// and the OpenAPI document all read the table from here.
package api

import (
	"slices"
	"strings"
)

// Access is who may call a route.
type Access string

const (
	// Public routes have no authorizer.
	Public Access = "public"
	// User routes need an authenticated, non-blocked account.
	User Access = "user"
	// Admin routes need an authenticated, non-blocked admin account.
	Admin Access = "admin"
)

// Secret routes (machine API only) need the caller's shared secret in
// the SecretParam query parameter: the only credential Flexisip's
// ExternalAuthentication plugin can send is in the URI it is configured
// with. The function checks it; no authorizer runs.
const Secret Access = "secret"

// SecretParam is the query parameter that carries a Secret route's secret.
const SecretParam = "secret"

// Protected reports whether the route needs an account: on the REST API
// the authorizer runs first, on the machine API the function checks the
// API key itself.
func (a Access) Protected() bool { return a == User || a == Admin }

// API is a front door of the deployment; a route belongs to one or both.
type API string

const (
	// REST is the API Gateway REST API: every FlexiAPI route, the
	// authorizer (Digest, API key, JWT), gateway responses, WAF.
	REST API = "rest"
	// Machine is the API Gateway HTTP API for Flexisip's own traffic
	// (statistics, SIP authentication checks): no authorizer, no Digest,
	// no JWT; the function checks the API key or the shared secret.
	Machine API = "machine"
)

// APIs lists the front doors, REST first.
var APIs = []API{REST, Machine}

// Lambda groups: one function per group. The authorizer is not a group: it
// is attached to every protected route.
const (
	GroupMeta       = "meta"
	GroupAccounts   = "accounts"
	GroupResources  = "resources"
	GroupStatistics = "statistics"
	GroupMessages   = "messages"
	// GroupExtAuth answers Flexisip's ExternalAuthentication plugin (the
	// SIP authentication check, machine API).
	GroupExtAuth = "extauth"
)

// Groups lists every endpoint group, in deployment order.
var Groups = []string{GroupMeta, GroupAccounts, GroupResources, GroupStatistics, GroupMessages, GroupExtAuth}

// Gate names a configuration switch that turns a route on; a disabled route
// answers exactly as an unknown one (404), as FlexiAPI does.
type Gate string

// GateDangerous is APP_DANGEROUS_ENDPOINTS.
const GateDangerous Gate = "dangerous_endpoints"

// GateMessages is a SIP proxy and sender configured (SIP_PROXY,
// SIP_SENDER_URI): without them POST /api/messages is not deployed at all,
// so it answers 404 before any authentication, as FlexiAPI does when it
// never registered the route.
const GateMessages Gate = "messages"

// GateProvisioningHeader is ACCOUNT_PROVISIONING_USE_X_LINPHONE_PROVISIONING_HEADER:
// it gates no route, only whether the provisioning routes require the
// x-linphone-provisioning header (Param.RequiredWhen).
const GateProvisioningHeader Gate = "provisioning_header"

// Where a Param is read.
const (
	InQuery  = "query"
	InHeader = "header"
	InCookie = "cookie"
	// InForm is a field of a form-encoded body, for a route without a
	// validated Body (the request-token validation form).
	InForm = "form"
)

// Param is an input a route reads besides its path parameters and its
// validated Body: a query parameter, a request header, a cookie or a form
// field (documentation and OpenAPI only).
type Param struct {
	Name string
	In   string // InQuery, InHeader, InCookie, InForm
	Desc string
	// Type is the JSON Schema type of the value ("string" when empty);
	// Enum, Min and Max (0: none) bound it.
	Type     string
	Enum     []string
	Min, Max int64
	Required bool
	// RequiredWhen makes the input required only while that switch is on.
	RequiredWhen Gate
}

// Header is a response header that carries data.
type Header struct {
	Name, Desc string
}

// Answer is an answer a route gives besides its success (Status,
// Response) and the errors every route of its kind gives (documentation
// and OpenAPI only). Under the success status it is another body the
// success may have.
type Answer struct {
	Status int
	// Response is a response shape, as Route.Response; empty for the
	// {"message": …} error.
	Response string
	Desc     string
	Headers  []Header
	// Only: the route gives this status only this way, instead of the
	// generic answer of that status.
	Only bool
}

// Route is one row of the route table.
type Route struct {
	Method string // GET, POST, PUT, PATCH, DELETE
	// Path is the documented path, with FlexiAPI's parameter names:
	// "/api/accounts/{id}". See GatewayPath for the form API Gateway uses.
	Path    string
	Group   string // Lambda group (GroupMeta, ...)
	Access  Access
	Handler string // handler name inside the group's handler map

	Summary     string
	Description string
	Tag         string // section of the documentation ("Accounts", ...)
	// Body names the request schema (see the validate package and
	// SchemaSet); empty when the route reads no body.
	Body string
	// Params documents the path parameters (name → description).
	Params map[string]string
	// Status is the success status code and Response the name of the
	// response shape (documentation and OpenAPI only).
	Status   int
	Response string
	// Sets are the headers of the success answer that carry data.
	Sets []Header
	// Inputs are the other inputs the route reads (query, headers,
	// cookies, form fields) and Answers its other answers.
	Inputs  []Param
	Answers []Answer
	// Deprecated marks FlexiAPI's deprecated routes and the 2021 aliases.
	Deprecated bool
	// Addition marks our endpoints that FlexiAPI does not have.
	Addition bool
	// Gate, when set, turns the route on only when that switch is on.
	Gate Gate
	// APIs are the front doors that serve the route; nil is the REST API
	// only. A route on both is the same handler behind two hosts.
	APIs []API
}

// On reports whether the API a serves the route.
func (r Route) On(a API) bool {
	if len(r.APIs) == 0 {
		return a == REST
	}
	return slices.Contains(r.APIs, a)
}

// ID is a stable name for the route ("GET /api/accounts/{id}").
func (r Route) ID() string { return r.Method + " " + r.Path }

// Segments splits a path into its segments ("/api/a/{b}" → [api a {b}]).
func Segments(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

func paramName(seg string) string { return strings.TrimSuffix(strings.TrimPrefix(seg, "{"), "}") }

// ParamNames lists the path parameters of a route, in path order.
func (r Route) ParamNames() []string {
	var names []string
	for _, s := range Segments(r.Path) {
		if isParam(s) {
			names = append(names, paramName(s))
		}
	}
	return names
}
