package flexiapidb_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	. "github.com/flexiapi-serverless/flexiapi/shared/flexiapidb"
	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb/flexiapitest"
)

// specFile is the schema contract, in the shared folder beside the
// repository (the Makefile's SHARED, default ../shared).
func specFile(t *testing.T) string {
	dir := os.Getenv("SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	p := filepath.Join(dir, "spec", "flexiapi-schema.md")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the schema contract %s is not there: run with SHARED=path/to/shared (as make test): %v", p, err)
	}
	return p
}

// TestSchemaMatchesSpec: the CREATE statements the tests and the bench
// load are the contract's, byte for byte and in its order.
func TestSchemaMatchesSpec(t *testing.T) {
	b, err := os.ReadFile(specFile(t))
	if err != nil {
		t.Fatal(err)
	}
	var spec []string
	for _, block := range regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		spec = append(spec, strings.TrimSuffix(strings.TrimSpace(block[1]), ";"))
	}
	ours := flexiapitest.Statements()
	if len(spec) != 31 || !slices.Equal(spec, ours) {
		t.Fatalf("flexiapitest/d231625.sql differs from the contract's %d statements (ours: %d); copy them again", len(spec), len(ours))
	}
}

// TestColumnsMatchSchema: the columns Check requires are the schema's.
func TestColumnsMatchSchema(t *testing.T) {
	table := regexp.MustCompile("^CREATE TABLE `([a-z_]+)`")
	column := regexp.MustCompile("(?m)^  `([a-z_]+)` ")
	got := map[string][]string{}
	for _, s := range flexiapitest.Statements() {
		name := table.FindStringSubmatch(s)[1]
		for _, c := range column.FindAllStringSubmatch(s, -1) {
			got[name] = append(got[name], c[1])
		}
	}
	if len(got) != 31 || len(Columns) != 31 {
		t.Fatalf("%d tables in the schema, %d in Columns", len(got), len(Columns))
	}
	for name, cols := range got {
		if !slices.Equal(cols, Columns[name]) {
			t.Errorf("%s: schema %v, Columns %v", name, cols, Columns[name])
		}
	}
	if len(Migrations) != 41 || Migrations[40] != LastMigration || !slices.IsSorted(Migrations) {
		t.Errorf("Migrations: %d names, last %q, sorted %v", len(Migrations), Migrations[len(Migrations)-1], slices.IsSorted(Migrations))
	}
}
