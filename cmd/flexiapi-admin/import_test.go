//go:build integration

package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flexiapi-serverless/flexiapi/shared/flexiapidb/flexiapitest"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// importEnv points the CLI at a fresh table (the process environment, as
// an operator's shell on AWS would: no local stack file here).
func importEnv(t *testing.T) *store.Store {
	t.Helper()
	st := testenv.Table(t)
	t.Setenv("FLEXIAPI_TABLE", st.Table())
	t.Setenv("APP_SIP_DOMAIN", "sip.example.org")
	t.Chdir(t.TempDir())
	return st
}

func items(t *testing.T, st *store.Store) int32 {
	t.Helper()
	out, err := st.Client().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(st.Table()), Select: "COUNT", ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Count
}

// flexiapiDatabase makes a d231625 database with a few accounts, broken
// by breakSQL, on make test's MariaDB.
func flexiapiDatabase(t *testing.T, breakSQL string) string {
	t.Helper()
	root := testenv.Endpoint(t, "MARIADB_ROOT_URL")
	ctx := context.Background()
	name := fmt.Sprintf("cli%d", time.Now().UnixNano()%1e9)
	url, db, err := flexiapitest.Create(ctx, root, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t.Cleanup(func() { flexiapitest.Drop(context.Background(), root, name) })
	if err := flexiapitest.Generate(ctx, db, flexiapitest.Generated{Accounts: 30, Domain: "sip.example.org"}); err != nil {
		t.Fatal(err)
	}
	if breakSQL != "" {
		if _, err := db.ExecContext(ctx, breakSQL); err != nil {
			t.Fatal(err)
		}
	}
	return url
}

// TestImportBadInput: a wrong URL, an unreachable server, a newer or an
// older FlexiAPI, a missing table, a missing target table: one line on
// standard error, exit status 1, and nothing written.
func TestImportBadInput(t *testing.T) {
	st := importEnv(t)
	good := flexiapiDatabase(t, "")
	for _, c := range []struct {
		name, from, table, want string
	}{
		{"not a URL", "flexiapi:topsecret@tcp(127.0.0.1:3306)/flexiapi", "", "is not a MySQL URL"},
		{"another scheme", "postgres://flexiapi:topsecret@127.0.0.1/flexiapi", "", "is not a MySQL URL"},
		{"unreachable", "mysql://flexiapi:topsecret@127.0.0.1:1/flexiapi", "", "cannot reach the FlexiAPI database at 127.0.0.1:1/flexiapi"},
		{"newer", flexiapiDatabase(t, "INSERT INTO migrations (migration, batch) VALUES ('2024_04_08_144054_add_request_counter_and_ip_to_api_keys_table', 2)"), "",
			"is newer than d231625: its last migration is 2024_04_08_144054_add_request_counter_and_ip_to_api_keys_table"},
		{"older", flexiapiDatabase(t, "DELETE FROM migrations WHERE id > 38"), "",
			"is older than d231625: its last migration is 2023_12_11_155543_move_tokens_and_codes_to_consommable"},
		{"a table missing", flexiapiDatabase(t, "DROP TABLE account_dictionary_entries"), "", "table account_dictionary_entries is missing"},
		{"no target table", good, "no-such-table", "the table no-such-table does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"import", "-from", c.from}
			if c.table != "" {
				args = append(args, "-table", c.table)
			}
			var out, errw bytes.Buffer
			code := run(args, &out, &errw)
			lines := strings.Split(strings.TrimSpace(errw.String()), "\n")
			if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], c.want) || !strings.HasPrefix(lines[0], "flexiapi-admin import: ") {
				t.Fatalf("exit %d, stderr %q, want one line with %q", code, errw.String(), c.want)
			}
			if strings.Contains(errw.String(), "topsecret") || out.Len() != 0 {
				t.Fatalf("the password shows, or something on stdout: %q %q", errw.String(), out.String())
			}
			if n := items(t, st); n != 0 {
				t.Fatalf("%d items written", n)
			}
		})
	}
}

// TestImportCommand: -dry-run reports and writes nothing; the import
// writes; a second run says 0 new. The URL may come from the environment.
func TestImportCommand(t *testing.T) {
	st := importEnv(t)
	from := flexiapiDatabase(t, "")
	var out, errw bytes.Buffer
	if code := run([]string{"import", "-from", from, "-dry-run"}, &out, &errw); code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, errw.String())
	}
	if !strings.Contains(out.String(), "dry run (nothing written)") || !strings.Contains(out.String(), "all tables: ") || items(t, st) != 0 {
		t.Fatalf("dry run wrote %d items:\n%s", items(t, st), out.String())
	}
	dryOut := out.String()
	t.Setenv("FLEXIAPI_IMPORT_FROM", from)
	out.Reset()
	errw.Reset()
	if code := run([]string{"import", "-page", "7"}, &out, &errw); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errw.String())
	}
	if !strings.Contains(errw.String(), "import: accounts 30/30 (100%): 30 new") || strings.Contains(errw.String(), from) {
		t.Fatalf("progress: %q", errw.String())
	}
	// The dry run foretold the same counts.
	table := func(s string) string { return s[strings.Index(s, "table "):strings.Index(s, "\"not carried\"")] }
	if table(dryOut) != table(out.String()) {
		t.Fatalf("dry run:\n%s\nrun:\n%s", dryOut, out.String())
	}
	if items(t, st) == 0 {
		t.Fatal("nothing written")
	}
	out.Reset()
	if code := run([]string{"import"}, &out, &errw); code != 0 || !strings.Contains(out.String(), "all tables: 0 new") {
		t.Fatalf("second run: exit %d:\n%s", code, out.String())
	}
	if strings.Contains(out.String(), "could not be represented") {
		t.Fatalf("rows listed:\n%s", out.String())
	}
}
