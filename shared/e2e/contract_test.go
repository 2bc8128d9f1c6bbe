//go:build integration

package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// The contract check: every request the end-to-end suite sends through a
// local gateway, and its answer, is recorded, then validated against the
// OpenAPI document that same deployment serves (GET /api/openapi.json),
// with kin-openapi's openapi3filter. A pair that does not conform fails
// the test that sent it, naming the operation; TestMain then checks that
// the whole run validated enough pairs and every route of the table.

// exchange is one recorded request and its answer.
type exchange struct {
	method, target, host string // target: the request URI as sent
	reqHeader            http.Header
	reqBody              []byte
	status               int
	header               http.Header
	body                 []byte
}

// recorder is an http.Handler in front of a gateway that keeps every pair.
type recorder struct {
	next  http.Handler
	mu    sync.Mutex
	pairs []exchange
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	cw := &captureWriter{ResponseWriter: w}
	rc.next.ServeHTTP(cw, r)
	if cw.status == 0 {
		cw.status = http.StatusOK
		cw.header = w.Header().Clone()
	}
	rc.mu.Lock()
	rc.pairs = append(rc.pairs, exchange{
		method: r.Method, target: r.URL.RequestURI(), host: r.Host,
		reqHeader: r.Header.Clone(), reqBody: body,
		status: cw.status, header: cw.header, body: cw.body.Bytes(),
	})
	rc.mu.Unlock()
}

type captureWriter struct {
	http.ResponseWriter
	status int
	header http.Header
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
		c.header = c.ResponseWriter.Header().Clone()
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *captureWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// contractTally is the whole run's account, for TestMain.
var contractTally = struct {
	sync.Mutex
	pairs, outside, failed int
	succeeded              map[string]int // operation → validated 2xx pairs
	checked                map[string]int // operation → validated pairs
	bad                    map[string]int // operation → non-conforming pairs
}{succeeded: map[string]int{}, checked: map[string]int{}, bad: map[string]int{}}

// checkContract validates every pair recorded by one deployment against
// the document it serves; it runs when the test that built it ends.
func checkContract(t *testing.T, gw http.Handler, table *api.Table, rc *recorder) {
	t.Helper()
	rc.mu.Lock()
	pairs := rc.pairs
	rc.pairs = nil
	rc.mu.Unlock()
	if len(pairs) == 0 {
		return
	}
	doc, err := servedDocument(gw)
	if err != nil {
		t.Errorf("contract: %v", err)
		return
	}
	type finding struct {
		op       string
		x        exchange
		problems []string
	}
	var findings []finding
	succeeded, checked, bad := map[string]int{}, map[string]int{}, map[string]int{}
	outside := 0
	for _, x := range pairs {
		op, ok, problems := validatePair(doc, table, x)
		if op == "" {
			outside++
		} else {
			checked[op]++
			if ok && len(problems) == 0 {
				succeeded[op]++
			}
		}
		if len(problems) > 0 {
			name := op
			if name == "" {
				name = x.method + " " + x.target + " (no operation)"
			}
			bad[name]++
			findings = append(findings, finding{name, x, problems})
		}
	}
	contractTally.Lock()
	contractTally.pairs += len(pairs)
	contractTally.outside += outside
	contractTally.failed += len(findings)
	for op, n := range succeeded {
		contractTally.succeeded[op] += n
	}
	for op, n := range checked {
		contractTally.checked[op] += n
	}
	for op, n := range bad {
		contractTally.bad[op] += n
	}
	contractTally.Unlock()
	if path := os.Getenv("CONTRACT_REPORT"); path != "" && len(findings) > 0 {
		// Every non-conforming pair, in full, for whoever fixes them.
		var b strings.Builder
		for _, f := range findings {
			fmt.Fprintf(&b, "== %s | %s | %s %s -> %d\n\t%s\n\trequest: %s %.300q\n\tanswer: %v %.300q\n",
				t.Name(), f.op, f.x.method, f.x.target, f.x.status, strings.Join(f.problems, "\n\t"),
				f.x.reqHeader, f.x.reqBody, f.x.header, f.x.body)
		}
		contractTally.Lock()
		if fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fh.WriteString(b.String())
			fh.Close()
		}
		contractTally.Unlock()
	}
	for i, f := range findings {
		if i == 20 {
			t.Errorf("contract: %d more non-conforming pairs", len(findings)-i)
			break
		}
		t.Errorf("contract: %s does not conform to GET /api/openapi.json:\n\t%s", f.op, strings.Join(f.problems, "\n\t"))
	}
}

// documents caches the loaded documents by content: most deployments
// serve the same one.
var documents = struct {
	sync.Mutex
	byHash map[[32]byte]*openapi3.T
}{byHash: map[[32]byte]*openapi3.T{}}

