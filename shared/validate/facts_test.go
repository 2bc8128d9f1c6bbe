package validate

import (
	"reflect"
	"testing"
)

type nestedRule struct{}

func (nestedRule) Doc() string                     { return "object" }
func (nestedRule) Check(Context, any, bool) string { return "" }
func (nestedRule) CheckNested(_ Context, v any) []FieldError {
	return []FieldError{{"obj.a", "The obj.a is bad."}, {"obj.b", "The obj.b is bad."}}
}

// TestStoreRulesAndNestedRules: a store rule fails only on its fact, in
// its place among the field's rules; a nested rule reports every inner
// field; a step reports every field.
func TestStoreRulesAndNestedRules(t *testing.T) {
	st := Step{
		{Name: "name", Rules: []Rule{Required(), Min(3), StoreRule("unique", "name_taken", "The name has already been taken.")}},
		{Name: "obj", Rules: []Rule{nestedRule{}}},
		{Name: "other", Rules: []Rule{Required()}},
	}
	in := NewInput(map[string]any{"name": "ab", "obj": map[string]any{}})
	errs := st.Validate(in)
	if got := errs.Fields(); !reflect.DeepEqual(got, []string{"name", "obj.a", "obj.b", "other"}) {
		t.Fatalf("fields %v", got)
	}
	if got := errs.Field("name"); !reflect.DeepEqual(got, []string{"The name must be at least 3 characters."}) {
		t.Fatalf("without facts: %v", got)
	}
	errs = st.Validate(in.WithFacts(Facts{"name_taken": true}))
	if got := errs.Field("name"); !reflect.DeepEqual(got, []string{"The name must be at least 3 characters.", "The name has already been taken."}) {
		t.Fatalf("with facts: %v", got)
	}
	if in.Fact("name_taken") {
		t.Fatal("WithFacts changed the original input")
	}
}
