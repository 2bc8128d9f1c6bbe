// Package openapi generates the API's own documentation from the route
// table (shared/api) and the validation schemas that run (shared/validate),
// so that it cannot drift: the OpenAPI 3.1 document of
// GET /api/openapi.json (Document) and the human-readable page of GET /api
// (Page), which mirrors FlexiAPI's documentation page.
//
// What the table and the schemas do not carry is declared here: the JSON
// shapes of the responses (ResponseShapes, keyed by Route.Response), the
// error answers that apply to a route, the authentication schemes and the
// introduction text.
package openapi

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// Info describes the deployment the documentation is rendered for.
type Info struct {
	Title   string // "FlexiAPI" when empty
	Version string // DefaultVersion when empty
	// ServerURL is the base URL clients use (scheme, host, stage prefix),
	// without the /api prefix of the paths. Omitted when empty.
	ServerURL string
	// MachineServerURL is the machine API's base URL (Flexisip's
	// traffic); when empty, a server variable stands for it.
	MachineServerURL string
	// GateOn tells which gates this deployment opens; the page then marks
	// the routes of closed gates as disabled. Nil: gates are only described.
	GateOn func(api.Gate) bool
}

// DefaultVersion is the version of the documented contract: FlexiAPI's
// wire contract as of upstream commit d231625 (March 2024).
const DefaultVersion = "1.0.0+flexiapi.d231625"

const (
	mediaJSON = "application/json"
	mediaHTML = "text/html"
	mediaForm = "application/x-www-form-urlencoded"
)

// shape is a documented response body.
type shape struct {
	desc      string
	media     string // "" when there is no body
	component string // schema component of a JSON body
	schema    obj    // inline schema of any other body
	paginated bool   // reads ?page=N
	headers   []api.Header
}

// pageHeaders are the headers of the web pages (the validation form).
var pageHeaders = []api.Header{
	{Name: "Cache-Control", Desc: "`no-store`: the page holds a one-time form."},
	{Name: "X-Frame-Options", Desc: "`DENY`: the page is never framed."},
}

