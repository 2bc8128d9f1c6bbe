package resource

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

func input(t *testing.T, js string) validate.Input {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return validate.NewInput(m)
}

// TestKeyRules: Laravel's alpha_dash and alpha_num (Unicode letters, marks
// and digits), FlexiAPI's no-ASCII-uppercase rule, the column lengths.
func TestKeyRules(t *testing.T) {
	typ := Schemas()[SchemaTypeCreate]
	action := Schemas()[SchemaAction]
	for _, c := range []struct {
		schema validate.Schema
		body   string
		errs   string // "field: first message" or ""
	}{
		{typ, `{"key":"device_audio-intercom"}`, ""},
		{typ, `{"key":"éclair_2"}`, ""},
		{typ, `{"key":"Élan"}`, ""}, // non-ASCII uppercase passes, as in FlexiAPI
		{typ, `{"key":123}`, ""},
		{typ, `{"key":"Abc1234"}`, "key: No uppercase letters are allowed."},
		{typ, `{"key":"a b"}`, "key: The key may only contain letters, numbers, dashes and underscores."},
		{typ, `{"key":"a.b"}`, "key: The key may only contain letters, numbers, dashes and underscores."},
		{typ, `{"key":["a"]}`, "key: The key may only contain letters, numbers, dashes and underscores."},
		{typ, `{"key":"` + strings.Repeat("k", 65) + `"}`, "key: The key must not be greater than 64 characters."},
		{typ, `{"key":"  "}`, "key: The key field is required."},
		{action, `{"key":"open","code":"1234"}`, ""},
		{action, `{"key":"open","code":"12-34"}`, "code: The code may only contain letters and numbers."},
		{action, `{"key":"open","code":1.5}`, "code: The code may only contain letters and numbers."},
		{action, `{"code":"1"}`, "key: The key field is required."},
		{Schemas()[SchemaDictionary], `{"value":true}`, ""},
		{Schemas()[SchemaDictionary], `{"value":{"a":1}}`, "value: The value must be a string."},
		{Schemas()[SchemaDictionary], `{"value":"` + strings.Repeat("é", 256) + `"}`, "value: The value must not be greater than 255 characters."},
		{Schemas()[SchemaList], `{"title":"t","description":7}`, ""},
		{Schemas()[SchemaList], `{"title":true,"description":"d"}`, "title: The title must be a string."},
	} {
		errs := c.schema.Validate(input(t, c.body))
		got := ""
		if errs != nil {
			f := errs.Fields()[0]
			got = f + ": " + errs.Field(f)[0]
		}
		if got != c.errs {
			t.Errorf("%s: got %q, want %q", c.body[:min(len(c.body), 60)], got, c.errs)
		}
	}
	if DictionaryText(true) != "1" || DictionaryText(false) != "" || DictionaryText(json.Number("12")) != "12" {
		t.Fatal("dictionary value coercion")
	}
}