// servedDocument asks the deployment for its document (outside the
// recorder, from an address of its own so that no rate limit counts it)
// and loads it with kin-openapi, which also checks that it is valid.
func servedDocument(gw http.Handler) (*openapi3.T, error) {
	req := httptest.NewRequest("GET", "http://contract.invalid/api/openapi.json", nil)
	req.RemoteAddr = "192.0.2.200:1"
	w := httptest.NewRecorder()
	gw.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		return nil, fmt.Errorf("GET /api/openapi.json: %d %s", w.Code, w.Body.String())
	}
	raw := w.Body.Bytes()
	sum := sha256.Sum256(raw)
	documents.Lock()
	defer documents.Unlock()
	if doc, ok := documents.byHash[sum]; ok {
		return doc, nil
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load the served document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the served document is not valid: %w", err)
	}
	documents.byHash[sum] = doc
	return doc, nil
}

func init() {
	// Bodies the document declares that kin-openapi has no decoder for:
	// read as strings (their schemas are strings).
	for _, ct := range []string{"text/html", "application/xml", "text/vcard", "image/png"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
}

// Request headers that are no input of an operation: HTTP's own, and the
// credentials the security schemes describe (the Digest scheme names
// From).
var genericRequestHeaders = map[string]bool{
	"Accept": true, "Accept-Encoding": true, "Accept-Language": true, "Content-Type": true, "Content-Length": true,
	"User-Agent": true, "Connection": true, "Host": true, "Origin": true, "Referer": true, "Cache-Control": true,
	"X-Forwarded-For": true, "X-Forwarded-Proto": true, "Expect": true,
	"Authorization": true, "X-Api-Key": true, "Cookie": true, "From": true,
}

// apiKeyCookie is the cookie of the API key security scheme.
const apiKeyCookie = "x-api-key"

// Response headers that carry no data of the operation: HTTP's own and
// the gateways' request ids (the REST API's two, the HTTP API's one).
var genericResponseHeaders = map[string]bool{
	"Content-Type": true, "Content-Length": true, "Date": true, "Connection": true, "Transfer-Encoding": true,
	"X-Amzn-Requestid": true, "X-Amz-Apigw-Id": true, "Apigw-Requestid": true,
}

// validatePair checks one pair. op is the operation's id ("" for a request
// no operation of this deployment serves); ok is true when the answer is a
// success whose request was validated too.
func validatePair(doc *openapi3.T, table *api.Table, x exchange) (op string, ok bool, problems []string) {
	u, err := url.ParseRequestURI(x.target)
	if err != nil {
		return "", false, []string{"unparsable request target: " + err.Error()}
	}
	m, merr := table.Match(x.method, u.EscapedPath())
	if merr != nil || x.method == http.MethodOptions {
		// No operation: FlexiAPI's 404 or 405 (and OPTIONS' 200 with
		// Allow), which the document does not (and need not) describe.
		if x.status != http.StatusNotFound && x.status != http.StatusMethodNotAllowed &&
			!(x.method == http.MethodOptions && x.status == http.StatusOK) {
			problems = append(problems, fmt.Sprintf("a request no operation serves answered %d", x.status))
		}
		return "", false, problems
	}
	route := m.Route
	op = route.ID()
	item := doc.Paths.Value(route.Path)
	var operation *openapi3.Operation
	if item != nil {
		method := x.method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		operation = item.GetOperation(method)
	}
	if operation == nil {
		return op, false, []string{"the deployment serves this operation but its document does not list it"}
	}
	req, err := http.NewRequest(x.method, "http://"+x.host+x.target, bytes.NewReader(x.reqBody))
	if err != nil {
		return op, false, []string{err.Error()}
	}
	req.Header = x.reqHeader.Clone()
	if len(bytes.TrimSpace(x.reqBody)) > 0 && req.Header.Get("Content-Type") == "" {
		// A body without Content-Type is read as JSON (the document's
		// requestBody descriptions say so).
		req.Header.Set("Content-Type", "application/json")
	}
	rt := &routers.Route{Spec: doc, Path: route.Path, PathItem: item, Method: x.method, Operation: operation}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: m.Params, Route: rt,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: presentCredentials}}
	ctx := context.Background()

	// The answer: status, content type, declared headers, body schema.
	resp := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.status, Header: x.header,
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
	resp.SetBodyBytes(x.body)
	if err := openapi3filter.ValidateResponse(ctx, resp); err != nil {
		problems = append(problems, fmt.Sprintf("answer %d: %s", x.status, oneLine(err)))
	}
	problems = append(problems, responseExtras(operation, x)...)

	// A success: the request carried what the operation requires, and
	// nothing the document does not declare.
	if x.status >= 200 && x.status < 300 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			problems = append(problems, fmt.Sprintf("request of a %d answer: %s", x.status, oneLine(err)))
		}
		problems = append(problems, undeclaredInputs(doc, operation, item, u, x)...)
	}
	return op, x.status >= 200 && x.status < 300, problems
}