var shapes = map[string]shape{
	"Account":                    {desc: "The account.", media: mediaJSON, component: "Account"},
	"AccountWithConfirmationKey": {desc: "The account, with its `confirmation_key`.", media: mediaJSON, component: "AccountWithConfirmationKey"},
	"AccountShow":                {desc: "The account (admin view).", media: mediaJSON, component: "AccountShow"},
	"AccountPage":                {desc: "A page of accounts.", media: mediaJSON, component: "AccountPage", paginated: true},
	"AuthToken":                  {desc: "The `auth_token`.", media: mediaJSON, component: "AuthToken"},
	"CreationRequestToken":       {desc: "The `account_creation_request_token` and its validation page.", media: mediaJSON, component: "CreationRequestToken"},
	"CreationToken":              {desc: "The `account_creation_token`.", media: mediaJSON, component: "CreationToken"},
	"AccountInfo":                {desc: "Public information about the account.", media: mediaJSON, component: "AccountInfo"},
	"AccountInfoByPhone":         {desc: "Public information about the account of a phone number.", media: mediaJSON, component: "AccountInfoByPhone"},
	"AccountWithPasswordHashes":  {desc: "The account, with its password hashes.", media: mediaJSON, component: "AccountWithPasswordHashes"},
	"APIKey":                     {desc: "The API key.", media: mediaJSON, component: "APIKey"},
	"text":                       {desc: "A bare string (Laravel answers strings as `text/html`).", media: mediaHTML, schema: obj{{"type", "string"}}},
	"empty":                      {desc: "An empty body, as `text/html; charset=UTF-8` (Laravel's answer for nothing).", media: mediaHTML, schema: obj{{"type", "string"}, {"maxLength", 0}}},
	"html":                       {desc: "An HTML page.", media: mediaHTML, schema: obj{{"type", "string"}}},
	"page":                       {desc: "An HTML page of the web routes.", media: mediaHTML, schema: obj{{"type", "string"}}, headers: pageHeaders},
	"Error":                      {desc: "An error.", media: mediaJSON, component: "Error"},
	"ValidationError":            {desc: "A validation error.", media: mediaJSON, component: "ValidationError"},
	"DaemonError":                {desc: "FlexiAPI's linphone-daemon error: `errors` is an array of arrays.", media: mediaJSON, component: "DaemonError"},
	"xml":                        {desc: "The Linphone provisioning document (lpconfig XML).", media: "application/xml", schema: obj{{"type", "string"}}},
	"vcard":                      {desc: "vCard 4.0 cards (RFC 6350).", media: "text/vcard", schema: obj{{"type", "string"}}},
	"png":                        {desc: "A PNG image.", media: "image/png", schema: obj{{"type", "string"}, {"contentMediaType", "image/png"}}},
	"OpenAPI":                    {desc: "This OpenAPI 3.1 document.", media: mediaJSON, schema: obj{{"type", "object"}, {"description", "An OpenAPI 3.1 document."}}},
	"Accepted":                   {desc: "Accepted; nothing is stored.", media: mediaJSON, component: "Accepted"},
	"ExternalAuth": {desc: "Always HTTP 200 for a call with the right secret: the answer to Flexisip's ExternalAuthentication plugin, " +
		"`Key: value` lines each ended by a line feed: `Status` (200, 401 or 403) first, then `Phrase`, `Reason` (RFC 3326) and `P-Asserted-Identity` when they apply; never an empty value.",
		media: "text/plain", schema: obj{{"type", "string"}, {"examples", []any{"Status: 200\nP-Asserted-Identity: \"Alice\" <sip:alice@sip.example.org>\n",
			"Status: 401\n", "Status: 403\nPhrase: Account blocked\nReason: SIP;cause=403;text=\"Account blocked\"\n"}}}},
	"StatisticsMessageDevice": {desc: "The recipient device row.", media: mediaJSON, component: "StatisticsMessageDevice"},
	"StatisticsCallDevice":    {desc: "The callee device row.", media: mediaJSON, component: "StatisticsCallDevice"},
	"StatisticsCall":          {desc: "The call.", media: mediaJSON, component: "StatisticsCall"},
	"StatisticsCounts":        {desc: "The counts per bucket.", media: mediaJSON, component: "StatisticsCounts"},
	"csv":                     {desc: "A page of CSV (header row first).", media: "text/csv", schema: obj{{"type", "string"}}},
	"Contacts":                {desc: "The contacts, ascending id.", media: mediaJSON, schema: arrayOf("Contact")},
	"Contact":                 {desc: "The contact.", media: mediaJSON, component: "Contact"},
	"Accounts":                {desc: "The accounts, ascending id.", media: mediaJSON, schema: arrayOf("Account")},
	"ContactsLists":           {desc: "The contacts lists, ascending id.", media: mediaJSON, schema: arrayOf("ContactsList")},
	"ContactsList":            {desc: "The contacts list.", media: mediaJSON, component: "ContactsList"},
	"AccountTypes":            {desc: "The account types, ascending id.", media: mediaJSON, schema: arrayOf("AccountType")},
	"AccountType":             {desc: "The account type.", media: mediaJSON, component: "AccountType"},
	"AccountActions":          {desc: "The account's actions, ascending id.", media: mediaJSON, schema: arrayOf("AccountAction")},
	"AccountAction":           {desc: "The action.", media: mediaJSON, component: "AccountAction"},
	"Dictionary":              {desc: "The dictionary: string keys and values, in insertion order (`{}` when empty).", media: mediaJSON, schema: obj{{"type", "object"}, {"additionalProperties", obj{{"type", "string"}}}}},
	"DictionaryValue":         {desc: "The entry's value.", media: mediaJSON, component: "DictionaryValue"},
	"Devices":                 {desc: "The devices, keyed by uuid.", media: mediaJSON, component: "Devices"},
	"emptyArray":              {desc: "An empty JSON array, `[]`.", media: mediaJSON, schema: obj{{"type", "array"}, {"maxItems", 0}}},
}

