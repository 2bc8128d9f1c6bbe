package api

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Table is a validated route table with its API Gateway view.
//
// API Gateway (REST) allows one variable name among the children of a
// resource: "/api/accounts/{id}" and "/api/accounts/{sip}/info" cannot both
// exist. The table therefore has two spellings of each path: the documented
// one (Route.Path, FlexiAPI's names) and the gateway one (GatewayPath), where
// each variable takes the first name declared at that position. Events carry
// the gateway spelling; the router renames parameters back.
type Table struct {
	// pending holds the rows of a lazily built table (LazyTable) until
	// its first use.
	once     sync.Once
	pending  []Route
	routes   []Route
	gwPath   map[string]string // Route.ID() → gateway path
	byGW     map[string]Route  // method + " " + gateway path → route
	root     *node
	varNames map[string]string // gateway parent path → variable name

	subsetMu sync.Mutex
	subsets  map[API]*Table // On's tables, built once
}

type node struct {
	static   map[string]*node
	variable *node
	varName  string
	path     string // gateway path of this node
	methods  map[string]Route
}

// NewTable validates routes and builds the lookup structures. It fails on a
// duplicate route, a path outside the allowed shapes, or a GET route that
// would shadow HEAD.
func NewTable(routes []Route) (*Table, error) {
	t := &Table{
		gwPath:   map[string]string{},
		byGW:     map[string]Route{},
		root:     &node{path: ""},
		varNames: map[string]string{},
	}
	for _, r := range routes {
		if err := t.add(r); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// MustTable is NewTable for package-level tables; it panics on an invalid table.
func MustTable(routes []Route) *Table {
	t, err := NewTable(routes)
	if err != nil {
		panic(err)
	}
	return t
}

// LazyTable is a package-level table built on its first use, not at
// package initialisation: every function imports this package, and the
// authorizer and the maintenance function never route, so their cold
// starts need not pay for the tree. An invalid table panics on first use
// (the table tests build it).
func LazyTable(routes []Route) *Table {
	t := &Table{pending: routes}
	return t
}

// ready builds a lazy table once.
func (t *Table) ready() *Table {
	t.once.Do(func() {
		if t.pending == nil {
			return
		}
		built := MustTable(t.pending)
		t.gwPath, t.byGW, t.root, t.varNames, t.routes = built.gwPath, built.byGW, built.root, built.varNames, built.routes
		t.pending = nil
	})
	return t
}

var knownMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}

func (t *Table) add(r Route) error {
	if !knownMethods[r.Method] {
		return fmt.Errorf("route %s: unsupported method", r.ID())
	}
	if !strings.HasPrefix(r.Path, "/") || strings.HasSuffix(r.Path, "/") && r.Path != "/" {
		return fmt.Errorf("route %s: path must start with / and not end with /", r.ID())
	}
	if r.Group == "" || r.Handler == "" {
		return fmt.Errorf("route %s: group and handler are required", r.ID())
	}
	switch r.Access {
	case Public, User, Admin, Secret:
	default:
		return fmt.Errorf("route %s: unknown access %q", r.ID(), r.Access)
	}
	seen := map[API]bool{}
	for _, a := range r.APIs {
		if a != REST && a != Machine || seen[a] {
			return fmt.Errorf("route %s: unknown or repeated API %q", r.ID(), a)
		}
		seen[a] = true
	}
	if r.Access == Secret && r.On(REST) {
		// The REST API authenticates in its authorizer; a shared secret
		// in a URI belongs to the machine API only.
		return fmt.Errorf("route %s: a secret route is served by the machine API only", r.ID())
	}
	n := t.root
	var gw strings.Builder
	for _, seg := range Segments(r.Path) {
		parent := n.path
		if isParam(seg) {
			name := paramName(seg)
			if name == "" || strings.ContainsAny(name, "{}+") {
				return fmt.Errorf("route %s: bad parameter %q", r.ID(), seg)
			}
			if existing, ok := t.varNames[parent]; ok {
				name = existing
			} else {
				t.varNames[parent] = name
			}
			gw.WriteString("/{" + name + "}")
			if n.variable == nil {
				n.variable = &node{path: gw.String(), varName: name}
			}
			n = n.variable
			continue
		}
		if strings.ContainsAny(seg, "{}") {
			return fmt.Errorf("route %s: bad segment %q", r.ID(), seg)
		}
		gw.WriteString("/" + seg)
		if n.static == nil {
			n.static = map[string]*node{}
		}
		child, ok := n.static[seg]
		if !ok {
			child = &node{path: gw.String()}
			n.static[seg] = child
		}
		n = child
	}
	if n.methods == nil {
		n.methods = map[string]Route{}
	}
	if _, dup := n.methods[r.Method]; dup {
		return fmt.Errorf("route %s: declared twice (gateway path %s)", r.ID(), n.path)
	}
	n.methods[r.Method] = r
	t.gwPath[r.ID()] = n.path
	t.byGW[r.Method+" "+n.path] = r
	t.routes = append(t.routes, r)
	return nil
}

// Routes returns the routes in declaration order.
func (t *Table) Routes() []Route { return append([]Route(nil), t.ready().routes...) }

// Group returns the routes served by one Lambda group.
func (t *Table) Group(group string) []Route {
	t.ready()
	var out []Route
	for _, r := range t.routes {
		if r.Group == group {
			out = append(out, r)
		}
	}
	return out
}

// On is the part of the table an API serves, in declaration order. Its
// gateway paths are the whole table's (TestOnKeepsGatewayPaths), so an
// event of either API names the resource the functions' routers know.
func (t *Table) On(a API) *Table {
	t.subsetMu.Lock()
	defer t.subsetMu.Unlock()
	if sub, ok := t.subsets[a]; ok {
		return sub
	}
	var routes []Route
	for _, r := range t.Routes() {
		if r.On(a) {
			routes = append(routes, r)
		}
	}
	sub := MustTable(routes)
	if t.subsets == nil {
		t.subsets = map[API]*Table{}
	}
	t.subsets[a] = sub
	return sub
}

// GatewayPath is the API Gateway resource path of a route.
func (t *Table) GatewayPath(r Route) string { return t.ready().gwPath[r.ID()] }

// ByGateway finds a route from an API Gateway event's resource and method.
// HEAD finds the GET route.
func (t *Table) ByGateway(method, resource string) (Route, bool) {
	t.ready()
	if method == "HEAD" {
		method = "GET"
	}
	r, ok := t.byGW[method+" "+resource]
	return r, ok
}

// Resources lists every gateway resource path that has at least one method,
// sorted, with the methods each one serves (HEAD included where GET is).
func (t *Table) Resources() map[string][]string {
	t.ready()
	out := map[string][]string{}
	var walk func(n *node)
	walk = func(n *node) {
		if len(n.methods) > 0 {
			out[n.path] = allowed(n)
		}
		for _, c := range n.static {
			walk(c)
		}
		if n.variable != nil {
			walk(n.variable)
		}
	}
	walk(t.root)
	return out
}

func allowed(n *node) []string {
	order := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
	var ms []string
	for _, m := range order {
		if _, ok := n.methods[m]; ok {
			ms = append(ms, m)
		} else if m == "HEAD" {
			if _, ok := n.methods["GET"]; ok {
				ms = append(ms, m)
			}
		}
	}
	return ms
}

// Match is the result of matching a request path against the table.
type Match struct {
	Route Route
	// Resource is the gateway resource path, as API Gateway puts it in
	// event.resource; GatewayParams are keyed by the gateway names.
	Resource      string
	GatewayParams map[string]string
	// Params are keyed by the route's own (documented) names.
	Params map[string]string
}

// MatchError says why a path did not match: no resource (404) or no such
// method on an existing resource (405, with the allowed methods).
type MatchError struct {
	NotFound bool
	Allowed  []string
	Resource string // gateway path of the resource, for 405
}

func (e *MatchError) Error() string {
	if e.NotFound {
		return "route not found"
	}
	return "method not allowed"
}

// Match finds the route for a method and a raw (still percent-encoded)
// request path, as API Gateway does: at each level a literal segment wins
// over a variable, with backtracking. Path parameters are percent-decoded.
// A trailing slash is ignored.
func (t *Table) Match(method, rawPath string) (Match, *MatchError) {
	t.ready()
	segs := Segments(rawPath)
	decoded := make([]string, len(segs))
	for i, s := range segs {
		d, err := url.PathUnescape(s)
		if err != nil {
			return Match{}, &MatchError{NotFound: true}
		}
		decoded[i] = d
	}
	n, vals := t.find(t.root, decoded, nil)
	if n == nil {
		return Match{}, &MatchError{NotFound: true}
	}
	want := method
	if want == "HEAD" {
		want = "GET"
	}
	route, ok := n.methods[want]
	if !ok {
		return Match{}, &MatchError{Allowed: allowed(n), Resource: n.path}
	}
	m := Match{Route: route, Resource: n.path, GatewayParams: map[string]string{}, Params: map[string]string{}}
	gwNames := pathParamNames(n.path)
	names := route.ParamNames()
	for i, v := range vals {
		m.GatewayParams[gwNames[i]] = v
		m.Params[names[i]] = v
	}
	return m, nil
}

// find walks the tree; a node matches only if it has methods (a resource
// without methods behaves as absent, as in API Gateway with our stack).
func (t *Table) find(n *node, segs []string, vals []string) (*node, []string) {
	if len(segs) == 0 {
		if len(n.methods) > 0 {
			return n, vals
		}
		return nil, nil
	}
	if c, ok := n.static[segs[0]]; ok {
		if found, v := t.find(c, segs[1:], vals); found != nil {
			return found, v
		}
	}
	if n.variable != nil && segs[0] != "" {
		if found, v := t.find(n.variable, segs[1:], append(append([]string(nil), vals...), segs[0])); found != nil {
			return found, v
		}
	}
	return nil, nil
}

func pathParamNames(gwPath string) []string {
	var names []string
	for _, s := range Segments(gwPath) {
		if isParam(s) {
			names = append(names, paramName(s))
		}
	}
	return names
}

// RouteParams renames gateway path parameters (event.pathParameters) to the
// route's documented names.
func (t *Table) RouteParams(r Route, gatewayParams map[string]string) map[string]string {
	t.ready()
	out := map[string]string{}
	gwNames := pathParamNames(t.GatewayPath(r))
	names := r.ParamNames()
	for i, gw := range gwNames {
		if v, ok := gatewayParams[gw]; ok && i < len(names) {
			out[names[i]] = v
		}
	}
	return out
}

// SortedResources returns the gateway resource paths in a stable order.
func (t *Table) SortedResources() []string {
	t.ready()
	res := t.Resources()
	out := make([]string, 0, len(res))
	for p := range res {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
