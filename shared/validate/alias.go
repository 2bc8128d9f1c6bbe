package validate

import "fmt"

// SizeWithMessage is an exact length in characters with a rule's own
// message (FlexiAPI's token rules answer "Please provide a valid …" for a
// token of the wrong length).
func SizeWithMessage(n int, msg string) Rule {
	return withTypes(ruleFunc{fmt.Sprintf("size:%d", n), func(c Context, v any) string {
		if l, ok := size(v); !ok || l != n {
			return msg
		}
		return ""
	}}, scalarTypes...)
}

// Aliased is a rule that runs other rules on a field or on its alias: the
// documentation describes the alias as the field, and requires one of them
// where the rules require the field.
type Aliased interface {
	Alias() (name string, rules []Rule)
}

type aliasRule struct {
	implicitRule
	alias string
	rules []Rule
}

func (r aliasRule) Alias() (string, []Rule) { return r.alias, r.rules }

// Alias runs rules on the field, or on the alias's value when the alias
// key is present: FlexiAPI merges `code` into `confirmation_key` before
// validating. Messages name the field. The first failing rule stops.
func Alias(alias string, rules ...Rule) Rule {
	doc := "alias:" + alias
	return aliasRule{alias: alias, rules: rules, implicitRule: implicitRule{doc, func(c Context, v any, present bool) string {
		if av, ok := c.Input.Get(alias); ok {
			v, present = av, true
		}
		for _, r := range rules {
			if _, implicit := r.(Implicit); !implicit && (!present || v == nil) {
				continue
			}
			if msg := r.Check(c, v, present); msg != "" {
				return msg
			}
		}
		return ""
	}}}
}
