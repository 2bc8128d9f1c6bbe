package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// TestTableAccessMatchesStore guards TableAccess against the store code:
// every DynamoDB operation and index the store uses must be granted to
// some program, and every grant must still be used. It cannot tell which
// program reaches which store method (TableAccess's comment says that),
// but a new operation (a Scan, a BatchWriteItem, a TransactGetItems), a
// new index or a stale grant fails here instead of in production.
func TestTableAccessMatchesStore(t *testing.T) {
	root, err := FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "shared", "store", "*.go"))
	var src strings.Builder
	for _, f := range files {
		// table.go creates the table (admin CLI and local runs only).
		if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == "table.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	code := src.String()
	if code == "" {
		t.Fatal("shared/store not found: the drift check reads the store code")
	}

	// The IAM action each SDK call or transaction item needs.
	calls := map[string]string{
		"GetItem": "dynamodb:GetItem", "BatchGetItem": "dynamodb:BatchGetItem", "Query": "dynamodb:Query",
		"PutItem": "dynamodb:PutItem", "UpdateItem": "dynamodb:UpdateItem", "DeleteItem": "dynamodb:DeleteItem",
		"BatchWriteItem":     "dynamodb:BatchWriteItem",
		"TransactWriteItems": "", // each item needs its own action (below)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\.db\.([A-Za-z]+)\(`).FindAllStringSubmatch(code, -1) {
		action, known := calls[m[1]]
		if !known {
			t.Errorf("the store calls %s, which no program is granted: add its IAM action to TableAccess (infra/stack.go)", m[1])
			continue
		}
		if action != "" {
			used[action] = true
		}
	}
	items := map[string]string{`types.Put{`: "dynamodb:PutItem", `types.Update{`: "dynamodb:UpdateItem",
		`types.Delete{`: "dynamodb:DeleteItem", `types.ConditionCheck{`: "dynamodb:ConditionCheckItem"}
	for lit, action := range items {
		if strings.Contains(code, lit) {
			used[action] = true
		}
	}
	indexes := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(GSI[0-9]+)"`).FindAllStringSubmatch(code, -1) {
		indexes[m[1]] = true
	}

	granted := map[string]bool{}
	grantedIx := map[string]bool{}
	for _, a := range TableAccess {
		for _, act := range a.TableActions {
			granted[act] = true
		}
		for _, ix := range a.QueryIndexes {
			grantedIx[ix] = true
			granted["dynamodb:Query"] = true
		}
	}
	for a := range used {
		if !granted[a] {
			t.Errorf("the store needs %s, which no program is granted (TableAccess)", a)
		}
	}
	for a := range granted {
		if !used[a] {
			t.Errorf("%s is granted but the store never needs it: remove it from TableAccess", a)
		}
	}
	declared := map[string]bool{}
	for _, ix := range schema.Indexes {
		declared[ix.Name] = true
	}
	for ix := range indexes {
		if !grantedIx[ix] {
			t.Errorf("the store queries index %s, which no program may query (TableAccess)", ix)
		}
		if !declared[ix] {
			t.Errorf("the store queries index %s, which schema.Indexes does not declare", ix)
		}
	}
	for ix := range grantedIx {
		if !indexes[ix] {
			t.Errorf("Query on %s is granted but the store never queries it", ix)
		}
	}
	var u []string
	for a := range used {
		u = append(u, a)
	}
	sort.Strings(u)
	t.Logf("store operations: %v; indexes: %v", u, sortedKeys(indexes))
}
