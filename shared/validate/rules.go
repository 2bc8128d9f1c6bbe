package validate

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// ruleFunc is a non-implicit rule: skipped when the key is absent, or null
// and the field is nullable.
type ruleFunc struct {
	doc   string
	check func(c Context, v any) string
}

func (r ruleFunc) Doc() string                           { return r.doc }
func (r ruleFunc) Check(c Context, v any, _ bool) string { return r.check(c, v) }

// implicitRule runs on absent and null values and stops the field on failure.
type implicitRule struct {
	doc   string
	check func(c Context, v any, present bool) string
}

func (r implicitRule) Doc() string                                 { return r.doc }
func (r implicitRule) Check(c Context, v any, present bool) string { return r.check(c, v, present) }
func (implicitRule) implicit()                                     {}

// Typed is a rule that lets only some JSON types through: the
// documentation's type of a field is what all its typed rules let through
// (JSON Schema names: string, number, integer, boolean, object, array,
// null).
type Typed interface {
	Types() []string
}

// JSON types, as JSON Schema names them.
const (
	TypeString  = "string"
	TypeNumber  = "number"
	TypeInteger = "integer"
	TypeBoolean = "boolean"
	TypeObject  = "object"
	TypeArray   = "array"
	TypeNull    = "null"
)

// Described is a rule that says more than its type in the documentation:
// JSON Schema keywords added to the field's schema (a nested object's
// properties, say).
type Described interface {
	Schema() map[string]any
}

// scalarTypes are what AsString reads: text, and numbers as their text.
var scalarTypes = []string{TypeString, TypeNumber}

// typedFunc is a ruleFunc that lets only some JSON types through.
type typedFunc struct {
	ruleFunc
	types []string
}

func (r typedFunc) Types() []string { return r.types }

func withTypes(r ruleFunc, types ...string) Rule { return typedFunc{r, types} }

type nullableRule struct{}

func (nullableRule) Doc() string                     { return "nullable" }
func (nullableRule) Check(Context, any, bool) string { return "" }

// Nullable lets a present null skip the field's other non-implicit rules.
func Nullable() Rule { return nullableRule{} }

func blank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// Required: present and not blank. "The :attr field is required."
func Required() Rule {
	return implicitRule{"required", func(c Context, v any, present bool) string {
		if !present || blank(v) {
			return fmt.Sprintf("The %s field is required.", c.Attr())
		}
		return ""
	}}
}

// RequiredWithout: required when another field is absent or blank.
func RequiredWithout(other string) Rule {
	return implicitRule{"required_without:" + other, func(c Context, v any, present bool) string {
		ov, _ := c.Input.Get(other)
		if blank(ov) && (!present || blank(v)) {
			return fmt.Sprintf("The %s field is required when %s is not present.", c.Attr(), strings.ReplaceAll(other, "_", " "))
		}
		return ""
	}}
}

// Filled: when present, must not be blank.
func Filled() Rule {
	return implicitRule{"filled", func(c Context, v any, present bool) string {
		if present && blank(v) {
			return fmt.Sprintf("The %s field must have a value.", c.Attr())
		}
		return ""
	}}
}

// Scalar: a string, or a number taken as its text (as PHP casts it).
// Arrays, objects and booleans fail: "The :attr must be a string."
func Scalar() Rule {
	return withTypes(ruleFunc{"string", func(c Context, v any) string {
		if _, ok := AsString(v); !ok {
			return fmt.Sprintf("The %s must be a string.", c.Attr())
		}
		return ""
	}}, scalarTypes...)
}

// Text is Laravel's own string rule: text only, a JSON number fails
// ("The :attr must be a string."). Scalar is FlexiAPI's reading of most
// fields, where a number is taken as its text.
func Text() Rule {
	return withTypes(ruleFunc{"string", func(c Context, v any) string {
		if _, ok := v.(string); !ok {
			return fmt.Sprintf("The %s must be a string.", c.Attr())
		}
		return ""
	}}, TypeString)
}

func size(v any) (int, bool) {
	s, ok := AsString(v)
	if !ok {
		return 0, false
	}
	return utf8.RuneCountInString(s), true
}

