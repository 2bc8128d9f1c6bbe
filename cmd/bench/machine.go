package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

// The machine API (Flexisip's traffic) beside the REST API: the same
// statistics sequence through both, in the same run, priced side by side,
// and the SIP authentication check on its own.

// machineStatsBudget is the ceiling for one statistics event on
// the machine API, all-in (logs included), per million.
const machineStatsBudget = 2.70

// benchSecret is FLEXISIP_AUTH_SECRET of the bench's deployment.
var benchSecret = "bench-" + auth.Random(40)

// accessSink keeps the machine API's access log lines' sizes, by request
// id, as CloudWatch Logs would ingest them.
type accessSink struct {
	mu    sync.Mutex
	buf   []byte
	bytes map[string]int
}

func newAccessSink() *accessSink { return &accessSink{bytes: map[string]int{}} }

func (s *accessSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		var line struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(s.buf[:i], &line) == nil && line.ID != "" {
			s.bytes[line.ID] += i + cwEventOverhead
		}
		s.buf = s.buf[i+1:]
	}
	return len(p), nil
}

// of sums the lines of the requests; missing counts those without one.
func (s *accessSink) of(ids []expect) (total, missing int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range ids {
		b, ok := s.bytes[e.id]
		if !ok {
			missing++
		}
		total += b
	}
	return total, missing
}

// machineResult is the machine API's part of the run.
type machineResult struct {
	ingest      *ingestResult
	ingestIDs   []expect
	accessBytes int
	check       *checkResult
	err         error
}

// checkResult is the SIP check measured through the local machine port.
type checkResult struct {
	n           int
	lat         []time.Duration // sorted
	u           units
	accessBytes int
	wall        time.Duration
	err         error
}

// machineRun starts the machine API's local gateway on the REST one's
// functions, replays the statistics sequence through it under Flexisip's
// default prefix, then runs n SIP checks one after the other (the plugin
// keeps one in flight per domain).
func machineRun(ctx context.Context, gw *localgw.Gateway, dep *deployment, f *fixtures, sink *logSink, calls, checks int) *machineResult {
	res := &machineResult{}
	access := newAccessSink()
	m, err := devstack.NewMachineGateway(gw, devstack.MachineOptions{Logger: gw.Logger, AccessLog: access})
	if err != nil {
		res.err = err
		return res
	}
	url, stop, err := serve(m)
	if err != nil {
		res.err = err
		return res
	}
	defer stop()
	c := newAPIClient(url, 1)
	defer c.close()
	// The key's last use is written at most once a minute: prime it.
	if r, err := c.do(ctx, "POST", "/api/stats/conferences", map[string]string{"X-Api-Key": f.admin.Key}, "{}"); err != nil || r.status != 202 {
		res.err = fmt.Errorf("priming the machine API: %v %d", err, r.status)
		return res
	}
	progress(fmt.Sprintf("machine API: statistics ingestion (%d calls and messages)", calls))
	var ids []expect
	seen := map[string]bool{}
	run := ingestRun{prefix: "/api/stats/", offset: 1 << 20, expect: func(r reply) expect {
		e := direct(r)
		if !seen[e.id] {
			seen[e.id] = true
			ids = append(ids, e)
		}
		return e
	}}
	res.ingest = runIngestWith(ctx, c, f.admin.Key, sink, calls, run)
	res.ingestIDs = ids
	var missing int
	res.accessBytes, missing = access.of(ids)
	if res.ingest.err == nil && missing > 0 {
		res.ingest.err = fmt.Errorf("%d events without an access log line", missing)
	}
	progress(fmt.Sprintf("machine API: %d SIP authentication checks", checks))
	res.check = runChecks(ctx, c, dep, sink, access, checks)
	return res
}