// ResponseShapes lists the Route.Response names the documentation knows.
func ResponseShapes() []string {
	out := make([]string, 0, len(shapes))
	for n := range shapes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// gateVars names the configuration variable of each gate.
var gateVars = map[api.Gate]string{api.GateDangerous: "APP_DANGEROUS_ENDPOINTS"}

// gateConditions spell the condition of a gate that is not one boolean
// variable; the others read "`VAR` is `true`".
var gateConditions = map[api.Gate]string{}

func gateCondition(g api.Gate) string {
	if c, ok := gateConditions[g]; ok {
		return c
	}
	return "`" + gateVar(g) + "` is `true`"
}

func gateVar(g api.Gate) string {
	if v, ok := gateVars[g]; ok {
		return v
	}
	return string(g)
}

// Security scheme names, in the order a client should try them.
const (
	SchemeDigest       = "digest"
	SchemeAPIKeyHeader = "apiKeyHeader"
	SchemeAPIKeyCookie = "apiKeyCookie"
	SchemeBearerJWT    = "bearerJWT"
	// SchemeSecret is the machine API's Secret routes' credential.
	SchemeSecret = "flexisipSecret"
)

// SecuritySchemes are the schemes any protected route accepts.
var SecuritySchemes = []string{SchemeDigest, SchemeAPIKeyHeader, SchemeAPIKeyCookie, SchemeBearerJWT}

func securitySchemes() obj {
	return obj{
		{SchemeDigest, obj{{"type", "http"}, {"scheme", "digest"}, {"description",
			"RFC 7616 DIGEST, MD5 or SHA-256, `qop=auth`. Every request MUST carry a `From: sip:username@domain` header naming the account " +
				"(missing: 422 `The from field is required.`; unknown account: 404). A 401 carries exactly one challenge, for the account's algorithm: " +
				"`Digest realm=\"…\",qop=\"auth\",algorithm=MD5,nonce=\"…\",opaque=\"…\"`. A nonce is valid `DIGEST_NONCE_TTL` minutes (then `stale=true`) " +
				"and can be reused with an increasing `nc`."}}},
		{SchemeAPIKeyHeader, obj{{"type", "apiKey"}, {"in", "header"}, {"name", "x-api-key"}, {"description",
			"An API key (see `GET /api/accounts/me/api_key`). It expires after `APP_API_KEY_EXPIRATION_MINUTES` without use; " +
				"an unknown key is a 401 `Invalid API Key`, without fallback to DIGEST. The header wins over the cookie."}}},
		{SchemeAPIKeyCookie, obj{{"type", "apiKey"}, {"in", "cookie"}, {"name", "x-api-key"}, {"description",
			"The same API key as a cookie, as set by the API key endpoints."}}},
		{SchemeBearerJWT, obj{{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}, {"description",
			"A JWT signed with RS256, RS384 or RS512 by the key configured in `JWT_RSA_PUBLIC_KEY_PEM` (JWT is off without it), not expired, " +
				"whose `email` claim is an account's email. A rejected token is a 403 (malformed: 422), without fallback."}}},
		{SchemeSecret, obj{{"type", "apiKey"}, {"in", "query"}, {"name", api.SecretParam}, {"description",
			"`FLEXISIP_AUTH_SECRET` (or, during a rotation, `FLEXISIP_AUTH_SECRET_PREVIOUS`), in the URI Flexisip's ExternalAuthentication plugin is configured with: " +
				"the only credential it can send. Wrong or missing: HTTP 403 `Forbidden`."}}},
	}
}

// machineOnly reports whether only the machine API serves a route.
func machineOnly(r api.Route) bool { return r.On(api.Machine) && !r.On(api.REST) }

func securityRequirement(r api.Route) []any {
	schemes := SecuritySchemes
	switch {
	case r.Access == api.Secret:
		schemes = []string{SchemeSecret}
	case !r.Access.Protected():
		return []any{}
	case machineOnly(r):
		// No authorizer there: the function checks the API key only.
		schemes = []string{SchemeAPIKeyHeader, SchemeAPIKeyCookie}
	}
	out := make([]any, len(schemes))
	for i, s := range schemes {
		out[i] = obj{{s, []any{}}}
	}
	return out
}

// errorAnswer is an error status a route can answer, and why.
type errorAnswer struct {
	Status     int
	Reasons    []string
	validation bool // the 422 shape
	challenge  bool // carries WWW-Authenticate
}

// routeErrors lists the errors that apply to a route, by status.
func routeErrors(r api.Route) []errorAnswer {
	var out []errorAnswer
	add := func(status int, reason string) *errorAnswer {
		for i := range out {
			if out[i].Status == status {
				out[i].Reasons = append(out[i].Reasons, reason)
				return &out[i]
			}
		}
		out = append(out, errorAnswer{Status: status, Reasons: []string{reason}})
		return &out[len(out)-1]
	}
	if r.Body != "" {
		add(400, "The body is not valid JSON, or not a JSON object.")
	}
	if r.Access == api.Secret {
		add(403, "`Forbidden`: a wrong or missing `secret`; the caller must fail closed.")
	}
	if r.Access.Protected() && r.On(api.Machine) {
		add(401, "Machine API: `Unauthenticated request` without an API key, `Invalid API Key` for an unknown or expired one (no challenge).")
		add(403, "Machine API: `Account blocked`, or `Unauthorized area` for a non-admin's key.")
	}
	if r.Access.Protected() && r.On(api.REST) {
		add(401, "Not authenticated: a DIGEST challenge (one `WWW-Authenticate` header; `Unauthenticated request`, `Nonce invalid`, "+
			"`Nonce replayed`, `Nonce expired` with `stale=true`, `Wrong algorithm`, `Unauthorized`), or `Invalid API Key` (no challenge).").challenge = true
		add(403, "`Account blocked`, or a rejected JWT (`Unsupported RSA signature`, `Invalid JWT token signature`, `Expired JWT token`, "+
			"`The JWT token is not related to someone in the system`, ...).")
		if r.Access == api.Admin {
			add(403, "`Unauthorized area`: the account is not an admin.")
		}
		add(404, "The account of the DIGEST `From` header does not exist.")
	}
	if len(r.ParamNames()) > 0 {
		add(404, "Nothing matches the path parameters.")
	}
	if r.Gate != "" {
		add(404, "The route is disabled (served only when "+gateCondition(r.Gate)+"): the answer of an unknown route.")
	}
	if r.Body != "" {
		add(415, "Unsupported `Content-Type`: send `application/json`.")
		add(422, "The body does not pass validation.").validation = true
	}
	if r.Access.Protected() && r.On(api.REST) {
		add(422, "Missing or malformed `From` header, invalid DIGEST parameters, or a malformed JWT.").validation = true
	}
	// What the deployment answers for any route: the per-address rate
	// limit, a dependency that fails (every group but the documentation's
	// reads the table, or the authorizer does), the gateway's timeout.
	if r.On(api.REST) {
		add(429, "More than 600 requests a minute from one address: `Too Many Attempts.` (the WAF rule; the local gateway's limit).")
	}
	if r.On(api.Machine) {
		add(429, "Machine API: over the stage's throttling (contexts `machineThrottleRate`, `machineThrottleBurst`): `Too Many Requests`.")
	}
	if r.Group != api.GroupMeta || r.Access.Protected() {
		add(503, "A dependency (the table, SNS, SES, the registrar) failed or did not answer in time: `Service Unavailable`; nothing was half-done.")
	}
	if r.On(api.REST) {
		add(504, "The function did not answer within API Gateway's integration timeout: `Endpoint request timed out`.")
	}
	if r.On(api.Machine) {
		add(504, "Machine API: the function did not answer within the HTTP API's integration timeout.")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Status < out[j].Status })
	return out
}

