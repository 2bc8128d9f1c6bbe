package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Request schemas of the statistics ingestion (the three POSTs and PATCHes).
// The rules are FlexiAPI's, with its 500s turned into 422s: a from/to
// without @, a date its parser would choke on.

// Schema names, as the route table's Body.
const (
	BodyMessage       = "statistics.message"
	BodyMessageDevice = "statistics.message_device"
	BodyCall          = "statistics.call"
	BodyCallDevice    = "statistics.call_device"
	BodyCallEnd       = "statistics.call_end"
)

// Schemas are the statistics request bodies.
func Schemas() map[string]validate.Schema {
	id := validate.Field{Name: "id", Type: "string", Desc: "the event id (Flexisip: 64 hex characters)",
		Rules: []validate.Rule{validate.Required(), String(), validate.Max(MaxIDLength)}}
	addr := func(name, desc string) validate.Field {
		return validate.Field{Name: name, Type: "string", Desc: desc,
			Rules: []validate.Rule{validate.Required(), String(), validate.Max(MaxAddressLength), Address()}}
	}
	date := func(name, desc string, required bool) validate.Field {
		rules := []validate.Rule{ISODate()}
		if required {
			rules = append([]validate.Rule{validate.Required()}, rules...)
		} else {
			rules = append([]validate.Rule{validate.Nullable()}, rules...)
		}
		return validate.Field{Name: name, Type: "string", Desc: desc + " (ISO 8601; an offset is converted to UTC)", Rules: rules}
	}
	conference := validate.Field{Name: "conference_id", Type: "string", Desc: "the conference, if any",
		Rules: []validate.Rule{validate.Nullable(), String(), validate.Max(MaxConferenceLen)}}
	return map[string]validate.Schema{
		BodyMessage: {Steps: []validate.Step{{
			id, addr("from", "the sender, user@domain"),
			date("sent_at", "when the message was actually sent", true),
			{Name: "encrypted", Type: "boolean", Rules: []validate.Rule{validate.Required(), validate.Boolean()}},
			conference,
		}}},
		BodyMessageDevice: {Steps: []validate.Step{{
			{Name: "last_status", Type: "integer", Desc: "the last status code",
				Rules: []validate.Rule{validate.Required(), Integer()}},
			date("received_at", "when the message was received", true),
		}}},
		BodyCall: {Steps: []validate.Step{{
			id, addr("from", "the caller, user@domain"), addr("to", "the callee, user@domain"),
			date("initiated_at", "when the call was started", true),
			date("ended_at", "when the call finished", false),
			conference,
		}}},
		BodyCallDevice: {Steps: []validate.Step{{
			{Name: "rang_at", Type: "string", Desc: "when the device rang (ISO 8601)", Rules: []validate.Rule{ISODate()}},
			{Name: "invite_terminated", Type: "object",
				Desc:  "`{\"at\": ISO 8601, \"state\": string}`: when and how the invitation ended; `at` and `state` go together (null counts as absent)",
				Rules: []validate.Rule{termination{}}},
		}}},
		BodyCallEnd: {Steps: []validate.Step{{date("ended_at", "when the call finished", true)}}},
	}
}

// termination is the rule of the nested invite_terminated object: at and
// state go together (FlexiAPI's required_with, both ways), at is an ISO
// date and state a string of at most MaxStateLength characters (FlexiAPI
// validates neither, then stores nothing; we store them); null and a
// missing or null pair are no termination.
type termination struct{}

func (termination) Doc() string                              { return "object" }
func (termination) Check(validate.Context, any, bool) string { return "" }
func (termination) Types() []string                          { return []string{validate.TypeObject, validate.TypeNull} }