// runChecks calls the SIP check as Flexisip's plugin does, each with a
// fresh nonce (nc 1), computing the Digest answers with the independent
// client of devstack.
func runChecks(ctx context.Context, c *apiClient, dep *deployment, sink *logSink, access *accessSink, n int) *checkResult {
	res := &checkResult{n: n}
	acct, err := dep.newAccount(ctx, "benchsip", false)
	if err != nil {
		res.err = err
		return res
	}
	template := devstack.FlexisipAuthTemplate("", benchSecret)
	var ids []expect
	call := func(i int) (time.Duration, error) {
		uri := "sip:" + domain
		nonce := fmt.Sprintf("YmVuY2gt%08d+/x==", i)
		cnonce := fmt.Sprintf("c%07x", i)
		ha1 := devstack.DigestHex("SHA-256", acct.Username+":"+domain+":"+acct.Password)
		ha2 := devstack.DigestHex("SHA-256", "REGISTER:"+uri)
		resp := devstack.DigestHex("SHA-256", ha1+":"+nonce+":00000001:"+cnonce+":auth:"+ha2)
		u := devstack.FlexisipAuthURL(template, map[string]string{"username": acct.Username, "realm": domain, "nonce": nonce,
			"uri": uri, "response": resp, "cnonce": cnonce, "nc": "00000001", "qop": "auth", "algorithm": "SHA-256",
			"method": "REGISTER", "domain": domain})
		t0 := time.Now()
		r, err := c.do(ctx, "GET", u, nil, "")
		took := time.Since(t0)
		switch {
		case err != nil:
			return 0, err
		case r.status != 200 || !strings.HasPrefix(string(r.body), "Status: 200\n"):
			return 0, fmt.Errorf("check %d: %d %q", i, r.status, r.body)
		}
		ids = append(ids, direct(r))
		return took, nil
	}
	for i := range min(10, n) { // warm, unmeasured
		if _, err := call(-1 - i); err != nil {
			res.err = err
			return res
		}
	}
	ids = nil
	t0 := time.Now()
	for i := range n {
		d, err := call(i)
		if err != nil {
			res.err = err
			return res
		}
		res.lat = append(res.lat, d)
	}
	res.wall = time.Since(t0)
	sort.Slice(res.lat, func(i, j int) bool { return res.lat[i] < res.lat[j] })
	if !sink.wait(ctx, ids, 30*time.Second) {
		res.err = fmt.Errorf("the log lines of %d checks did not all arrive", len(ids))
		return res
	}
	res.u = sink.units(ids)
	var missing int
	if res.accessBytes, missing = access.of(ids); missing > 0 {
		res.err = fmt.Errorf("%d checks without an access log line", missing)
	}
	return res
}

