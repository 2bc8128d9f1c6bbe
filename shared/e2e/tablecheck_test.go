//go:build integration

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// tableSnapshot is every item of an env's table, each rendered as a
// canonical string, by "PK SK". Tests use it to prove that a refused
// request wrote nothing:
//
//	before := e.snapshot()
//	... bad requests ...
//	e.expectUnchanged(before)
//
// It reads the whole test table (a Scan: test-only, on a table of a few
// items). What authentication itself writes on any request is left out:
// Digest nonce use counts, and the last use of an API key.
type tableSnapshot map[string]string

// snapshotIgnoredAttrs are attributes that change on reads: an API key's
// last use and expiry (refreshed once a minute by the authorizer).
var snapshotIgnoredAttrs = map[string]bool{"last_used_at": true, "expires_at": true}

func (e *env) snapshot() tableSnapshot {
	e.t.Helper()
	out := tableSnapshot{}
	var start map[string]types.AttributeValue
	for {
		page, err := e.st.Client().Scan(context.Background(), &dynamodb.ScanInput{
			TableName: aws.String(e.st.Table()), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, it := range page.Items {
			pk, sk := attrString(it["PK"]), attrString(it["SK"])
			if strings.HasPrefix(pk, `"NONCE#`) {
				continue
			}
			out[pk+" "+sk] = itemString(it, strings.HasPrefix(pk, `"APIKEY#`))
		}
		if start = page.LastEvaluatedKey; start == nil {
			return out
		}
	}
}

// expectUnchanged fails with the differences between the table now and a
// snapshot.
func (e *env) expectUnchanged(before tableSnapshot) {
	e.t.Helper()
	if diff := before.diff(e.snapshot()); diff != "" {
		e.t.Fatalf("the table changed:\n%s", diff)
	}
}

// expectUnchangedExcept is expectUnchanged ignoring the items whose PK
// starts with one of the prefixes: "COUNTER#" for a refused creation,
// which consumes an id as an auto-increment does.
func (e *env) expectUnchangedExcept(before tableSnapshot, pkPrefixes ...string) {
	e.t.Helper()
	after := e.snapshot()
	strip := func(s tableSnapshot) tableSnapshot {
		out := tableSnapshot{}
	next:
		for k, v := range s {
			for _, p := range pkPrefixes {
				if strings.HasPrefix(k, `"`+p) {
					continue next
				}
			}
			out[k] = v
		}
		return out
	}
	if diff := strip(before).diff(strip(after)); diff != "" {
		e.t.Fatalf("the table changed:\n%s", diff)
	}
}

// diff lists added, removed and changed items ("" when equal).
func (before tableSnapshot) diff(after tableSnapshot) string {
	var lines []string
	for k, v := range before {
		switch w, ok := after[k]; {
		case !ok:
			lines = append(lines, "- "+k+" "+v)
		case w != v:
			lines = append(lines, "~ "+k+"\n    was "+v+"\n    now "+w)
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			lines = append(lines, "+ "+k+" "+v)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// keysWithPrefix lists the "PK SK" keys of a snapshot whose PK starts with
// prefix (e.g. "SIP#").
func (s tableSnapshot) keysWithPrefix(prefix string) []string {
	var out []string
	for k := range s {
		if strings.HasPrefix(k, `"`+prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func itemString(it map[string]types.AttributeValue, apiKey bool) string {
	names := make([]string, 0, len(it))
	for n := range it {
		if apiKey && snapshotIgnoredAttrs[n] {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("{")
	for i, n := range names {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(n + ":" + attrString(it[n]))
	}
	b.WriteString("}")
	return b.String()
}

// attrString renders an attribute value canonically (maps sorted).
func attrString(v types.AttributeValue) string {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return fmt.Sprintf("%q", x.Value)
	case *types.AttributeValueMemberN:
		return x.Value
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint(x.Value)
	case *types.AttributeValueMemberNULL:
		return "null"
	case *types.AttributeValueMemberM:
		return itemString(x.Value, false)
	case *types.AttributeValueMemberL:
		parts := make([]string, len(x.Value))
		for i, e := range x.Value {
			parts[i] = attrString(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *types.AttributeValueMemberSS:
		s := append([]string(nil), x.Value...)
		sort.Strings(s)
		return "SS" + fmt.Sprint(s)
	case *types.AttributeValueMemberNS:
		s := append([]string(nil), x.Value...)
		sort.Strings(s)
		return "NS" + fmt.Sprint(s)
	case nil:
		return "<absent>"
	}
	return fmt.Sprintf("%T", v)
}
