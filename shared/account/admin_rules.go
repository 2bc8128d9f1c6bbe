package account

import (
	"fmt"
	"unicode/utf8"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Bounds of a dictionary given at creation: 255 characters for keys and
// values (the dictionary endpoints' bound), and a number of entries that
// keeps the account item far below DynamoDB's 400 KB item limit (FlexiAPI
// has no bound; an over-large item would be a 500).
const (
	maxDictionaryText    = 255
	maxDictionaryEntries = 100
)

// boundsRule is a non-implicit rule (skipped for an absent value).
type boundsRule struct {
	doc   string
	check func(c validate.Context, v any) string
}

func (r boundsRule) Doc() string                                    { return r.doc }
func (r boundsRule) Check(c validate.Context, v any, _ bool) string { return r.check(c, v) }

// dictionaryBounds runs after validate.Dictionary (which checks the shape).
func dictionaryBounds() validate.Rule {
	return boundsRule{fmt.Sprintf("dictionary_bounds:at most %d entries, keys and values at most %d characters", maxDictionaryEntries, maxDictionaryText),
		func(c validate.Context, v any) string {
			m, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			if len(m) > maxDictionaryEntries {
				return fmt.Sprintf("The %s must not have more than %d items.", c.Attr(), maxDictionaryEntries)
			}
			for k, e := range m {
				s, _ := e.(string)
				if utf8.RuneCountInString(k) > maxDictionaryText || utf8.RuneCountInString(s) > maxDictionaryText {
					return fmt.Sprintf("The %s keys and values must not be greater than %d characters.", c.Attr(), maxDictionaryText)
				}
			}
			return ""
		}}
}
