package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(ds, c.p); got != c.want {
			t.Errorf("p%.0f = %s, want %s", c.p, got, c.want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("empty input")
	}
	if m := median([]float64{3, 1, 2, 10}); m != 2.5 {
		t.Errorf("median %v", m)
	}
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
pkg: example.org/a
BenchmarkX-2   	 100	  30.0 ns/op	  8 B/op	  1 allocs/op
BenchmarkX-2   	 100	  10.0 ns/op	  8 B/op	  1 allocs/op
BenchmarkX-2   	 100	  20.0 ns/op	  8 B/op	  1 allocs/op
pkg: example.org/b
BenchmarkY/sub-2	  50	1000 ns/op
PASS
`
	rows := parseGoBench(out)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if r := rows[0]; r.pkg != "example.org/a" || r.runs != 3 || r.nsOp != 20 || !r.hasMem || r.bOp != 8 || r.allocOp != 1 {
		t.Errorf("%+v", r)
	}
	if r := rows[1]; r.name != "BenchmarkY/sub-2" || r.hasMem || r.nsOp != 1000 {
		t.Errorf("%+v", r)
	}
}

func TestLogSinkMatchesRequestIDs(t *testing.T) {
	s := newLogSink()
	s.Write([]byte(`[authorizer#1] {"level":"INFO","msg":"allow","component":"authorizer","request_id":"r1","rcu":1,"wcu":0,"duration_ms":2.2}` + "\n" +
		`[accounts#1] {"level":"INFO","msg":"request","component":"accounts","request_id":"r1","rcu":1,"wcu":0.5,"duration_ms":3.5}` + "\n" +
		`[accounts#1] {"level":"INFO","msg":"cold start"` + "\n" + `not json` + "\n" + `[meta#1] {"msg":"req`))
	u := s.units([]expect{{id: "r1"}, {id: "r2"}})
	if u.AuthRCU != 1 || u.FnRCU != 1 || u.FnWCU != 0.5 || u.AuthCalls != 1 || u.FnCalls != 1 || u.Missing != 1 {
		t.Fatalf("%+v", u)
	}
	if u.AuthBilledMS != 3 || u.FnBilledMS != 4 {
		t.Fatalf("billed %v %v", u.AuthBilledMS, u.FnBilledMS)
	}
	if billedMS(0.2) != 1 || billedMS(2) != 2 {
		t.Fatal("billedMS")
	}
}

func TestProgramName(t *testing.T) {
	for in, want := range map[string]string{"Authorizer": "authorizer", "api.GroupMeta": "meta", "api.GroupAccounts": "accounts", `"stats"`: "stats"} {
		if got := programName(in); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
	m := sizingRE.FindAllStringSubmatch("\tAuthorizer:        {MemoryMB: 128, TimeoutSeconds: 10},\n\tapi.GroupMeta: {MemoryMB: 256},", -1)
	if len(m) != 2 || m[0][1] != "Authorizer" || m[0][2] != "128" || m[1][1] != "api.GroupMeta" {
		t.Fatalf("%q", m)
	}
}

func TestPriceDigestRound(t *testing.T) {
	l := price(costKind{gwRequests: 2, authzCalls: 2, fnCalls: 1, fn: "accounts", authzMS: 2, fnMS: 5, rcu: 2, wcu: 1},
		map[string]int{"authorizer": 128, "accounts": 256})
	// 2 × 3.50 + 3 × 0.20 + GB-s (2×0.002×0.125 + 0.005×0.25) × 0.0000133334 × 1e6 + 2 × 0.125 + 0.625 + 2 × 0.60
	want := 7 + 0.6 + (2*0.002*0.125+0.005*0.25)*0.0000133334*1e6 + 0.25 + 0.625 + 1.2
	if d := l.total - want; d > 1e-9 || d < -1e-9 {
		t.Fatalf("total %v, want %v", l.total, want)
	}
}

func TestExcess(t *testing.T) {
	if got := excess(0, 0, 0, 0); got != "at the minimum" {
		t.Error(got)
	}
	if got := excess(0, 0, 1, 0.5); got != "+1 RCU, +0.5 WCU" {
		t.Error(got)
	}
}

// TestGenericCasesSendRequiredHeaders: the generic case of a public GET
// sends the headers its route row requires, so that it measures a request
// the route accepts (GET /provisioning once answered 400 there for want
// of x-linphone-provisioning).
func TestGenericCasesSendRequiredHeaders(t *testing.T) {
	got := map[string]http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got[r.URL.Path] = r.Header.Clone()
	}))
	defer srv.Close()
	c := newAPIClient(srv.URL, 1)
	ran := 0
	for _, cc := range capacityCases(c, &fixtures{}) {
		if cc.what != "public GET (generic case)" {
			continue
		}
		if _, _, err := cc.run(context.Background()); err != nil {
			t.Fatal(err)
		}
		ran++
	}
	if ran == 0 {
		t.Fatal("no generic case")
	}
	h, ok := got["/provisioning"]
	if !ok {
		t.Fatalf("GET /provisioning has no generic case: %v", got)
	}
	if h.Get("X-Linphone-Provisioning") == "" {
		t.Fatalf("GET /provisioning without x-linphone-provisioning: %v", h)
	}
}