// responseExtras is what kin-openapi leaves alone: a content type or body
// where the document declares none, and headers that carry data without
// being declared.
func responseExtras(operation *openapi3.Operation, x exchange) []string {
	var problems []string
	ref := operation.Responses.Status(x.status)
	if ref == nil || ref.Value == nil {
		return nil // reported by ValidateResponse
	}
	r := ref.Value
	ct := x.header.Get("Content-Type")
	if len(r.Content) == 0 && x.method != http.MethodHead {
		if ct != "" {
			problems = append(problems, fmt.Sprintf("answer %d has Content-Type %q; the document declares no content", x.status, ct))
		}
		if len(x.body) > 0 {
			problems = append(problems, fmt.Sprintf("answer %d has a body; the document declares none", x.status))
		}
	}
	if len(r.Content) > 0 && ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || r.Content.Get(mt) == nil {
			problems = append(problems, fmt.Sprintf("answer %d has Content-Type %q; the document declares %s", x.status, ct, strings.Join(contentTypes(r.Content), ", ")))
		}
	}
	for name := range x.header {
		canon := http.CanonicalHeaderKey(name)
		if genericResponseHeaders[canon] {
			continue
		}
		declared := false
		for h := range r.Headers {
			if strings.EqualFold(h, name) {
				declared = true
			}
		}
		if !declared {
			problems = append(problems, fmt.Sprintf("answer %d has header %s; the document does not declare it", x.status, name))
		}
	}
	sort.Strings(problems)
	return problems
}

func contentTypes(c openapi3.Content) []string {
	var out []string
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// undeclaredInputs lists the query parameters and headers a successful
// request carried that the operation does not declare: an input the
// server reads must be in the document, as a parameter or as an API key
// security scheme of the operation.
func undeclaredInputs(doc *openapi3.T, operation *openapi3.Operation, item *openapi3.PathItem, u *url.URL, x exchange) []string {
	declared := map[string]bool{}
	security := doc.Security
	if operation.Security != nil {
		security = *operation.Security
	}
	for _, req := range security {
		for name := range req {
			if s := doc.Components.SecuritySchemes[name]; s != nil && s.Value != nil && s.Value.Type == "apiKey" {
				declared[s.Value.In+":"+strings.ToLower(s.Value.Name)] = true
			}
		}
	}
	for _, params := range []openapi3.Parameters{item.Parameters, operation.Parameters} {
		for _, p := range params {
			if p.Value != nil {
				declared[p.Value.In+":"+strings.ToLower(p.Value.Name)] = true
			}
		}
	}
	var problems []string
	for name := range u.Query() {
		if !declared["query:"+strings.ToLower(name)] {
			problems = append(problems, "query parameter "+name+" is not declared")
		}
	}
	for name := range x.reqHeader {
		if !genericRequestHeaders[http.CanonicalHeaderKey(name)] && !declared["header:"+strings.ToLower(name)] {
			problems = append(problems, "request header "+name+" is not declared")
		}
	}
	for _, c := range (&http.Request{Header: x.reqHeader}).Cookies() {
		if c.Name != apiKeyCookie && !declared["cookie:"+strings.ToLower(c.Name)] {
			problems = append(problems, "cookie "+c.Name+" is not declared")
		}
	}
	sort.Strings(problems)
	return problems
}

// presentCredentials is the security check of a successful request: the
// credential of one scheme the operation accepts is present.
func presentCredentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	s := in.SecurityScheme
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "digest"):
		if strings.HasPrefix(strings.TrimSpace(r.Header.Get("Authorization")), "Digest ") {
			return nil
		}
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return nil
		}
	case s.Type == "apiKey" && s.In == "header":
		if r.Header.Get(s.Name) != "" {
			return nil
		}
	case s.Type == "apiKey" && s.In == "cookie":
		if c, err := r.Cookie(s.Name); err == nil && c.Value != "" {
			return nil
		}
	case s.Type == "apiKey" && s.In == "query":
		if r.URL.Query().Get(s.Name) != "" {
			return nil
		}
	}
	return errors.New("no " + in.SecuritySchemeName + " credential")
}

func oneLine(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		parts := make([]string, 0, len(me))
		for _, e := range me {
			parts = append(parts, oneLine(e))
		}
		return strings.Join(parts, "; ")
	}
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// Figures the whole run must reach: enough pairs that the check cannot
// pass by validating nothing.
const minContractPairs = 2000

