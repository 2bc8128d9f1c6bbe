//go:build integration

package e2e

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The capacity units a function logged on its request lines (one line per
// request, with rcu, wcu and db_calls): the capacity tests of every area
// read them here.

// requestUnits are the units one function request logged.
type requestUnits struct {
	RCU   float64 `json:"rcu"`
	WCU   float64 `json:"wcu"`
	Calls int     `json:"db_calls"`
}

// requestLogs lists the request lines the functions logged for a route.
func requestLogs(logs, method, route string) []requestUnits {
	var out []requestUnits
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.IndexByte(line, '{')
		// The function's line (the gateway logs its own, without units).
		if i < 0 || !strings.Contains(line, `"msg":"request"`) || !strings.Contains(line, `"db_calls"`) {
			continue
		}
		var m struct {
			Method string `json:"method"`
			Route  string `json:"route"`
			requestUnits
		}
		if json.Unmarshal([]byte(line[i:]), &m) == nil && m.Method == method && m.Route == route {
			out = append(out, m.requestUnits)
		}
	}
	return out
}

// unitsOf sends one request and returns the units its function logged
// for the route ("POST /api/accounts/{id}/types/{type_id}").
func (e *env) unitsOf(t *testing.T, route string, send func() response, status int) requestUnits {
	t.Helper()
	method, path, _ := strings.Cut(route, " ")
	before := len(requestLogs(e.logs.String(), method, path))
	if r := send(); r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", route, r.Status, status, r.Body)
	}
	for i := 0; i < 100; i++ {
		if l := requestLogs(e.logs.String(), method, path); len(l) > before {
			return l[len(l)-1]
		}
		time.Sleep(20 * time.Millisecond) // function logs may lag the answer
	}
	t.Fatalf("no request line for %s", route)
	return requestUnits{}
}

// measure runs one admin request and returns the units its function logged.
func (e *env) measure(t *testing.T, method, route, path, body string, status int) requestUnits {
	t.Helper()
	return e.unitsOf(t, method+" "+route, func() response { return e.asAdmin(method, path, body) }, status)
}

// functionUnits returns the units of the last request the functions
// logged for a route ("PUT /api/accounts/{id}"), waiting for it briefly.
func functionUnits(t *testing.T, e *env, route string) (read, write float64) {
	t.Helper()
	method, path, _ := strings.Cut(route, " ")
	for i := 0; i < 50; i++ {
		if l := requestLogs(e.logs.String(), method, path); len(l) > 0 {
			return l[len(l)-1].RCU, l[len(l)-1].WCU
		}
		time.Sleep(20 * time.Millisecond) // function logs may lag the answer
	}
	t.Fatalf("no request line for %s", route)
	return 0, 0
}