// Min is a minimum length in characters.
func Min(n int) Rule {
	return withTypes(ruleFunc{fmt.Sprintf("min:%d", n), func(c Context, v any) string {
		if l, ok := size(v); !ok || l < n {
			return fmt.Sprintf("The %s must be at least %d characters.", c.Attr(), n)
		}
		return ""
	}}, scalarTypes...)
}

// Max is a maximum length in characters.
func Max(n int) Rule {
	return withTypes(ruleFunc{fmt.Sprintf("max:%d", n), func(c Context, v any) string {
		if l, ok := size(v); !ok || l > n {
			return fmt.Sprintf("The %s must not be greater than %d characters.", c.Attr(), n)
		}
		return ""
	}}, scalarTypes...)
}

// Size is an exact length in characters.
func Size(n int) Rule {
	return withTypes(ruleFunc{fmt.Sprintf("size:%d", n), func(c Context, v any) string {
		if l, ok := size(v); !ok || l != n {
			return fmt.Sprintf("The %s must be %d characters.", c.Attr(), n)
		}
		return ""
	}}, scalarTypes...)
}

// Digits: exactly n characters, all 0-9.
func Digits(n int) Rule {
	return withTypes(ruleFunc{fmt.Sprintf("digits:%d", n), func(c Context, v any) string {
		s, ok := AsString(v)
		if !ok || len(s) != n || strings.TrimLeft(s, "0123456789") != "" {
			return fmt.Sprintf("The %s must be %d digits.", c.Attr(), n)
		}
		return ""
	}}, scalarTypes...)
}

// In: one of the values (compared as text, case-sensitive).
func In(values ...string) Rule { return withTypes(in(values...), scalarTypes...) }

func in(values ...string) ruleFunc {
	return ruleFunc{"in:" + strings.Join(values, ","), func(c Context, v any) string {
		s, ok := AsString(v)
		if ok {
			for _, w := range values {
				if s == w {
					return ""
				}
			}
		}
		return fmt.Sprintf("The selected %s is invalid.", c.Attr())
	}}
}

// InWithMessage is In with a custom message (FlexiAPI's algorithm rule).
func InWithMessage(msg string, values ...string) Rule {
	in := in(values...)
	return withTypes(ruleFunc{in.doc, func(c Context, v any) string {
		if in.check(c, v) != "" {
			return msg
		}
		return ""
	}}, scalarTypes...)
}

// Email is an RFC 5322 address (addr-spec only: no display name).
func Email() Rule {
	return withTypes(ruleFunc{"email", func(c Context, v any) string {
		if !IsEmail(v) {
			return fmt.Sprintf("The %s must be a valid email address.", c.Attr())
		}
		return ""
	}}, TypeString)
}

