package openapi

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

//go:embed page.html
var pageSource string

// pageTemplate is parsed once per process. The page is self-contained
// (inline CSS, no script, no external asset) and well-formed XML as well
// as HTML, which the tests check.
var pageTemplate = template.Must(template.New("page").Parse(pageSource))

// unsecureGates are the gates whose routes FlexiAPI marks "Unsecure endpoint".
var unsecureGates = map[api.Gate]bool{api.GateDangerous: true}

type pageData struct {
	Title, Version, ServerURL, DocPath string
	// DocHref links the OpenAPI document through the server URL, so that
	// the link survives an API Gateway stage prefix.
	DocHref string
	Intro   []pageBlock
	Access  any
	Tags    []pageTag
	Objects []pageObject
}

type pageBlock struct {
	Kind string // h, p, pre, access
	HTML template.HTML
	Code string
}

type pageTag struct {
	Name, Anchor string
	Endpoints    []pageEndpoint
}

type pageItem struct {
	Name string
	Desc template.HTML
}

type pageEndpoint struct {
	Anchor, Method, Path string
	Access, AccessClass  string
	Deprecated           bool
	Addition             bool
	// Hosts says which API serves the route when it is not the REST API
	// alone: "machine API", "REST and machine APIs".
	Hosts                string
	Unsecure             bool
	Gate                 string
	GateWhen             template.HTML // the gate's condition
	Summary, Description template.HTML
	Params, Query        []pageItem
	Body                 *pageBody
	Status               int
	ResponseDesc         template.HTML
	ResponseObject       string
	ResponseObjectAnchor string
	ResponseMedia        string
	Errors               []pageError
}

type pageError struct {
	Status int
	Desc   template.HTML
}

type pageBody struct {
	Steps  int
	Fields []pageField
}

type pageField struct {
	Name, Type string
	Required   bool
	Step       int
	Desc       template.HTML
	Rules      template.HTML // the rules, each in <code class="rule">
}

// pageObject is a JSON object of the responses; its rows are built here
// (every piece escaped) rather than by the template: hundreds of template
// actions cost more than the rest of the page at cold start.
type pageObject struct {
	Name, Anchor string
	Desc         template.HTML
	Rows         template.HTML
}

// Page renders the human-readable documentation of GET /api from the same
// data as Document: the introduction (access model, the three
// authentication methods), every endpoint grouped by tag with its access
// badge, parameters and rules, and the JSON objects.
func Page(t *api.Table, schemas api.Schemas, info Info) ([]byte, error) {
	m, err := build(t, schemas, info)
	if err != nil {
		return nil, err
	}
	return m.page()
}

// Render renders both the document and the page from one pass over the
// table (what a cold start needs).
func Render(t *api.Table, schemas api.Schemas, info Info) (doc, page []byte, err error) {
	m, err := build(t, schemas, info)
	if err != nil {
		return nil, nil, err
	}
	if doc, err = m.encodeDocument(); err != nil {
		return nil, nil, err
	}
	if page, err = m.page(); err != nil {
		return nil, nil, err
	}
	return doc, page, nil
}

func (m *model) page() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(64 << 10)
	if err := pageTemplate.Execute(&b, m.pageData()); err != nil {
		return nil, fmt.Errorf("openapi: page: %w", err)
	}
	return b.Bytes(), nil
}

func objectAnchor(name string) string { return "object-" + slug(name) }

func (m *model) resolveRoute(id string) string {
	if e, ok := m.byID[id]; ok {
		return "#" + e.Anchor
	}
	return ""
}

func (m *model) inline(s string) template.HTML { return inlineHTML(s, m.resolveRoute) }

func (m *model) pageData() pageData {
	d := pageData{Title: m.info.Title, Version: m.info.Version, ServerURL: m.info.ServerURL, DocPath: m.docPath, Access: accessLevels}
	if m.docPath != "" {
		d.DocHref = strings.TrimRight(m.info.ServerURL, "/") + m.docPath
	}
	for _, bl := range intro {
		switch bl.kind {
		case blockHeading:
			d.Intro = append(d.Intro, pageBlock{Kind: "h", HTML: m.inline(bl.text)})
		case blockPara:
			d.Intro = append(d.Intro, pageBlock{Kind: "p", HTML: m.inline(bl.text)})
		case blockCode:
			d.Intro = append(d.Intro, pageBlock{Kind: "pre", Code: bl.text})
		case blockAccess:
			d.Intro = append(d.Intro, pageBlock{Kind: "access"})
		}
	}
	for _, g := range m.tags {
		pt := pageTag{Name: g.Name, Anchor: g.Anchor}
		for _, e := range g.Endpoints {
			pt.Endpoints = append(pt.Endpoints, m.pageEndpoint(e))
		}
		d.Tags = append(d.Tags, pt)
	}
	comps := componentSchemas()
	names := make([]string, 0, len(comps))
	for n := range comps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d.Objects = append(d.Objects, m.pageObject(n, comps[n]))
	}
	return d
}

// hostsOf names the APIs of a route that the machine API serves.
func hostsOf(r api.Route) string {
	switch {
	case !r.On(api.Machine):
		return ""
	case r.On(api.REST):
		return "REST and machine APIs"
	}
	return "machine API only"
}