// endpoint is a route with everything both outputs need.
type endpoint struct {
	api.Route
	OperationID string
	Anchor      string
	Body        *bodyInfo
	Shape       shape
	Errors      []errorAnswer
	// All is every answer of the route, by status (answersOf).
	All []*statusAnswer
}

type tagGroup struct {
	Name, Anchor string
	Endpoints    []*endpoint
}

type model struct {
	info      Info
	endpoints []*endpoint
	tags      []*tagGroup
	bodies    map[string]*bodyInfo
	byID      map[string]*endpoint
	docPath   string // GET route answering the OpenAPI document
	pagePath  string // GET route answering the page
}

// build checks the table against what the documentation knows and
// gathers the data of both outputs.
func build(t *api.Table, schemas api.Schemas, info Info) (*model, error) {
	if t == nil {
		return nil, fmt.Errorf("openapi: no route table")
	}
	if info.Title == "" {
		info.Title = "FlexiAPI"
	}
	if info.Version == "" {
		info.Version = DefaultVersion
	}
	m := &model{info: info, bodies: map[string]*bodyInfo{}, byID: map[string]*endpoint{}}
	var problems []string
	ops := map[string]string{}
	anchors := map[string]bool{}
	tags := map[string]*tagGroup{}
	handlers := map[string]bool{}
	for _, r := range t.Routes() {
		if r.Gate != "" && info.GateOn != nil && !info.GateOn(r.Gate) {
			// Not deployed here: the route is no operation of this API.
			continue
		}
		e := &endpoint{Route: r, Errors: routeErrors(r), OperationID: r.Handler}
		if handlers[r.Handler] {
			// One handler behind several routes (Flexisip's prefix, the
			// conference events): the first route has its name, the
			// others an id derived from their own.
			e.OperationID = r.Handler + "_" + strings.ToLower(r.Method) + "_" + slug(strings.ReplaceAll(strings.TrimPrefix(r.Path, "/api/"), "/", " "))
		}
		handlers[r.Handler] = true
		sh, ok := shapes[r.Response]
		if !ok {
			problems = append(problems, fmt.Sprintf("route %s: unknown response shape %q (known: %s)", r.ID(), r.Response, strings.Join(ResponseShapes(), ", ")))
		}
		e.Shape = sh
		if all, err := answersOf(e); err != nil {
			problems = append(problems, err.Error())
		} else {
			e.All = all
		}
		problems = append(problems, checkInputs(r)...)
		if r.Status < 100 || r.Status > 599 {
			problems = append(problems, fmt.Sprintf("route %s: no success status", r.ID()))
		}
		if prev, dup := ops[e.OperationID]; dup {
			problems = append(problems, fmt.Sprintf("route %s: operationId %s already used by %s", r.ID(), e.OperationID, prev))
		}
		ops[e.OperationID] = r.ID()
		if r.Body != "" {
			bi, ok := m.bodies[r.Body]
			if !ok {
				s, found := schemas[r.Body]
				if !found {
					problems = append(problems, fmt.Sprintf("route %s: no schema %q", r.ID(), r.Body))
				} else if b, err := bodySchema(r.Body, s); err != nil {
					problems = append(problems, err.Error())
				} else {
					bi = &b
					m.bodies[r.Body] = bi
				}
			}
			e.Body = bi
		}
		e.Anchor = uniqueAnchor(routeAnchor(r), anchors)
		tag := r.Tag
		if tag == "" {
			tag = "Other"
		}
		g, ok := tags[tag]
		if !ok {
			g = &tagGroup{Name: tag, Anchor: uniqueAnchor(slug(tag), anchors)}
			tags[tag] = g
			m.tags = append(m.tags, g)
		}
		g.Endpoints = append(g.Endpoints, e)
		m.endpoints = append(m.endpoints, e)
		m.byID[r.ID()] = e
		if r.Method == "GET" && r.Response == "OpenAPI" && m.docPath == "" {
			m.docPath = r.Path
		}
		if r.Method == "GET" && r.Response == "html" && r.Handler == "Documentation" {
			m.pagePath = r.Path
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("openapi: %s", strings.Join(problems, "; "))
	}
	return m, nil
}

// routeAnchor is FlexiAPI's anchor of an endpoint: the method and the path
// under /api, lower case, letters and digits only ("#get-accountsmeapikey"
// for GET /api/accounts/me/api_key), so that links to FlexiAPI's page work.
func routeAnchor(r api.Route) string {
	p := r.Path
	if strings.HasPrefix(p, "/api/") {
		p = strings.TrimPrefix(p, "/api")
	}
	return strings.ToLower(r.Method) + "-" + slug(p)
}

func slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func uniqueAnchor(a string, used map[string]bool) string {
	out := a
	for i := 2; used[out]; i++ {
		out = fmt.Sprintf("%s-%d", a, i)
	}
	used[out] = true
	return out
}

// Document renders the OpenAPI 3.1.0 document of every route of the table.
// schemas holds the request bodies (Route.Body) of every group. The output
// is deterministic: paths and operations in table order, components sorted.
func Document(t *api.Table, schemas api.Schemas, info Info) ([]byte, error) {
	m, err := build(t, schemas, info)
	if err != nil {
		return nil, err
	}
	return m.encodeDocument()
}

func (m *model) encodeDocument() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(64 << 10)
	if err := encode(&b, m.document()); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return b.Bytes(), nil
}

