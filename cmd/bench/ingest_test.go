package main

import (
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// The ingestion's kinds name rows of the route table: a renamed route
// must not leave section 3 calling it measured while nothing measures it.
func TestIngestRoutesAreRoutes(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range api.Routes.Routes() {
		ids[r.ID()] = true
	}
	for _, k := range ingestKinds {
		if !ids[ingestRoutes[k]] {
			t.Errorf("kind %q: route %q is not in api.Routes", k, ingestRoutes[k])
		}
	}
}

func TestIngestBudgetsAreAboutEveryEvent(t *testing.T) {
	s := newLogSink()
	lines := []string{
		`{"component":"authorizer","msg":"allow","request_id":"a","rcu":1,"wcu":0}`,
		`{"component":"statistics","msg":"request","request_id":"a","rcu":0,"wcu":3,"wcu_index":2}`,
		`{"component":"authorizer","msg":"allow","request_id":"b","rcu":1,"wcu":0}`,
		`{"component":"statistics","msg":"request","request_id":"b","rcu":0,"wcu":1,"wcu_index":0}`,
	}
	s.Write([]byte(strings.Join(lines, "\n") + "\n"))
	ids := []expect{{id: "a"}, {id: "b"}}
	r := &ingestResult{events: 2, total: s.units(ids), kinds: []*ingestKindResult{{kind: ingestKinds[0], n: 2, u: s.units(ids)}}}
	var sec3 strings.Builder
	renderIngestCapacity(&sec3, r)
	if row := sec3.String(); !strings.HasPrefix(row, "| POST /api/statistics/calls | ") || !strings.Contains(row, "0 / 2 (table 1, indexes 1) | 0 / 1 (table) | at the minimum; index entries 1 WCU |") {
		t.Fatalf("section 3 row %q", row)
	}
	if !ingestMeasured(r, "PATCH /api/statistics/calls/{call_id}") || ingestMeasured(r, "GET /api/statistics/counts") || ingestMeasured(nil, "POST /api/statistics/calls") {
		t.Fatal("ingestMeasured")
	}
	b := ingestBudgets(r)
	if len(b) != 3 || b[0].verdict() != "PASS" || b[1].verdict() != "info" || b[2].verdict() != "PASS" {
		t.Fatalf("%+v", b)
	}
	if !strings.HasPrefix(b[0].measured, "1 WCU at most") || !strings.HasPrefix(b[1].measured, "1 WCU on average") {
		t.Fatalf("%+v", b)
	}
	// One event over 1 WCU on the table fails, whatever the mean.
	s.Write([]byte(`{"component":"authorizer","msg":"allow","request_id":"c","rcu":0.5,"wcu":0}` + "\n" +
		`{"component":"statistics","msg":"request","request_id":"c","rcu":0,"wcu":2,"wcu_index":0}` + "\n"))
	ids = append(ids, expect{id: "c"})
	r = &ingestResult{events: 3, total: s.units(ids)}
	if b := ingestBudgets(r); b[0].verdict() != "FAIL" || b[2].verdict() != "PASS" {
		t.Fatalf("%+v", b)
	}
	// A line without its breakdown cannot be judged.
	s.Write([]byte(`{"component":"authorizer","msg":"allow","request_id":"d","rcu":2,"wcu":0}` + "\n" +
		`{"component":"statistics","msg":"request","request_id":"d","rcu":0,"wcu":1}` + "\n"))
	ids = append(ids, expect{id: "d"})
	r = &ingestResult{events: 4, total: s.units(ids)}
	if b := ingestBudgets(r); b[0].verdict() != "N/A" || b[2].verdict() != "FAIL" {
		t.Fatalf("%+v", b)
	}
	if b := ingestBudgets(nil); b[0].verdict() != "N/A" {
		t.Fatalf("%+v", b)
	}
}