func (m *model) pageEndpoint(e *endpoint) pageEndpoint {
	pe := pageEndpoint{
		Anchor: e.Anchor, Method: e.Method, Path: e.Path,
		Access: accessName(e.Access), AccessClass: string(e.Access),
		Deprecated: e.Deprecated, Addition: e.Addition, Hosts: hostsOf(e.Route),
		Summary: m.inline(e.Summary), Description: m.inline(e.Description),
		Status: e.Status, ResponseDesc: m.inline(e.Shape.desc), ResponseMedia: e.Shape.media,
	}
	if e.Gate != "" {
		pe.Gate = gateVar(e.Gate)
		pe.GateWhen = m.inline(gateCondition(e.Gate))
		pe.Unsecure = unsecureGates[e.Gate]
	}
	if e.Shape.component != "" {
		pe.ResponseObject = e.Shape.component
		pe.ResponseObjectAnchor = objectAnchor(e.Shape.component)
	}
	for _, p := range e.ParamNames() {
		pe.Params = append(pe.Params, pageItem{Name: p, Desc: m.inline(e.Params[p])})
	}
	inputs := e.Inputs
	if e.Shape.paginated {
		inputs = append([]api.Param{pageParam}, inputs...)
	}
	for _, p := range inputs {
		desc := inputDesc(p)
		if p.In != api.InQuery {
			desc = "(" + p.In + ") " + desc
		}
		if m.inputRequired(p) {
			desc = "required; " + desc
		}
		pe.Query = append(pe.Query, pageItem{Name: p.Name, Desc: m.inline(desc)})
	}
	if e.Body != nil {
		pb := &pageBody{Steps: e.Body.Steps}
		for _, f := range e.Body.Fields {
			typ := f.Type
			if typ == "" {
				typ = "any"
			}
			if f.Nullable {
				typ += " or null"
			}
			var rules strings.Builder
			for i, r := range f.Rules {
				if i > 0 {
					rules.WriteByte(' ')
				}
				rules.WriteString(`<code class="rule">` + template.HTMLEscapeString(r) + `</code>`)
			}
			pb.Fields = append(pb.Fields, pageField{Name: f.Name, Type: typ, Required: f.Required, Step: f.Step,
				Desc: m.inline(f.Desc), Rules: template.HTML(rules.String())})
		}
		pe.Body = pb
	}
	for _, sa := range e.All {
		reasons := sa.Reasons
		if sa.Status == e.Status {
			reasons = reasons[1:] // the success line above
		}
		if len(reasons) > 0 {
			pe.Errors = append(pe.Errors, pageError{Status: sa.Status, Desc: m.inline(strings.Join(reasons, " "))})
		}
	}
	return pe
}

func accessName(a api.Access) string {
	for _, l := range accessLevels {
		if strings.EqualFold(l.Name, string(a)) {
			return l.Name
		}
	}
	return string(a)
}

func (m *model) pageObject(name string, s obj) pageObject {
	po := pageObject{Name: name, Anchor: objectAnchor(name)}
	if d, ok := s.get("description"); ok {
		po.Desc = m.inline(d.(string))
	}
	// A map-like object (Devices, Dictionary) has no properties.
	props, _ := s.get("properties")
	list, _ := props.(obj)
	var rows strings.Builder
	for i, p := range list {
		ps := p.v.(obj)
		if i > 0 {
			rows.WriteByte('\n')
		}
		rows.WriteString("<tr><td><code>" + template.HTMLEscapeString(p.k) + "</code></td><td>" + string(typeLabel(ps)) + "</td><td>")
		if d, ok := ps.get("description"); ok {
			rows.WriteString(string(m.inline(d.(string))))
		}
		rows.WriteString("</td></tr>")
	}
	po.Rows = template.HTML(rows.String())
	return po
}

// typeLabel describes a property schema in a few words, linking the
// objects it refers to.
func typeLabel(s obj) template.HTML {
	if r, ok := s.get("$ref"); ok {
		name := strings.TrimPrefix(r.(string), "#/components/schemas/")
		return template.HTML(`<a href="#` + objectAnchor(name) + `">` + template.HTMLEscapeString(name) + `</a>`)
	}
	if alts, ok := s.get("oneOf"); ok {
		var parts []string
		for _, a := range alts.([]any) {
			parts = append(parts, string(typeLabel(a.(obj))))
		}
		return template.HTML(strings.Join(parts, " or "))
	}
	var label string
	switch t, _ := s.get("type"); x := t.(type) {
	case string:
		label = x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		label = strings.Join(parts, " or ")
	}
	out := template.HTMLEscapeString(label)
	if items, ok := s.get("items"); ok {
		out += " of " + string(typeLabel(items.(obj)))
	}
	if f, ok := s.get("format"); ok {
		out += " (" + template.HTMLEscapeString(f.(string)) + ")"
	}
	if en, ok := s.get("enum"); ok {
		var vals []string
		for _, v := range en.([]any) {
			if v != nil {
				vals = append(vals, "<code>"+template.HTMLEscapeString(fmt.Sprint(v))+"</code>")
			}
		}
		out += ": " + strings.Join(vals, ", ")
	}
	return template.HTML(out)
}