func (m *model) document() obj {
	doc := obj{{"openapi", "3.1.0"}}
	doc.set("info", obj{
		{"title", m.info.Title},
		{"version", m.info.Version},
		{"description", introMarkdown(m.pagePath, m.docPath)},
	})
	if m.info.ServerURL != "" {
		doc.set("servers", []any{obj{{"url", m.info.ServerURL}}})
	}
	tags := make([]any, len(m.tags))
	for i, g := range m.tags {
		tags[i] = obj{{"name", g.Name}}
	}
	doc.set("tags", tags)

	paths := obj{}
	index := map[string]int{}
	for _, e := range m.endpoints {
		i, ok := index[e.Path]
		if !ok {
			i = len(paths)
			index[e.Path] = i
			paths.set(e.Path, obj{})
		}
		item := paths[i].v.(obj)
		item.set(strings.ToLower(e.Method), m.operation(e))
		paths[i].v = item
	}
	doc.set("paths", paths)

	schemas := obj{}
	for name, s := range componentSchemas() {
		schemas.set(name, s)
	}
	for name, bi := range m.bodies {
		schemas.set(name, bi.schema)
	}
	doc.set("components", obj{
		{"schemas", schemas.sorted()},
		{"securitySchemes", securitySchemes()},
	})
	return doc
}