// IsEmail reports whether v is a bare RFC 5322 address such as a@b.
func IsEmail(v any) bool {
	s, ok := v.(string)
	if !ok || strings.ContainsAny(s, "<>\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// Boolean: true, false, 1, 0, "1" or "0".
func Boolean() Rule {
	return withTypes(ruleFunc{"boolean", func(c Context, v any) string {
		if _, ok := AsBool(v); !ok {
			return fmt.Sprintf("The %s field must be true or false.", c.Attr())
		}
		return ""
	}}, TypeBoolean, TypeInteger, TypeString)
}

// DateTimeLayout is Laravel's "Y-m-d H:i:s".
const DateTimeLayout = "2006-01-02 15:04:05"

// DateFormat checks Y-m-d H:i:s exactly.
func DateFormat() Rule {
	return withTypes(ruleFunc{"date_format:Y-m-d H:i:s", func(c Context, v any) string {
		s, ok := v.(string)
		if ok {
			if t, err := time.Parse(DateTimeLayout, s); err == nil && t.Format(DateTimeLayout) == s {
				return ""
			}
		}
		return fmt.Sprintf("The %s does not match the format Y-m-d H:i:s.", c.Attr())
	}}, TypeString)
}

// StartsWith: the text starts with the prefix.
func StartsWith(prefix string) Rule {
	return withTypes(ruleFunc{"starts_with:" + prefix, func(c Context, v any) string {
		s, ok := AsString(v)
		if !ok || !strings.HasPrefix(s, prefix) {
			return fmt.Sprintf("The %s must start with one of the following: %s", c.Attr(), prefix)
		}
		return ""
	}}, scalarTypes...)
}

// WithoutSpaces: no Unicode white space (FlexiAPI's message).
func WithoutSpaces() Rule {
	return withTypes(ruleFunc{"without_spaces", func(c Context, v any) string {
		s, ok := AsString(v)
		if !ok || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
			return fmt.Sprintf("The %s contains spaces", c.Attr())
		}
		return ""
	}}, scalarTypes...)
}

// NoUppercase: no ASCII A-Z (FlexiAPI's rule lowers ASCII only).
func NoUppercase() Rule {
	return ruleFunc{"no_uppercase", func(c Context, v any) string {
		s, _ := AsString(v)
		if strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0 {
			return "No uppercase letters are allowed."
		}
		return ""
	}}
}

// phonePattern is respect/validation 2.2.4's phone rule rewritten for RE2
// (fuzz-checked against the original). Compiled on
// first use: every function imports this package, few create accounts,
// and each cold start would pay the compilation.
var phonePattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\+?\d{0,3} ?(?:\(\d{1,3}\) ?(?:\d{3,5}[. -]?\d{4}|(?:\d{2}[. -]?){4})|[. -]?(?:\d{1,3}[. -]*)?(?:\d{3,5}[. -]?\d{4}|(?:\d{2}[. -]?){4}))$`)
})

// IsPhoneNumber reports whether FlexiAPI would take the value for a phone
// number: it starts with "+" or matches the phone pattern.
func IsPhoneNumber(s string) bool {
	return strings.HasPrefix(s, "+") || phonePattern().MatchString(s)
}

// NotPhoneNumber is FlexiAPI's IsNotPhoneNumber rule.
func NotPhoneNumber() Rule {
	return ruleFunc{"not_phone_number", func(c Context, v any) string {
		s, _ := AsString(v)
		if IsPhoneNumber(s) {
			return "The username should not be a phone number"
		}
		return ""
	}}
}

// Pattern: the text matches re; msg is the message on failure.
func Pattern(doc string, re *regexp.Regexp, msg string) Rule {
	return withTypes(ruleFunc{doc, func(c Context, v any) string {
		s, ok := AsString(v)
		if !ok || !re.MatchString(s) {
			return msg
		}
		return ""
	}}, scalarTypes...)
}

// Blacklist is FlexiAPI's BlacklistedUsername rule: each entry rejects an
// exact match and, when it compiles, any value it matches anywhere.
func Blacklist(entries []string) Rule {
	var res []*regexp.Regexp
	for _, e := range entries {
		if re, err := regexp.Compile(e); err == nil {
			res = append(res, re)
		}
	}
	return ruleFunc{"blacklisted_username", func(c Context, v any) string {
		s, _ := AsString(v)
		for _, e := range entries {
			if s == e {
				return "Username already used."
			}
		}
		for _, re := range res {
			if re.MatchString(s) {
				return "Username already used."
			}
		}
		return ""
	}}
}

// Dictionary: a JSON object whose keys and values are all strings ({} and
// [] mean no entries). FlexiAPI's message, typo included.
func Dictionary() Rule {
	return withTypes(ruleFunc{"dictionary", func(c Context, v any) string {
		const msg = "The dictionary must be an assiocative dictionary of strings"
		switch x := v.(type) {
		case []any:
			if len(x) == 0 {
				return ""
			}
		case map[string]any:
			for _, e := range x {
				if _, ok := e.(string); !ok {
					return msg
				}
			}
			return ""
		}
		return msg
	}}, TypeObject, TypeArray)
}

// Documented is a rule enforced elsewhere (a uniqueness condition in the
// store): it only appears in the documentation.
func Documented(doc string) Rule {
	return ruleFunc{doc, func(Context, any) string { return "" }}
}
