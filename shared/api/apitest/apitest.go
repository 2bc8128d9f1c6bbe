// Package apitest holds the checks that every API package's unit tests
// share.
package apitest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// DomainErrors lists the exported error variables (Err...) declared at
// package level in the non-test Go files of dir: the errors a domain
// package can hand to its API package.
func DomainErrors(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var names []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if n.IsExported() && strings.HasPrefix(n.Name, "Err") {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names, nil
}

// CheckErrorTable fails t unless every exported error of the domain
// package in dir is in known (name to value) and has an entry in table
// that answers it, wrapped, with a 4xx or a 5xx other than 500 (a bug); known must name
// nothing else. A new domain error therefore fails the API package's test
// until the table answers it.
func CheckErrorTable(t *testing.T, table api.ErrorTable, dir string, known map[string]error) {
	t.Helper()
	names, err := DomainErrors(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("%s declares no exported error: wrong directory?", dir)
	}
	declared := map[string]bool{}
	for _, name := range names {
		declared[name] = true
		v, ok := known[name]
		if !ok {
			t.Errorf("%s: domain error %s is not known to this test: add it, and give it an entry in the error table", dir, name)
			continue
		}
		answer := table.Answer(fmt.Errorf("context: %w", v))
		e, ok := answer.(*api.Error)
		if !ok || e.Status < 400 || e.Status > 599 || e.Status == 500 {
			t.Errorf("%s: domain error %s has no entry in the error table (it would be a 500)", dir, name)
		}
	}
	for name := range known {
		if !declared[name] {
			t.Errorf("%s declares no %s", dir, name)
		}
	}
}
