package openapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// statusAnswer is everything a route can answer with one status: the
// reasons, the bodies (one schema per media type, alternatives merged) and
// the headers that carry data.
type statusAnswer struct {
	Status    int
	Reasons   []string
	bodies    []answerBody
	headers   []api.Header
	challenge bool
}

type answerBody struct {
	media   string
	schemas []obj
}

func (sa *statusAnswer) addBody(media string, schema obj) {
	for i := range sa.bodies {
		if sa.bodies[i].media == media {
			for _, s := range sa.bodies[i].schemas {
				if fmt.Sprint(s) == fmt.Sprint(schema) {
					return
				}
			}
			sa.bodies[i].schemas = append(sa.bodies[i].schemas, schema)
			return
		}
	}
	sa.bodies = append(sa.bodies, answerBody{media: media, schemas: []obj{schema}})
}

func (sa *statusAnswer) addHeaders(hs []api.Header) {
next:
	for _, h := range hs {
		for _, have := range sa.headers {
			if strings.EqualFold(have.Name, h.Name) {
				continue next
			}
		}
		sa.headers = append(sa.headers, h)
	}
}

// addShape adds a documented response shape.
func (sa *statusAnswer) addShape(sh shape) {
	if sh.media != "" {
		s := sh.schema
		if sh.component != "" {
			s = ref(sh.component)
		}
		sa.addBody(sh.media, s)
	}
	sa.addHeaders(sh.headers)
}

// errorShape is the {"message": …} error of an Answer without a shape.
var errorShape = shape{desc: "An error.", media: mediaJSON, component: "Error"}

// answersOf lists every answer of a route, by status: its success, the
// other answers of its row (Route.Answers) and the errors every route of
// its kind gives (routeErrors), unless the row says it gives that status
// only its own way.
func answersOf(e *endpoint) ([]*statusAnswer, error) {
	byStatus := map[int]*statusAnswer{}
	var order []*statusAnswer
	get := func(status int) *statusAnswer {
		if sa, ok := byStatus[status]; ok {
			return sa
		}
		sa := &statusAnswer{Status: status}
		byStatus[status] = sa
		order = append(order, sa)
		return sa
	}
	ok := get(e.Status)
	ok.Reasons = append(ok.Reasons, e.Shape.desc)
	ok.addShape(e.Shape)
	ok.addHeaders(e.Sets)
	only := map[int]bool{}
	for _, a := range e.Answers {
		if a.Only {
			only[a.Status] = true
		}
	}
	for _, ea := range e.Errors {
		if only[ea.Status] {
			continue
		}
		sa := get(ea.Status)
		sa.Reasons = append(sa.Reasons, ea.Reasons...)
		schema := "Error"
		if ea.validation {
			schema = "ValidationError"
		}
		sa.addBody(mediaJSON, ref(schema))
		sa.challenge = sa.challenge || ea.challenge
	}
	for _, a := range e.Answers {
		sh := errorShape
		if a.Response != "" {
			var known bool
			if sh, known = shapes[a.Response]; !known {
				return nil, fmt.Errorf("route %s: answer %d: unknown response shape %q", e.ID(), a.Status, a.Response)
			}
		}
		if a.Status < 100 || a.Status > 599 {
			return nil, fmt.Errorf("route %s: answer without a status", e.ID())
		}
		sa := get(a.Status)
		desc := a.Desc
		if desc == "" {
			desc = sh.desc
		}
		sa.Reasons = append(sa.Reasons, desc)
		sa.addShape(sh)
		sa.addHeaders(a.Headers)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].Status < order[j].Status })
	return order, nil
}

// response renders one status of a route.
func (sa *statusAnswer) response() obj {
	r := obj{{"description", strings.Join(sa.Reasons, " ")}}
	headers := obj{}
	if sa.challenge {
		headers.set("WWW-Authenticate", obj{
			{"description", "One DIGEST challenge (absent for `Invalid API Key`)."},
			{"schema", obj{{"type", "string"}}},
		})
	}
	for _, h := range sa.headers {
		headers.set(h.Name, obj{{"description", h.Desc}, {"schema", obj{{"type", "string"}}}})
	}
	if len(headers) > 0 {
		r.set("headers", headers)
	}
	if len(sa.bodies) > 0 {
		content := obj{}
		for _, b := range sa.bodies {
			schema := b.schemas[0]
			if len(b.schemas) > 1 {
				alts := make([]any, len(b.schemas))
				for i, s := range b.schemas {
					alts[i] = s
				}
				schema = obj{{"anyOf", alts}}
			}
			content.set(b.media, obj{{"schema", schema}})
		}
		r.set("content", content)
	}
	return r
}

// inputRequired says whether an input is required in this deployment.
func (m *model) inputRequired(p api.Param) bool {
	return p.Required || p.RequiredWhen != "" && m.info.GateOn != nil && m.info.GateOn(p.RequiredWhen)
}

// inputDesc is an input's description, with the condition of a
// conditionally required one.
func inputDesc(p api.Param) string {
	d := p.Desc
	if p.RequiredWhen != "" {
		d = strings.TrimSpace(d + " Required when " + gateCondition(p.RequiredWhen) + ".")
	}
	return d
}

// inputSchema is the JSON Schema of an input's value.
func inputSchema(p api.Param) obj {
	t := p.Type
	if t == "" {
		t = "string"
	}
	s := obj{{"type", t}}
	if len(p.Enum) > 0 {
		s.set("enum", strs(p.Enum))
	}
	if p.Min != 0 {
		s.set("minimum", p.Min)
	}
	if p.Max != 0 {
		s.set("maximum", p.Max)
	}
	return s
}

// parameter renders a query, header or cookie input.
func (m *model) parameter(p api.Param) obj {
	o := obj{{"name", p.Name}, {"in", p.In}, {"required", m.inputRequired(p)}}
	if d := inputDesc(p); d != "" {
		o.set("description", d)
	}
	o.set("schema", inputSchema(p))
	return o
}

// formBody is the form-encoded body of a route's InForm inputs.
func (m *model) formBody(ps []api.Param) obj {
	props := obj{}
	var required []string
	for _, p := range ps {
		s := inputSchema(p)
		if d := inputDesc(p); d != "" {
			s.set("description", d)
		}
		props.set(p.Name, s)
		if m.inputRequired(p) {
			required = append(required, p.Name)
		}
	}
	schema := obj{{"type", "object"}, {"properties", props}}
	if len(required) > 0 {
		schema.set("required", strs(required))
	}
	return obj{{"required", len(required) > 0},
		{"content", obj{{mediaForm, obj{{"schema", schema}}}}}}
}

// checkInputs reports the inputs a route row declares badly.
func checkInputs(r api.Route) []string {
	var problems []string
	seen := map[string]bool{}
	for _, p := range r.Inputs {
		switch p.In {
		case api.InQuery, api.InHeader, api.InCookie, api.InForm:
		default:
			problems = append(problems, fmt.Sprintf("route %s: input %s: unknown location %q", r.ID(), p.Name, p.In))
		}
		key := p.In + ":" + strings.ToLower(p.Name)
		if p.Name == "" || seen[key] {
			problems = append(problems, fmt.Sprintf("route %s: input %q (%s) unnamed or declared twice", r.ID(), p.Name, p.In))
		}
		seen[key] = true
		if p.In == api.InForm && r.Body != "" {
			problems = append(problems, fmt.Sprintf("route %s: form input %s beside a validated body", r.ID(), p.Name))
		}
	}
	return problems
}