func (r *checkResult) p(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(q/100*float64(len(r.lat))+0.5) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

// machineIngestCost prices one event of the sequence on the machine API.
func machineIngestCost(m *machineResult, mem map[string]int) costLine {
	r := m.ingest
	ev := float64(r.events)
	k := costKind{name: "Flexisip event on the machine API", fn: api.GroupStatistics, httpAPI: true,
		gwRequests: 1, fnCalls: float64(r.total.FnCalls) / ev,
		rcu: r.total.FnRCU / ev, wcu: r.total.FnWCU / ev,
		logBytes: float64(r.total.LogBytes) / ev, accessLogBytes: float64(m.accessBytes) / ev}
	if r.total.FnCalls > 0 {
		k.fnMS = r.total.FnBilledMS / float64(r.total.FnCalls)
	}
	return price(k, mem)
}

func checkCost(c *checkResult, mem map[string]int) costLine {
	n := float64(c.n)
	k := costKind{name: "SIP check", fn: api.GroupExtAuth, httpAPI: true, gwRequests: 1, fnCalls: float64(c.u.FnCalls) / n,
		rcu: c.u.FnRCU / n, wcu: c.u.FnWCU / n, logBytes: float64(c.u.LogBytes) / n, accessLogBytes: float64(c.accessBytes) / n}
	if c.u.FnCalls > 0 {
		k.fnMS = c.u.FnBilledMS / float64(c.u.FnCalls)
	}
	return price(k, mem)
}

// machineBudgets are the lines: the machine API's statistics
// event all-in at most $2.7 per million; its key check one read unit.
func machineBudgets(rest *ingestResult, m *machineResult, mem map[string]int) []budgetLine {
	price := budgetLine{what: "statistics event on the machine API, all-in per million (API Gateway, Lambda, DynamoDB, logs)", limit: fmt.Sprintf("≤ $%.2f", machineStatsBudget)}
	read := budgetLine{what: "statistics event on the machine API: key check read units per event (function)", limit: "≤ 1 RCU"}
	switch {
	case m == nil:
		price.na, read.na = "not run", "not run"
	case m.err != nil:
		price.na, read.na = m.err.Error(), m.err.Error()
	case !ingestOK(m.ingest):
		price.na = fmt.Sprintf("ingestion failed: %v", m.ingest.err)
		read.na = price.na
	default:
		l := machineIngestCost(m, mem)
		price.measured = fmt.Sprintf("$%s", usd(l.allIn))
		if ingestOK(rest) {
			price.measured += fmt.Sprintf(" (the REST API, same run: $%s)", usd(ingestCost(rest, mem).allIn))
		}
		price.pass = l.allIn <= machineStatsBudget
		rcuMax := 0.0
		for _, k := range m.ingest.kinds {
			if k.n > 0 {
				rcuMax = max(rcuMax, k.u.FnRCU/float64(k.n))
			}
		}
		read.measured = fmt.Sprintf("%s RCU on average, %s at most for a kind of event", num(m.ingest.total.FnRCU/float64(m.ingest.events)), num(rcuMax))
		read.pass = rcuMax <= 1
	}
	return []budgetLine{price, read}
}

// renderMachine writes the side-by-side section and the SIP check's.
func renderMachine(b *strings.Builder, rest *ingestResult, m *machineResult, mem map[string]int) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## 5b. The machine API beside the REST API (Flexisip's statistics)\n\n")
	switch {
	case m == nil:
		p("Not run.\n\n")
		return
	case m.err != nil:
		p("Failed: %s\n\n", m.err)
		return
	case !ingestOK(m.ingest) || !ingestOK(rest):
		p("Failed: the ingestion did not complete on both APIs (REST: %v; machine: %v).\n\n", rest.err, m.ingest.err)
		return
	}
	r, l := ingestCost(rest, mem), machineIngestCost(m, mem)
	p("The same sequence as section 5 (%d events), in the same run, through the machine API's local gateway (HTTP API semantics: no authorizer; "+
		"the statistics function checks the API key with one strongly consistent read) under Flexisip's default prefix `/api/stats/`, "+
		"one event after the other. Logs: the functions' JSON lines (the REST API's authorizer line too), and on the machine API its access log "+
		"line in the stack's format (api.MachineAccessLog), each counted with CloudWatch Logs' 26 bytes per event; Lambda's own "+
		"START/END/REPORT lines are not ingested (system log level WARN, infra). The REST API's access logs are off by default (context "+
		"`accessLogs`). Not in the figures: the key's last use, written at most once a minute (at 1 million events a month, about "+
		"0.4 events a second, that is 43 200 writes a month, $0.027 per million events; less as the traffic grows), and data transfer.\n\n", m.ingest.events)
	ev := float64(m.ingest.events)
	rev := float64(rest.events)
	p("| Per million events | REST API | Machine API |\n|---|---|---|\n")
	p("| API Gateway | $%s (REST, $%.2f/M) | $%s (HTTP API, $%.2f/M) |\n", usd(r.gateway), apiGatewayPerM, usd(l.gateway), httpAPIPerM)
	p("| WAF | $%s | $%s (none on the machine API) |\n", usd(r.waf), usd(l.waf))
	p("| Lambda invocations | %s per event: $%s | %s per event: $%s |\n", num((float64(rest.total.AuthCalls)+float64(rest.total.FnCalls))/rev), usd(r.lambdaReq),
		num(float64(m.ingest.total.FnCalls)/ev), usd(l.lambdaReq))
	p("| Lambda GB-s | $%s | $%s |\n", usd(r.lambdaGBs), usd(l.lambdaGBs))
	p("| DynamoDB | %s RCU + %s WCU per event: $%s | %s RCU + %s WCU per event: $%s |\n",
		num((rest.total.AuthRCU+rest.total.FnRCU)/rev), num((rest.total.AuthWCU+rest.total.FnWCU)/rev), usd(r.dynamo),
		num(m.ingest.total.FnRCU/ev), num(m.ingest.total.FnWCU/ev), usd(l.dynamo))
	p("| Logs | %.0f bytes per event: $%s | %.0f bytes (function, $0.50/GB) + %.0f bytes (access log, Infrequent Access class, $0.25/GB) per event: $%s |\n",
		float64(rest.total.LogBytes)/rev, usd(r.logs), float64(m.ingest.total.LogBytes)/ev, float64(m.accessBytes)/ev, usd(l.logs))
	p("| **All-in** | **$%s** | **$%s** (budget $%.2f: %s) |\n\n", usd(r.allIn), usd(l.allIn), machineStatsBudget, map[bool]string{true: "PASS", false: "**FAIL**"}[l.allIn <= machineStatsBudget])
	p("Both stores are identical event for event (e2e `TestMachineStatisticsReplay`). The machine API's events took %s here (REST: %s), "+
		"through one client connection.\n\n", m.ingest.took.Round(time.Millisecond), rest.took.Round(time.Millisecond))
	if len(m.ingest.kinds) > 0 {
		p("| Event (machine API) | Events | Function RCU per event | Function WCU per event | of which table | of which indexes |\n|---|---|---|---|---|---|\n")
		for _, k := range m.ingest.kinds {
			if k.n == 0 {
				continue
			}
			n := float64(k.n)
			p("| %s | %d | %s | %s | %s | %s |\n", k.kind, k.n, num(k.u.FnRCU/n), num(k.u.FnWCU/n), num(k.u.FnTableWCU/n), num(k.u.FnIndexWCU/n))
		}
		p("\nThe read unit is the key check's strongly consistent GetItem of the key item (a key refreshes its last use at most once a minute, " +
			"primed before the run, so no write unit of it here). On the REST API the same read is the authorizer's.\n\n")
	}

	p("### 5c. The SIP authentication check (GET /api/flexisip/auth)\n\n")
	c := m.check
	switch {
	case c == nil:
		p("Not run.\n\n")
		return
	case c.err != nil:
		p("Failed: %s\n\n", c.err)
		return
	}
	cl := checkCost(c, mem)
	n := float64(c.n)
	p("%d checks through the local machine port, one after the other as Flexisip's plugin sends them (one request in flight per domain), "+
		"each a SHA-256 `qop=auth` answer to a fresh nonce, computed by devstack's independent Digest client and sent with the plugin's "+
		"URI template and escaping. Latency as the plugin sees it locally: p50 **%s ms**, p99 **%s ms** (wall %s; DynamoDB Local on the same "+
		"cores, a local process per function: absolute times are this machine's).\n\n",
		c.n, ms2(msf(c.p(50))), ms2(msf(c.p(99))), c.wall.Round(time.Millisecond))
	p("Per check: %s RCU (the SIP identity item and the account item, eventually consistent), %s WCU (the conditional PutItem of the "+
		"`(nonce, nc)` use, with its TTL), %.0f bytes of function log and %.0f bytes of access log.\n\n",
		num(c.u.FnRCU/n), num(c.u.FnWCU/n), float64(c.u.LogBytes)/n, float64(c.accessBytes)/n)
	p("Per million checks: HTTP API $%s, Lambda requests $%s, Lambda GB-s $%s, DynamoDB $%s, logs $%s: **$%s all-in**. "+
		"A refused answer (401) costs no write; an unknown account one read less.\n\n",
		usd(cl.gateway), usd(cl.lambdaReq), usd(cl.lambdaGBs), usd(cl.dynamo), usd(cl.logs), usd(cl.allIn))
}