func (m *model) operation(e *endpoint) obj {
	op := obj{{"tags", []any{e.tagName()}}, {"summary", e.Summary}}
	desc := e.Description
	if e.Gate != "" {
		note := "Disabled unless " + gateCondition(e.Gate) + ": otherwise it answers 404, as an unknown route."
		desc = strings.TrimSpace(desc + "\n\n" + note)
	}
	if desc != "" {
		op.set("description", desc)
	}
	op.set("operationId", e.OperationID)
	if servers := m.servers(e.Route); servers != nil {
		op.set("servers", servers)
	}
	if e.Deprecated {
		op.set("deprecated", true)
	}
	if e.Addition {
		op.set("x-addition", true)
	}
	var params []any
	for _, name := range e.ParamNames() {
		p := obj{{"name", name}, {"in", "path"}, {"required", true}}
		if d := e.Params[name]; d != "" {
			p.set("description", d)
		}
		p.set("schema", obj{{"type", "string"}})
		params = append(params, p)
	}
	if e.Shape.paginated {
		params = append(params, m.parameter(pageParam))
	}
	var form []api.Param
	for _, p := range e.Inputs {
		if p.In == api.InForm {
			form = append(form, p)
			continue
		}
		params = append(params, m.parameter(p))
	}
	if len(params) > 0 {
		op.set("parameters", params)
	}
	if e.Body != nil {
		rb := obj{}
		desc := "JSON, or form-encoded (every value then is text); a body without `Content-Type` is read as JSON. " +
			"The query string's values are read as body fields too (the body wins). " +
			"Text values are trimmed of surrounding white space before validation (passwords excepted), and an empty text counts as null."
		if e.Body.Steps > 1 {
			desc += fmt.Sprintf(" Validated in %d steps: only the errors of the first failing step are reported.", e.Body.Steps)
		}
		rb.set("description", desc)
		required := false
		for _, f := range e.Body.Fields {
			required = required || f.Required
		}
		rb.set("required", required)
		rb.set("content", obj{{mediaJSON, obj{{"schema", ref(e.Body.Name)}}}, {mediaForm, obj{{"schema", ref(e.Body.Name)}}}})
		op.set("requestBody", rb)
	} else if len(form) > 0 {
		op.set("requestBody", m.formBody(form))
	}
	op.set("responses", m.responses(e))
	op.set("security", securityRequirement(e.Route))
	op.set("x-access", string(e.Access))
	apis := make([]any, 0, 2)
	for _, a := range api.APIs {
		if e.On(a) {
			apis = append(apis, string(a))
		}
	}
	op.set("x-apis", apis)
	if e.Gate != "" {
		op.set("x-gate", gateVar(e.Gate))
	}
	return op
}

// servers says which hosts serve a route: nil for the REST API alone
// (the document's servers), else the machine API's, after the REST API's
// when both serve it.
func (m *model) servers(r api.Route) []any {
	if !r.On(api.Machine) {
		return nil
	}
	var out []any
	if r.On(api.REST) {
		rest := obj{{"description", "The REST API."}}
		if m.info.ServerURL != "" {
			rest = append(obj{{"url", m.info.ServerURL}}, rest...)
		} else {
			rest = append(obj{{"url", "/"}}, rest...)
		}
		out = append(out, rest)
	}
	machine := obj{{"url", "{machineApi}"}, {"description", "The machine API (Flexisip's traffic: the API key is checked by the function, no Digest, no JWT)."},
		{"variables", obj{{"machineApi", obj{{"default", "https://machine-api.example.org"}, {"description", "The machine API's base URL (the stack's MachineApiUrl output, or its custom domain)."}}}}}}
	if m.info.MachineServerURL != "" {
		machine = obj{{"url", m.info.MachineServerURL}, {"description", machine[1].v}}
	}
	return append(out, machine)
}

func (e *endpoint) tagName() string {
	if e.Tag == "" {
		return "Other"
	}
	return e.Tag
}

func (m *model) responses(e *endpoint) obj {
	rs := obj{}
	for _, sa := range e.All {
		rs.set(fmt.Sprint(sa.Status), sa.response())
	}
	return rs
}

// pageParam is Laravel's ?page=N of the paginated lists.
var pageParam = api.Param{Name: "page", In: api.InQuery, Type: "string",
	Desc: "The page, from 1 to " + fmt.Sprint(api.MaxPage) + " (`422` above); anything that is not a positive integer is the first page."}
