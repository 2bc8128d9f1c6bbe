package validate

import "fmt"

// SizeWithMessage is an exact length in characters with a rule's own
// message (FlexiAPI's token rules answer "Please provide a valid …" for a
// token of the wrong length).
func SizeWithMessage(n int, msg string) Rule {
	return ruleFunc{fmt.Sprintf("size:%d", n), func(c Context, v any) string {
		if l, ok := size(v); !ok || l != n {
			return msg
		}
		return ""
	}}
}

// Alias runs rules on the field, or on the alias's value when the alias
// key is present: FlexiAPI merges `code` into `confirmation_key` before
// validating. Messages name the field. The first failing rule stops.
func Alias(alias string, rules ...Rule) Rule {
	doc := "alias:" + alias
	return implicitRule{doc, func(c Context, v any, present bool) string {
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
	}}
}