// contractSummary reports the run's figures and fails (non-zero) when a
// pair did not conform, or, on a full run (no -run filter), when too few
// pairs were validated or a route of the table never answered a
// validated success.
func contractSummary() int {
	contractTally.Lock()
	defer contractTally.Unlock()
	validated := contractTally.pairs - contractTally.outside
	fmt.Printf("contract: %d pairs recorded, %d against an operation, %d outside every operation (404/405), %d non-conforming; %d operations exercised\n",
		contractTally.pairs, validated, contractTally.outside, contractTally.failed, len(contractTally.checked))
	code := 0
	if contractTally.failed > 0 {
		var ops []string
		for op, n := range contractTally.bad {
			ops = append(ops, fmt.Sprintf("%s (%d)", op, n))
		}
		sort.Strings(ops)
		fmt.Printf("contract: non-conforming operations:\n\t%s\n", strings.Join(ops, "\n\t"))
		code = 1
	}
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		return code // a partial run: the coverage figures do not apply
	}
	if contractTally.pairs < minContractPairs {
		fmt.Printf("contract: only %d pairs recorded, want at least %d\n", contractTally.pairs, minContractPairs)
		code = 1
	}
	var missing []string
	for _, r := range api.Routes.Routes() {
		if contractTally.succeeded[r.ID()] == 0 {
			missing = append(missing, r.ID())
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		fmt.Printf("contract: routes without a validated success in the suite:\n\t%s\n", strings.Join(missing, "\n\t"))
		code = 1
	}
	return code
}

// TestContractCheckCatchesMismatches: the check fails on each kind of
// mismatch it exists for, and passes a conforming pair (so that the
// suite's 100% is not the check's blindness).
func TestContractCheckCatchesMismatches(t *testing.T) {
	e := newEnv(t, nil)
	doc, err := servedDocument(e.gw)
	if err != nil {
		t.Fatal(err)
	}
	key := http.Header{"X-Api-Key": {e.admin.Key}}
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	htmlCT := http.Header{"Content-Type": {"text/html; charset=UTF-8"}}
	me := e.asAdmin("GET", "/api/accounts/me", "")
	expect(t, me, 200)
	pair := func(method, target string, reqHeader http.Header, reqBody string, status int, header http.Header, body string) exchange {
		if reqHeader == nil {
			reqHeader = http.Header{}
		}
		return exchange{method: method, target: target, host: "contract.invalid", reqHeader: reqHeader, reqBody: []byte(reqBody),
			status: status, header: header, body: []byte(body)}
	}
	with := func(h http.Header, k, v string) http.Header {
		out := h.Clone()
		out.Set(k, v)
		return out
	}
	good := []exchange{
		pair("GET", "/api/ping", nil, "", 200, htmlCT, "pong"),
		pair("GET", "/api/accounts/me", key, "", 200, jsonCT, me.Body),
	}
	for _, x := range good {
		if _, ok, problems := validatePair(doc, e.table, x); !ok || len(problems) > 0 {
			t.Errorf("%s %s: a conforming pair is refused: %v", x.method, x.target, problems)
		}
	}
	bad := map[string]exchange{
		"undeclared status":           pair("GET", "/api/ping", nil, "", 201, htmlCT, "pong"),
		"undeclared content type":     pair("GET", "/api/accounts/me", key, "", 200, http.Header{"Content-Type": {"text/plain"}}, me.Body),
		"body against its schema":     pair("GET", "/api/accounts/me", key, "", 200, jsonCT, `{"id":1}`),
		"HTML where JSON is declared": pair("GET", "/api/accounts/me", key, "", 404, htmlCT, "<p>"),
		"undeclared answer header":    pair("GET", "/api/accounts/me", key, "", 200, with(jsonCT, "X-Secret", "s"), me.Body),
		"required query missing":      pair("GET", "/api/statistics/counts?from=2024-01-01", key, "", 200, jsonCT, `{}`),
		"undeclared query parameter":  pair("GET", "/api/accounts/me?debug=1", key, "", 200, jsonCT, me.Body),
		"undeclared request header":   pair("GET", "/api/accounts/me", with(key, "X-Debug", "1"), "", 200, jsonCT, me.Body),
		"undeclared cookie":           pair("GET", "/api/accounts/me", with(key, "Cookie", "session=1"), "", 200, jsonCT, me.Body),
		"request body schema":         pair("POST", "/api/accounts", with(key, "Content-Type", "application/json"), `{"username":["a"],"password":"secret","algorithm":"MD5"}`, 200, jsonCT, me.Body),
		"required header missing":     pair("GET", "/provisioning", nil, "", 200, http.Header{"Content-Type": {"application/xml"}}, "<config/>"),
		"no credential":               pair("GET", "/api/accounts/me", nil, "", 200, jsonCT, me.Body),
		"no operation, 200":           pair("GET", "/api/nothing-here", nil, "", 200, jsonCT, `{}`),
	}
	for name, x := range bad {
		if _, _, problems := validatePair(doc, e.table, x); len(problems) == 0 {
			t.Errorf("%s: %s %s passes the check", name, x.method, x.target)
		}
	}
}
