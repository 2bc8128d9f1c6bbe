// Package openapitest validates documents against the official OpenAPI 3.1
// JSON Schema (../testdata/openapi-3.1-schema.json). It is for tests only:
// no function imports it, so the validator never reaches a bootstrap.
package openapitest

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaFile is the official OpenAPI 3.1 schema, next to this package.
func SchemaFile() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "testdata", "openapi-3.1-schema.json")
}

// Validator compiles the OpenAPI 3.1 schema, formats asserted, and returns
// a function that validates one JSON document against it.
func Validator(t testing.TB) func(doc []byte) error {
	t.Helper()
	f, err := os.Open(SchemaFile())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	oas, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("openapi-3.1-schema.json", oas); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("openapi-3.1-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return func(doc []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			return err
		}
		return sch.Validate(v)
	}
}
