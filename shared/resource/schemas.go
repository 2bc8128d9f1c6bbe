package resource

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Request body names of the route table.
const (
	SchemaList       = "contacts_list"
	SchemaTypeCreate = "account_type.create"
	SchemaTypeUpdate = "account_type.update"
	SchemaAction     = "account_action"
	SchemaDictionary = "dictionary_entry"
)

// Lengths of FlexiAPI's columns: what MySQL would silently truncate is a
// 422 here (and keeps every client string that enters a key bounded).
const (
	maxTitle       = 255
	maxDescription = 65535 // TEXT
	maxTypeKey     = 64
	maxActionField = 255
)

// Schemas are the request bodies of this domain, with FlexiAPI's rules and
// messages; FlexiAPI's 500s on non-string values become 422s.
func Schemas() map[string]validate.Schema {
	typeKey := validate.Field{Name: "key", Type: "string", Desc: "lowercase letters, digits, `-` and `_`, unique",
		Rules: []validate.Rule{validate.Required(), AlphaDash(), validate.NoUppercase(), validate.Max(maxTypeKey),
			validate.StoreRule("unique:account_types,key", FactKeyTaken, "The key has already been taken.")}}
	return map[string]validate.Schema{
		SchemaList: {Steps: []validate.Step{{
			{Name: "title", Type: "string", Desc: "unique", Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Max(maxTitle),
				validate.StoreRule("unique:contacts_lists,title", FactTitleTaken, "The title has already been taken.")}},
			{Name: "description", Type: "string", Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Max(maxDescription)}},
		}}},
		SchemaTypeCreate: {Steps: []validate.Step{{typeKey}}},
		SchemaTypeUpdate: {Steps: []validate.Step{{typeKey}}},
		SchemaAction: {Steps: []validate.Step{{
			{Name: "key", Type: "string", Desc: "lowercase letters, digits, `-` and `_`",
				Rules: []validate.Rule{validate.Required(), AlphaDash(), validate.NoUppercase(), validate.Max(maxActionField)}},
			{Name: "code", Type: "string", Desc: "lowercase letters and digits",
				Rules: []validate.Rule{validate.Required(), AlphaNum(), validate.NoUppercase(), validate.Max(maxActionField)}},
		}}},
		SchemaDictionary: {Steps: []validate.Step{{
			{Name: "value", Type: "string", Desc: "the entry value (a number or boolean is stored as its text)",
				Rules: []validate.Rule{validate.Required(), ScalarOrBool(), maxText(MaxDictionaryField)}},
		}}},
	}
}

type rule struct {
	doc   string
	check func(c validate.Context, v any) string
	types []string // the JSON types it lets through; none: any
}

func (r rule) Types() []string { return r.types }

func (r rule) Doc() string { return r.doc }
func (r rule) Check(c validate.Context, v any, _ bool) string {
	return r.check(c, v)
}

// onlyRunes is Laravel's alpha_dash / alpha_num: a string or number whose
// characters are all Unicode letters, marks, digits (and, for alpha_dash,
// "-" and "_"), at least one.
func onlyRunes(v any, dash bool) bool {
	s, ok := validate.AsString(v)
	if !ok || s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsMark(r), unicode.IsDigit(r), unicode.Is(unicode.N, r):
		case dash && (r == '-' || r == '_'):
		default:
			return false
		}
	}
	return true
}

// AlphaDash is Laravel's alpha_dash.
func AlphaDash() validate.Rule {
	return rule{"alpha_dash", func(c validate.Context, v any) string {
		if !onlyRunes(v, true) {
			return fmt.Sprintf("The %s may only contain letters, numbers, dashes and underscores.", c.Attr())
		}
		return ""
	}, []string{validate.TypeString, validate.TypeNumber}}
}

// AlphaNum is Laravel's alpha_num.
func AlphaNum() validate.Rule {
	return rule{"alpha_num", func(c validate.Context, v any) string {
		if !onlyRunes(v, false) {
			return fmt.Sprintf("The %s may only contain letters and numbers.", c.Attr())
		}
		return ""
	}, []string{validate.TypeString, validate.TypeNumber}}
}

// ScalarOrBool accepts what FlexiAPI stores as a dictionary value: text,
// numbers and booleans (as "1" and ""); arrays and objects, a 500 in
// FlexiAPI, fail with "The :attr must be a string.".
func ScalarOrBool() validate.Rule {
	return rule{"string", func(c validate.Context, v any) string {
		if _, ok := v.(bool); ok {
			return ""
		}
		if _, ok := validate.AsString(v); !ok {
			return fmt.Sprintf("The %s must be a string.", c.Attr())
		}
		return ""
	}, []string{validate.TypeString, validate.TypeNumber, validate.TypeBoolean}}
}

// DictionaryText is the stored text of a validated dictionary value.
func DictionaryText(v any) string {
	if b, ok := v.(bool); ok {
		if b {
			return "1"
		}
		return ""
	}
	s, _ := validate.AsString(v)
	return s
}

// maxText is Laravel's max on the stored text (a boolean is short).
func maxText(n int) validate.Rule {
	return rule{fmt.Sprintf("max:%d", n), func(c validate.Context, v any) string {
		if utf8.RuneCountInString(DictionaryText(v)) > n {
			return fmt.Sprintf("The %s must not be greater than %d characters.", c.Attr(), n)
		}
		return ""
	}, nil}
}
