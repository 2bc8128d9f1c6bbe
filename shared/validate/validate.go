// Package validate reproduces the parts of Laravel's validator that
// FlexiAPI's wire contract depends on: rule order, which rules run on an
// absent or null value, the messages, the two-step form requests, and the
// 422 error shape. A rule also describes itself, so the OpenAPI document is
// generated from the same rules that run.
package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Rule is one validation rule of a field.
type Rule interface {
	// Doc is the rule as Laravel would spell it ("min:6", "in:MD5,SHA-256").
	Doc() string
	// Check returns the error message, or "" when the value passes. It is
	// called with present=false for an absent key and v=nil for null.
	Check(c Context, v any, present bool) string
}

// Nested is a rule on an object whose failures name the fields inside it
// ("invite_terminated.at"), as Laravel's rules on "field.key" do: it
// reports every one (Check is not called).
type Nested interface {
	CheckNested(c Context, v any) []FieldError
}

// FieldError is one message on one (nested) field.
type FieldError struct{ Field, Message string }

// Implicit rules run even when the value is absent or null, and a failure
// stops the field's other rules (Laravel's "implicit" rules).
type Implicit interface{ implicit() }

// Context gives a rule the field being checked and the whole input.
type Context struct {
	Field string
	Input Input
}

// Attr is the field as Laravel names it in messages: "_" becomes a space.
func (c Context) Attr() string { return strings.ReplaceAll(c.Field, "_", " ") }

// Field declares one input field.
type Field struct {
	Name  string
	Type  string // string, boolean, integer, object: for the documentation
	Desc  string
	Rules []Rule
}

// Step is a group of fields validated together; only the first failing
// step of a schema is reported, as FlexiAPI's two-step requests do.
type Step []Field

// Schema is a request body's validation.
type Schema struct {
	Steps []Step
}

// Fields lists every field of every step.
func (s Schema) Fields() []Field {
	var out []Field
	for _, st := range s.Steps {
		out = append(out, st...)
	}
	return out
}

// Validate runs the steps in order and returns the errors of the first
// failing step, or nil.
func (s Schema) Validate(in Input) *Errors {
	for _, st := range s.Steps {
		if errs := st.Validate(in); errs != nil {
			return errs
		}
	}
	return nil
}

// Validate checks one step's fields.
func (st Step) Validate(in Input) *Errors {
	errs := &Errors{}
	for _, f := range st {
		v, present := in.Get(f.Name)
		c := Context{Field: f.Name, Input: in}
		nullable := false
		for _, r := range f.Rules {
			if _, ok := r.(nullableRule); ok {
				nullable = true
			}
		}
		for _, r := range f.Rules {
			_, implicit := r.(Implicit)
			if !implicit {
				if !present {
					continue
				}
				if v == nil && nullable {
					continue
				}
			}
			if n, ok := r.(Nested); ok {
				for _, fe := range n.CheckNested(c, v) {
					errs.Add(fe.Field, fe.Message)
				}
				continue
			}
			if msg := r.Check(c, v, present); msg != "" {
				errs.Add(f.Name, msg)
				if implicit {
					break
				}
			}
		}
	}
	if errs.Empty() {
		return nil
	}
	return errs
}

// Errors are validation errors, in field declaration order.
type Errors struct {
	fields []string
	msgs   map[string][]string
}

// Add records a message for a field (duplicates are merged, as Laravel does).
func (e *Errors) Add(field, msg string) {
	if e.msgs == nil {
		e.msgs = map[string][]string{}
	}
	if _, ok := e.msgs[field]; !ok {
		e.fields = append(e.fields, field)
	}
	for _, m := range e.msgs[field] {
		if m == msg {
			return
		}
	}
	e.msgs[field] = append(e.msgs[field], msg)
}

// Empty reports whether no error was recorded.
func (e *Errors) Empty() bool { return e == nil || len(e.fields) == 0 }

// Field returns the messages of one field.
func (e *Errors) Field(name string) []string { return e.msgs[name] }

// Fields returns the fields in error, in order.
func (e *Errors) Fields() []string { return append([]string(nil), e.fields...) }

// Message is Laravel's summary: the first message, plus " (and N more
// error[s])" when there are others.
func (e *Errors) Message() string {
	if e.Empty() {
		return ""
	}
	first := e.msgs[e.fields[0]][0]
	n := -1
	for _, f := range e.fields {
		n += len(e.msgs[f])
	}
	switch {
	case n == 1:
		return first + " (and 1 more error)"
	case n > 1:
		return fmt.Sprintf("%s (and %d more errors)", first, n)
	}
	return first
}

// Error implements error.
func (e *Errors) Error() string { return e.Message() }

// MarshalJSON writes the Laravel 422 body:
// {"message": "...", "errors": {"field": ["..."]}} with fields in order.
func (e *Errors) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"message":`)
	writeJSONString(&b, e.Message())
	b.WriteString(`,"errors":{`)
	for i, f := range e.fields {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, f)
		b.WriteByte(':')
		msgs, _ := json.Marshal(e.msgs[f])
		b.Write(msgs)
	}
	b.WriteString("}}")
	return b.Bytes(), nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

// Single builds the errors of one field with one message.
func Single(field, msg string) *Errors {
	e := &Errors{}
	e.Add(field, msg)
	return e
}
