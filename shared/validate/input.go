package validate

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Input is a request's input after Laravel's global clean-up: every string
// trimmed (except passwords), and "" turned into null. Numbers are kept as
// json.Number so that "1" and 1 can be told apart where it matters.
type Input struct {
	m     map[string]any
	facts Facts
}

// untrimmed are the fields Laravel's TrimStrings leaves alone.
var untrimmed = map[string]bool{"password": true, "password_confirmation": true}

// NewInput cleans raw decoded JSON (or form) values.
func NewInput(raw map[string]any) Input {
	m := make(map[string]any, len(raw))
	for k, v := range raw {
		m[k] = clean(v, untrimmed[k])
	}
	return Input{m: m}
}

func clean(v any, keepSpaces bool) any {
	switch x := v.(type) {
	case string:
		if !keepSpaces {
			x = strings.TrimSpace(x)
		}
		if x == "" {
			return nil
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clean(e, false)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clean(e, false)
		}
		return out
	}
	return v
}

// Get returns a value and whether its key is present (a present key may
// hold nil).
func (in Input) Get(name string) (any, bool) {
	v, ok := in.m[name]
	return v, ok
}

// Has reports whether a key is present, even with a null value.
func (in Input) Has(name string) bool { _, ok := in.m[name]; return ok }

// Filled reports whether a key holds a non-null value.
func (in Input) Filled(name string) bool { v, ok := in.m[name]; return ok && v != nil }

// String returns a scalar value as text (numbers in their JSON spelling),
// and false for absent, null or non-scalar values.
func (in Input) String(name string) (string, bool) {
	v, ok := in.m[name]
	if !ok {
		return "", false
	}
	return AsString(v)
}

// StringOr returns String(name) or a default.
func (in Input) StringOr(name, def string) string {
	if s, ok := in.String(name); ok {
		return s
	}
	return def
}

// AsString converts a scalar to text as PHP would for strings and numbers.
func AsString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}

// Bool reads a value with Laravel's boolean rule: true, false, 1, 0, "1",
// "0" (and "true"/"false" strings, which Laravel's boolean cast accepts
// when the rule has already passed).
func (in Input) Bool(name string) (value bool, ok bool) {
	v, present := in.m[name]
	if !present || v == nil {
		return false, false
	}
	return AsBool(v)
}

// AsBool applies Laravel's boolean rule to one value.
func AsBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		switch x.String() {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case float64:
		switch x {
		case 1:
			return true, true
		case 0:
			return false, true
		}
	case string:
		switch x {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	}
	return false, false
}

// Map returns a nested object value.
func (in Input) Map(name string) (map[string]any, bool) {
	v, ok := in.m[name].(map[string]any)
	return v, ok
}

// Raw returns the cleaned values (for logging field names, never values).
func (in Input) Keys() []string {
	keys := make([]string, 0, len(in.m))
	for k := range in.m {
		keys = append(keys, k)
	}
	return keys
}