func (termination) CheckNested(_ validate.Context, v any) []validate.FieldError {
	if v == nil {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []validate.FieldError{{Field: "invite_terminated", Message: "The invite terminated must be an object."}}
	}
	at, hasAt := obj["at"]
	state, hasState := obj["state"]
	hasAt, hasState = hasAt && at != nil, hasState && state != nil
	if !hasAt && !hasState {
		return nil
	}
	var out []validate.FieldError
	add := func(field, msg string) { out = append(out, validate.FieldError{Field: field, Message: msg}) }
	if !hasAt {
		add("invite_terminated.at", "The invite terminated.at field is required when invite terminated.state is present.")
	} else if s, ok := at.(string); !ok {
		add("invite_terminated.at", ISODateMessage)
	} else if _, ok := ParseISODate(s); !ok {
		add("invite_terminated.at", ISODateMessage)
	}
	if !hasState {
		add("invite_terminated.state", "The invite terminated.state field is required when invite terminated.at is present.")
	} else if s, ok := state.(string); !ok {
		add("invite_terminated.state", "The invite terminated.state must be a string.")
	} else if len([]rune(s)) > MaxStateLength {
		add("invite_terminated.state", fmt.Sprintf("The invite terminated.state must not be greater than %d characters.", MaxStateLength))
	}
	return out
}

func (termination) Schema() map[string]any {
	nullable := func(t string) []any { return []any{t, validate.TypeNull} }
	return map[string]any{
		"properties": map[string]any{
			"at":    map[string]any{"type": nullable(validate.TypeString), "description": "when the invitation ended (ISO 8601)"},
			"state": map[string]any{"type": nullable(validate.TypeString), "maxLength": MaxStateLength, "description": "how it ended"},
		},
		// Both absent (or null), or both given.
		"anyOf": []any{
			map[string]any{"properties": map[string]any{"at": map[string]any{"type": validate.TypeNull}, "state": map[string]any{"type": validate.TypeNull}}},
			map[string]any{"required": []any{"at", "state"}, "properties": map[string]any{
				"at": map[string]any{"type": validate.TypeString}, "state": map[string]any{"type": validate.TypeString}}},
		},
	}
}

// Terminated reads a validated invite_terminated (nil: none).
func Terminated(in validate.Input) *Termination {
	obj, ok := in.Map("invite_terminated")
	if !ok {
		return nil
	}
	at, _ := obj["at"].(string)
	state, _ := obj["state"].(string)
	t, ok := ParseISODate(at)
	if !ok || state == "" {
		return nil
	}
	return &Termination{At: t, State: state}
}

// String is Laravel's string rule: a JSON number is not a string.
func String() validate.Rule { return strictString{} }

type strictString struct{}

func (strictString) Doc() string     { return "string" }
func (strictString) Types() []string { return []string{validate.TypeString} }
func (strictString) Check(c validate.Context, v any, _ bool) string {
	if _, ok := v.(string); !ok {
		return fmt.Sprintf("The %s must be a string.", c.Attr())
	}
	return ""
}

// Address: user@domain (FlexiAPI answers 500 without an @).
func Address() validate.Rule { return address{} }

type address struct{}

func (address) Doc() string     { return "regex:@" }
func (address) Types() []string { return []string{validate.TypeString} }
func (address) Check(c validate.Context, v any, _ bool) string {
	if s, ok := v.(string); ok && strings.Contains(s, "@") {
		return ""
	}
	return fmt.Sprintf("The %s format is invalid.", c.Attr())
}

// Integer is Laravel's integer rule (200 or "200"; not 200.5 or "abc"),
// bounded to the reference's int column.
func Integer() validate.Rule { return integer{} }

type integer struct{}

func (integer) Doc() string     { return "integer" }
func (integer) Types() []string { return []string{validate.TypeInteger, validate.TypeString} }
func (integer) Check(c validate.Context, v any, _ bool) string {
	if _, ok := AsInteger(v); ok {
		return ""
	}
	return fmt.Sprintf("The %s must be an integer.", c.Attr())
}

// AsInteger reads an integer sent as a JSON number or a numeric string.
func AsInteger(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
		return 0, false
	}
	return n, true
}
