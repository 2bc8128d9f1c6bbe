package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// Budgets of architecture.md's "Performance budget".
const (
	coldRatioBudget    = 2.0
	binaryBudgetBytes  = 15_000_000 // 15 MB (10^6 bytes)
	gatewayBudgetMS    = 1.0
	keyAuthBudgetRCU   = 1.0
	digestBudgetRCU    = 1.0
	digestBudgetWCU    = 1.0
	statisticBudgetWCU = 1.0
)

const modulePath = "github.com/flexiapi-serverless/flexiapi"

type budgetLine struct {
	what, measured, limit string
	pass                  bool
	na                    string // not measurable: why
	info                  bool   // a figure shown beside a budget, with no limit of its own
}

func (b budgetLine) verdict() string {
	switch {
	case b.na != "":
		return "N/A"
	case b.info:
		return "info"
	case b.pass:
		return "PASS"
	}
	return "FAIL"
}

func (r *report) budgets() []budgetLine {
	var out []budgetLine
	ref := r.coldRef()
	for _, c := range r.cold {
		if c.name == hello {
			continue
		}
		switch {
		case c.err != nil:
			out = append(out, budgetLine{what: "cold start of " + c.name, limit: "≤ 2 × hello-world", na: c.err.Error()})
		case ref == nil || len(ref.first) == 0:
			out = append(out, budgetLine{what: "cold start of " + c.name, limit: "≤ 2 × hello-world", na: "hello-world reference failed"})
		default:
			ratio := median(c.firstMS()) / median(ref.firstMS())
			out = append(out, budgetLine{what: "cold start of " + c.name + " (first response, p50)",
				measured: fmt.Sprintf("%.1f ms = %.2f × hello-world (%.1f ms)", median(c.firstMS()), ratio, median(ref.firstMS())),
				limit:    fmt.Sprintf("≤ %.0f ×", coldRatioBudget), pass: ratio <= coldRatioBudget})
		}
	}
	for _, name := range r.binaryNames() {
		size := r.bins.size[name]
		out = append(out, budgetLine{what: "size of " + name + " (linux/arm64)", measured: mb(size),
			limit: "≤ 15 MB", pass: size > 0 && size <= binaryBudgetBytes})
	}
	for _, o := range r.overhead {
		added := msf(o.gateway.P(50) - o.direct.P(50))
		out = append(out, budgetLine{what: fmt.Sprintf("gateway overhead on GET /api/ping, %d worker(s) (p50 gateway − p50 direct invoke)", o.workers),
			measured: fmt.Sprintf("%.3f ms (%.3f − %.3f)", added, msf(o.gateway.P(50)), msf(o.direct.P(50))),
			limit:    "≤ 1 ms", pass: added <= gatewayBudgetMS})
	}
	for _, kind := range []string{authAPIKey, authJWT} {
		c := r.capCase("GET /api/accounts/me", kind)
		line := budgetLine{what: kind + " authentication (authorizer, common path)", limit: "≤ 1 RCU, 0 WCU"}
		if c == nil || c.err != nil {
			line.na = "not measured"
			if c != nil {
				line.na = c.err.Error()
			}
		} else {
			line.measured = fmt.Sprintf("%s RCU, %s WCU", num(c.authU.AuthRCU), num(c.authU.AuthWCU))
			line.pass = c.authU.AuthRCU <= keyAuthBudgetRCU && c.authU.AuthWCU == 0
		}
		out = append(out, line)
	}
	if c := r.capCase("GET /api/accounts/me", authDigest); c != nil && c.err == nil {
		out = append(out, budgetLine{what: "Digest request (401 + answer, authorizer)",
			measured: fmt.Sprintf("%s RCU, %s WCU", num(c.authU.AuthRCU), num(c.authU.AuthWCU)),
			limit:    "≤ 1 RCU + 1 WCU", pass: c.authU.AuthRCU <= digestBudgetRCU && c.authU.AuthWCU <= digestBudgetWCU})
	} else {
		out = append(out, budgetLine{what: "Digest request (401 + answer, authorizer)", limit: "≤ 1 RCU + 1 WCU", na: "not measured"})
	}
	out = append(out, ingestBudgets(r.ingest)...)
	out = append(out, machineBudgets(r.ingest, r.machineAPI, r.mem)...)
	return out
}

func (r *report) coldRef() *coldResult {
	for _, c := range r.cold {
		if c.name == hello && c.err == nil {
			return c
		}
	}
	return nil
}

// binaryNames are the deployment's bootstraps, hello-world excluded.
func (r *report) binaryNames() []string {
	var out []string
	for _, n := range coldOrder(r.bins.local) {
		if n != hello {
			out = append(out, n)
		}
	}
	return out
}

func (r *report) capCase(routeID, auth string) *capResult {
	for i := range r.capacity {
		if r.capacity[i].routeID == routeID && r.capacity[i].auth == auth {
			return &r.capacity[i]
		}
	}
	return nil
}

func (r *report) scenario(key string) *scenario {
	for _, s := range r.scenarios {
		if s.key == key {
			return s
		}
	}
	return nil
}

func (r *report) overheadAt(workers int) *overheadResult {
	for _, o := range r.overhead {
		if o.workers == workers {
			return o
		}
	}
	return nil
}

func mb(b int64) string {
	if b < 0 {
		return "?"
	}
	return fmt.Sprintf("%.2f MB", float64(b)/1e6)
}

// num prints capacity units without noise: 0.5, 1, 11.
func num(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	s := fmt.Sprintf("%.2f", x)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

func ms2(x float64) string { return fmt.Sprintf("%.2f", x) }

func usd(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x < 0.01:
		return fmt.Sprintf("%.4f", x)
	}
	return fmt.Sprintf("%.3f", x)
}

func renderReport(r *report) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	mode := "full run"
	if r.opts.quick {
		mode = "**quick run** (-quick: fewer samples, rougher figures)"
	}
	p("# Benchmarks\n\n")
	p("Generated by `make bench` (`go run ./cmd/bench`) on %s UTC, %s, in %s. Regenerated by every run: do not edit by hand.\n\n",
		r.start.UTC().Format("2006-01-02 15:04"), mode, r.end.Sub(r.start).Round(time.Second))
	p("| Machine | |\n|---|---|\n")
	p("| CPU | %s, %d cores (`runtime.NumCPU`) |\n", r.machine.cpu, r.machine.cores)
	p("| OS | %s |\n", r.machine.kernel)
	p("| Go | %s |\n", r.machine.goVersion)
	p("| Load average (1, 5, 15 min) | %s at the start, %s at the end |\n", r.machine.loadStart, r.machine.loadEnd)
	p("| Emulators | DynamoDB Local (in memory), SES v2 emulator, moto; started in %s |\n", r.stackStart.Round(time.Second))
	p("\nThe machine is shared and noisy (other builds run beside this one): absolute times move from run to run. " +
		"Every budget below compares figures **of the same run** (medians and ratios), never a figure with a constant measured elsewhere. " +
		"Local latencies include DynamoDB Local (a Java process on the same two cores), not DynamoDB.\n\n")

	// Budget summary.
	p("## Budget\n\n| Budget line | Measured | Limit | Verdict |\n|---|---|---|---|\n")
	fails := 0
	for _, l := range r.budgets() {
		m := l.measured
		if l.na != "" {
			m = l.na
		}
		v := l.verdict()
		if v == "FAIL" {
			fails++
			v = "**FAIL**"
		}
		p("| %s | %s | %s | %s |\n", l.what, m, l.limit, v)
	}
	if fails > 0 {
		p("\n**%d budget line(s) fail in this run**, with the numbers above; they are reported as measured, not hidden.\n", fails)
	}
	if len(r.notes) > 0 {
		p("\nProblems during the run:\n\n")
		for _, n := range r.notes {
			p("- %s\n", n)
		}
	}
	p("\n")
	renderHeadlines(&b, r)

	renderCold(&b, r)
	renderWarm(&b, r)
	renderCapacity(&b, r)
	renderCost(&b, r)
	renderIngest(&b, r.ingest, r.mem)
	renderMachine(&b, r.ingest, r.machineAPI, r.mem)
	renderFlexisip(&b, r.flexisip)
	renderGoBench(&b, r)
	renderImport(&b, r.imp)
	renderFixed(&b, r.stacks)
	renderBill(&b, r)
	return b.String()
}

// renderHeadlines picks the figures one reads first.
func renderHeadlines(b *strings.Builder, r *report) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## Headline figures\n\n")
	if ref := r.coldRef(); ref != nil {
		var parts []string
		for _, c := range r.cold {
			if c.name != hello && c.err == nil {
				parts = append(parts, fmt.Sprintf("%s %.1f ms (%.1f ×)", c.name, median(c.firstMS()), median(c.firstMS())/median(ref.firstMS())))
			}
		}
		p("- Cold start to first response, p50: hello-world %.1f ms; %s.\n", median(ref.firstMS()), strings.Join(parts, ", "))
	}
	if o := r.overheadAt(1); o != nil {
		p("- The local gateway adds %.2f ms p50 to GET /api/ping for one client (%.2f ms through it, %.2f ms invoking the function directly, %.2f ms for a bare net/http handler).\n",
			msf(o.gateway.P(50)-o.direct.P(50)), msf(o.gateway.P(50)), msf(o.direct.P(50)), msf(o.bare.P(50)))
	}
	var warm []string
	for _, s := range r.scenarios {
		if s.apart == "" {
			warm = append(warm, fmt.Sprintf("%s (%s) %.1f ms / %.0f ops/s", s.name, s.auth, msf(s.res.P(50)), s.res.Throughput()))
		}
	}
	p("- Through the gateway with %d workers, p50 and throughput: %s.\n", r.opts.workers, strings.Join(warm, "; "))
	p("- Authentication in DynamoDB units: ")
	var auth []string
	for _, k := range []string{authAPIKey, authJWT, authDigest} {
		if c := r.capCase("GET /api/accounts/me", k); c != nil && c.err == nil {
			auth = append(auth, fmt.Sprintf("%s %s RCU + %s WCU", k, num(c.authU.AuthRCU), num(c.authU.AuthWCU)))
		}
	}
	p("%s.\n\n", strings.Join(auth, "; "))
}

func renderCold(b *strings.Builder, r *report) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	ref := r.coldRef()
	p("## 1. Cold starts and binary sizes\n\n")
	p("Each binary is started afresh %d times under the local Lambda Runtime API harness (`localgw.Function`, one new process per start, "+
		"after one untimed start that brings the file into the page cache), in rounds that rotate the order so that the machine's noise falls on all alike. "+
		"**First response** is `localgw.ColdStart.FirstResponse`: from the process start to its answer to the first event (init + first invocation); "+
		"**init** is up to its first `next` request. The budget's first events need no DynamoDB round trip, so that the figure is the binary's "+
		"(the Go runtime, package inits, `main`'s set-up, the first invocation through router and guard); the last column starts the binary afresh "+
		"with an event that makes its usual first DynamoDB call, whose first response also holds DynamoDB Local's latency (a Java process on the same "+
		"two cores, slowest on a new connection), a property of the database rather than of the binary. The reference is a hello-world "+
		"`lambda.Start` binary (`cmd/bench/hello`) built with the same flags (`%s`, `CGO_ENABLED=0`, linux/%s). "+
		"Sizes: linux/arm64 from `go run ./cmd/devstack build -arch arm64` (what is deployed, and its zip), and linux/%s as run here.\n\n",
		r.opts.coldTrials, strings.Join(devstack.BuildFlags, " "), r.bins.localArch, r.bins.localArch)
	p("| Binary | First event | linux/arm64 | zip | linux/%s | init p50 (ms) | first response min / p50 / p90 (ms) | × hello-world (first response p50) | × hello-world (init p50) | package init() (ms), largest | with its first DynamoDB call: event, first response p50 (ms), × hello-world |\n",
		r.bins.localArch)
	p("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range r.cold {
		sizes := fmt.Sprintf("%s | %s | %s", mb(r.bins.size[c.name]), mb(r.bins.zipSize[c.name]), mb(r.bins.localSize[c.name]))
		if c.err != nil {
			p("| %s | %s | %s | failed: %s | | | | |\n", c.name, c.event, sizes, c.err)
			continue
		}
		first := c.firstMS()
		sorted := append([]float64(nil), first...)
		sortFloats(sorted)
		ratio, iratio := "–", "–"
		if ref != nil && c.name != hello {
			ratio = fmt.Sprintf("%.2f", median(first)/median(ref.firstMS()))
			iratio = fmt.Sprintf("%.2f", median(c.initMS())/median(ref.initMS()))
		}
		trace := "–"
		if c.trace.err != nil {
			trace = "failed: " + c.trace.err.Error()
		} else if c.trace.totalMS > 0 {
			var top []string
			for _, t := range c.trace.top {
				top = append(top, fmt.Sprintf("%s %.2f", strings.TrimPrefix(strings.TrimPrefix(t.pkg, modulePath+"/"), "github.com/"), t.ms))
			}
			trace = fmt.Sprintf("%.2f (%s)", c.trace.totalMS, strings.Join(top, ", "))
		}
		withDB := "–"
		if len(c.firstDB) > 0 {
			dbMS := toMS(c.firstDB)
			withDB = fmt.Sprintf("%s: %s", c.dbEvent, ms2(median(dbMS)))
			if ref != nil {
				withDB += fmt.Sprintf(", %.2f ×", median(dbMS)/median(ref.firstMS()))
			}
		}
		p("| %s | %s | %s | %s | %s / %s / %s | %s | %s | %s | %s |\n", c.name, c.event, sizes, ms2(median(c.initMS())),
			ms2(sorted[0]), ms2(median(first)), ms2(pctFloat(sorted, 90)), ratio, iratio, trace, withDB)
	}
	for _, n := range r.coldMissing {
		p("| %s | not measured: this program has no first event for it (a group added after it was written) | %s | %s | %s | | | | | |\n",
			n, mb(r.bins.size[n]), mb(r.bins.zipSize[n]), mb(r.bins.localSize[n]))
	}
	p("\n**package init()** is the sum of the packages' `init` functions as `GODEBUG=inittrace=1` reports them in one extra start (not timed with the others), " +
		"with the two largest: the rest of *init* is the Go runtime's start, `main`'s own set-up (configuration, AWS SDK configuration, router) and the first `next` request.\n")
	p("\nThe maintenance function is not behind the gateway: it starts under the Runtime API like the others (its init is the time to its first `next`, "+
		"with no event), and its first response is to a scheduled EventBridge event. Budget: each cold start ≤ %.0f × hello-world "+
		"(first response p50); each bootstrap ≤ 15 MB (linux/arm64, 1 MB = 10^6 bytes).\n\n", coldRatioBudget)
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

func pctFloat(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func renderWarm(b *strings.Builder, r *report) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	w := r.opts.workers
	p("## 2. Warm latency and throughput through the local gateway\n\n")
	p("A Go load generator in this process (loopback, HTTP keep-alive, a closed loop of **%d concurrent workers**, each sending its next request "+
		"when the previous one is answered) runs each operation %d times after a warm-up (at least %d operations, which also starts the function "+
		"instances: up to %d processes per function, as Lambda scales). The gateway (`devstack.NewGateway`, the production route table and the real "+
		"bootstraps) serves in-process on a free port, rate limit off. A Digest operation is the full round: the request, its 401 and challenge, "+
		"the answer (two API Gateway requests). p50 and p99 are nearest-rank percentiles of the operations' latencies; ops/s is operations per "+
		"second of wall time. **× bare** divides the p50 by the p50 of a bare `net/http` handler answering \"pong\" under the same load (section 2.1). "+
		"Units per operation are means from the functions' and the authorizer's log lines of the measured operations. "+
		"The **1 worker** column is the same operation run %d times by a single worker just before (the latency one client sees, "+
		"without waiting for the CPU behind the others).\n\n",
		w, r.opts.requests, max(w*10, r.opts.requests/10), 8, singleOps(r.opts))
	bare := r.overheadAt(w)
	p("| Operation | Auth | Ops | Errors | p50 (ms) | p99 (ms) | ops/s | p50 × bare | 1 worker: p50 / p99 (ms), ops/s | Authorizer RCU / WCU per op | Function RCU / WCU per op |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range r.scenarios {
		if s.apart != "" {
			a, f := "–", "–"
			if s.key == "statistics" && r.ingest != nil && r.ingest.err == nil && r.ingest.events > 0 {
				u, ev := r.ingest.total, float64(r.ingest.events)
				a = num(u.AuthRCU/ev) + " / " + num(u.AuthWCU/ev)
				f = num(u.FnRCU/ev) + " / " + num(u.FnWCU/ev) + " (table " + num(u.FnTableWCU/ev) + ", indexes " + num(u.FnIndexWCU/ev) + ")"
			}
			p("| %s | %s | measured apart: %s | – | – | – | – | – | – | %s | %s |\n", s.name, s.auth, s.apart, a, f)
			continue
		}
		ratio := "–"
		if bare != nil && bare.bare.P(50) > 0 {
			ratio = fmt.Sprintf("%.1f", float64(s.res.P(50))/float64(bare.bare.P(50)))
		}
		p("| %s | %s | %d | %d | %s | %s | %.0f | %s | %s / %s, %.0f | %s / %s | %s / %s |\n", s.name, s.auth, s.res.Ops(), s.res.Errors,
			ms2(msf(s.res.P(50))), ms2(msf(s.res.P(99))), s.res.Throughput(), ratio,
			ms2(msf(s.res1.P(50))), ms2(msf(s.res1.P(99))), s.res1.Throughput(),
			num(s.u.AuthRCU/s.ops), num(s.u.AuthWCU/s.ops), num(s.u.FnRCU/s.ops), num(s.u.FnWCU/s.ops))
	}
	p("\n### 2.1 The gateway's own overhead (GET /api/ping)\n\n")
	p("Measured three ways in the same run, in three interleaved rounds (the order rotating): **(a)** through the gateway over loopback HTTP; " +
		"**(b)** invoking the meta function directly with `localgw.Function.Invoke` and a prebuilt proxy event (same process, same function " +
		"instances, same Runtime API); **(c)** a bare `net/http` handler answering \"pong\" on loopback, with the same load generator. " +
		"The gateway's added p50 is a − b; it includes the loopback HTTP hop itself, whose whole cost is about c, so a − b − c estimates the " +
		"gateway's own work (routing, event, response).\n\n")
	p("| Workers | (a) gateway p50 / p99 (ms), ops/s | (b) direct invoke p50 / p99 (ms), ops/s | (c) bare net/http p50 / p99 (ms), ops/s | a − b p50 (ms) | a − b − c p50 (ms) | a / c | b / c | Budget a − b ≤ 1 ms |\n")
	p("|---|---|---|---|---|---|---|---|---|\n")
	for _, o := range r.overhead {
		cell := func(l loadResult) string {
			return fmt.Sprintf("%s / %s, %.0f", ms2(msf(l.P(50))), ms2(msf(l.P(99))), l.Throughput())
		}
		a, bb, c := msf(o.gateway.P(50)), msf(o.direct.P(50)), msf(o.bare.P(50))
		verdict := "PASS"
		if a-bb > gatewayBudgetMS {
			verdict = "**FAIL**"
		}
		p("| %d | %s | %s | %s | %.3f | %.3f | %.1f | %.1f | %s |\n", o.workers, cell(o.gateway), cell(o.direct), cell(o.bare),
			a-bb, a-bb-c, a/c, bb/c, verdict)
	}
	p("\nWith %d workers on %d cores every request also waits for the CPU behind the others, so the added p50 there is several times the "+
		"gateway's CPU cost per request; the 1-worker line is the latency a single client sees.\n\n", w, r.machine.cores)
}

func renderCapacity(b *strings.Builder, r *report) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## 3. DynamoDB capacity units per request\n\n")
	p("Every endpoint of the route table (`api.Routes`), one realistic request each, in sequence. The units come from the log lines: the " +
		"authorizer logs `rcu`/`wcu` per decision and each function one line per request (the store adds up `ReturnConsumedCapacity` of every " +
		"call), matched to the request by API Gateway's request id. Authentication (authorizer) and the endpoint (function) are shown apart, " +
		"each beside the **minimum its access pattern needs** (the table in `cmd/bench/minimums.go`: a lower bound from the items the request " +
		"must touch, with DynamoDB's rules: a strongly consistent read ≤ 4 KB is 1 RCU, an eventually consistent or GSI read 0.5; a write " +
		"≤ 1 KB 1 WCU, plus one per index entry written; a transactional write 2 WCU per item). The figures are DynamoDB Local's: " +
		"they include index writes, as AWS's do, but its units for `TransactWriteItems` do not follow AWS's rule (section 3.1).\n\n")
	p("| Endpoint | Case | Auth | Status | Auth RCU / WCU | Auth minimum | Function RCU / WCU | Function minimum | Above the minimum | Why that minimum |\n")
	p("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range r.capacity {
		am, fm := authMinimums[c.auth], endpointMinimums[c.routeID]
		_, hasMin := endpointMinimums[c.routeID]
		if c.err != nil {
			p("| %s | %s | %s | %d | failed: %s | | | | | |\n", c.routeID, c.what, c.auth, c.status, c.err)
			continue
		}
		fmin, above := "?", "no minimum written"
		if hasMin {
			fmin = num(fm.RCU) + " / " + num(fm.WCU)
			above = excess(c.authU.AuthRCU-am.RCU, c.authU.AuthWCU-am.WCU, c.fnU.FnRCU-fm.RCU, c.fnU.FnWCU-fm.WCU)
		}
		p("| %s | %s | %s | %d | %s / %s | %s / %s | %s / %s | %s | %s | %s |\n", c.routeID, c.what, c.auth, c.status,
			num(c.authU.AuthRCU), num(c.authU.AuthWCU), num(am.RCU), num(am.WCU), num(c.fnU.FnRCU), num(c.fnU.FnWCU), fmin, above, fm.Why)
	}
	renderIngestCapacity(b, r.ingest)
	for _, id := range r.unmeasured {
		if ingestMeasured(r.ingest, id) {
			continue
		}
		p("| %s | not measured: added to the route table after this program was written | | | | | | | | |\n", id)
	}
	p("\nAuthentication minimums: ")
	for i, k := range []string{authAPIKey, authJWT, authDigest} {
		if i > 0 {
			p("; ")
		}
		m := authMinimums[k]
		p("**%s** %s RCU + %s WCU (%s)", k, num(m.RCU), num(m.WCU), m.Why)
	}
	p(".\n\n")
	if c := r.capCase("GET /api/accounts/me", authDigest); c != nil && c.err == nil && len(c.legs) == 2 {
		p("The Digest round of GET /api/accounts/me leg by leg: the 401 cost the authorizer %s RCU / %s WCU; the answer %s RCU / %s WCU "+
			"(and the function %s RCU).\n\n", num(c.legs[0].AuthRCU), num(c.legs[0].AuthWCU), num(c.legs[1].AuthRCU), num(c.legs[1].AuthWCU), num(c.legs[1].FnRCU))
	}
	p("An API key's last use is written at most once a minute (1 WCU, off the common path shown here); the warm phase's means per operation " +
		"(section 2) include those writes.\n\n")
	if len(r.calib) > 0 {
		p("### 3.1 How DynamoDB Local counts (calibration in this run)\n\n")
		p("Small calls on a scratch table of the same DynamoDB Local, beside the units AWS documents for them. Where they differ, " +
			"the figures above differ from AWS's in the same way: read the transactional endpoints' write units with this in mind.\n\n")
		p("| Call | DynamoDB Local reports | AWS's rule | Same |\n|---|---|---|---|\n")
		for _, c := range r.calib {
			same := "yes"
			switch {
			case c.err != nil:
				p("| %s | failed: %s | %s | – |\n", c.call, c.err, c.aws)
				continue
			case c.ruleOnly:
				same = "–"
			case !c.matches:
				same = "**no**"
			}
			p("| %s | %s | %s | %s |\n", c.call, num(c.reported), c.aws, same)
		}
		p("\n")
	}
}

// excess says how far above the minimum a measurement is.
func excess(authR, authW, fnR, fnW float64) string {
	var parts []string
	add := func(x float64, what string) {
		if x > 1e-9 {
			parts = append(parts, "+"+num(x)+" "+what)
		}
	}
	add(authR, "auth RCU")
	add(authW, "auth WCU")
	add(fnR, "RCU")
	add(fnW, "WCU")
	if len(parts) == 0 {
		return "at the minimum"
	}
	return strings.Join(parts, ", ")
}

func renderCost(b *strings.Builder, r *report) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## 4. Cost per million requests (AWS, us-east-1)\n\n")
	p("Prices: API Gateway REST $%.2f per million requests (first 333 million a month); Lambda arm64 $%.2f per million invocations and "+
		"$%.10f per GB-s; DynamoDB on-demand $%.3f per million read request units and $%.3f per million write request units "+
		"(the prices since November 2024); AWS WAF $%.2f per million requests inspected. Source: %s. "+
		"Not included: free tiers, data transfer, the stack's monthly fees (WAF web ACL and rules, alarms, dashboard, secrets: section 8), and CloudWatch Logs "+
		"(shown apart at $%.2f per GB ingested, from the log bytes the functions wrote, each line counted with the 26 bytes CloudWatch Logs adds to an event's size: an upper bound). "+
		"Every function logs JSON with Lambda's system log level at WARN (infra), so Lambda's own START, END and REPORT lines are not ingested.\n\n",
		apiGatewayPerM, lambdaPerM, lambdaPerGBs, dynamoReadPerM, dynamoWritePerM, wafRequestPerM, priceSource, logsIngestionPerG)
	p("Memory: %s. Lambda durations: the mean billed duration of the one-worker operations of section 2 (no CPU contention), each invocation's "+
		"logged duration rounded up to Lambda's 1 ms; the logged duration is the handler's (the authorizer's decision, the function's router), "+
		"so the runtime's own event decoding, a fraction of a millisecond, is left out. They include DynamoDB Local's latency, not DynamoDB's, "+
		"and a whole core, where a 128–256 MB Lambda gets a fraction of a vCPU: at these sizes Lambda's duration is a small part of the total anyway. Capacity units: the means per operation of the warm phase "+
		"(authorizer and function), as DynamoDB Local reports them (section 3.1: its transactional writes do not count as AWS's).\n\n", r.memNote)
	kinds := []struct{ key, name string }{
		{"ping", "GET /api/ping"}, {"apikey_me", "GET /api/accounts/me, API key"}, {"jwt_me", "GET /api/accounts/me, JWT"},
		{"digest_me", "GET /api/accounts/me, Digest round"}, {"admin_create", "POST /api/accounts, admin API key"},
	}
	p("| Request kind | API GW requests | Invocations (authorizer + function) | Billed ms (authorizer, function) | RCU / WCU | API Gateway | Lambda requests | Lambda GB-s | DynamoDB | WAF | **Total per million** | Logs (apart) |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var formulas []string
	for _, k := range kinds {
		s := r.scenario(k.key)
		if s == nil || s.ops == 0 {
			p("| %s | not measured | | | | | | | | | | |\n", k.name)
			continue
		}
		l := scenarioCost(s, k.name, r.mem)
		ck := l.kind
		billed := func(calls, ms float64) string {
			if calls == 0 {
				return "–"
			}
			return fmt.Sprintf("%.2f", ms)
		}
		p("| %s | %s | %s + %s | %s, %s | %s / %s | %s | %s | %s | %s | %s | **$%s** | $%s |\n", k.name, num(ck.gwRequests),
			num(ck.authzCalls), num(ck.fnCalls), billed(ck.authzCalls, ck.authzMS), billed(ck.fnCalls, ck.fnMS), num(ck.rcu), num(ck.wcu),
			usd(l.gateway), usd(l.lambdaReq), usd(l.lambdaGBs), usd(l.dynamo), usd(l.waf), usd(l.total), usd(l.logs))
		formulas = append(formulas, fmt.Sprintf("- %s: API Gateway %s × %.2f = %s; Lambda requests (%s + %s) × %.2f = %s; "+
			"Lambda GB-s (%s × %.2f ms × %d MB + %s × %.2f ms × %d MB) / 1000 / 1024 × 10^6 × %.10f = %s; "+
			"DynamoDB %s × %.3f + %s × %.3f = %s; WAF %s × %.2f = %s; total $%s per million operations.",
			k.name, num(ck.gwRequests), apiGatewayPerM, usd(l.gateway), num(ck.authzCalls), num(ck.fnCalls), lambdaPerM, usd(l.lambdaReq),
			num(ck.authzCalls), ck.authzMS, l.authzMem, num(ck.fnCalls), ck.fnMS, l.fnMem, lambdaPerGBs, usd(l.lambdaGBs),
			num(ck.rcu), dynamoReadPerM, num(ck.wcu), dynamoWritePerM, usd(l.dynamo), num(ck.gwRequests), wafRequestPerM, usd(l.waf), usd(l.total)))
	}
	p("\nFormulas (per million operations, in US dollars):\n\n%s\n\n", strings.Join(formulas, "\n"))
	p("A Digest round is two API Gateway requests (and WAF inspections), two authorizer invocations and one function invocation. " +
		"The write units of POST /api/accounts come from transactions, which DynamoDB Local does not count as AWS does (section 3.1): " +
		"its DynamoDB column is DynamoDB Local's figure, not a forecast of AWS's bill; the other kinds use single-item calls, counted alike.\n\n")
}

func renderGoBench(b *strings.Builder, r *report) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## 7. Go benchmarks of the hot pure functions\n\n")
	g := r.gobench
	if g == nil {
		p("Not run (`-skip-go-bench`).\n")
		return
	}
	p("`%s` (run after the emulators and the gateway stopped), in %s. Medians over the runs; the raw output, comparable with "+
		"`benchstat`, is below and in `%s/go-bench.txt` (not committed).\n\n", strings.Join(g.args, " "), g.wall.Round(time.Second), rawDir)
	if g.err != nil {
		p("**The benchmarks failed**: %s\n\n", g.err)
	}
	p("| Package | Benchmark | Runs | ns/op (median) | B/op | allocs/op |\n|---|---|---|---|---|---|\n")
	for _, row := range g.rows {
		mem, allocs := "–", "–"
		if row.hasMem {
			mem, allocs = fmt.Sprintf("%.0f", row.bOp), fmt.Sprintf("%.0f", row.allocOp)
		}
		ns := fmt.Sprintf("%.0f", row.nsOp)
		if row.nsOp < 100 {
			ns = fmt.Sprintf("%.1f", row.nsOp)
		}
		p("| %s | %s | %d | %s | %s | %s |\n", strings.TrimPrefix(row.pkg, modulePath+"/"), row.name, row.runs, ns, mem, allocs)
	}
	p("\n<details><summary>Raw output</summary>\n\n```\n%s```\n\n</details>\n", g.output)
}

// summary is what the command prints at the end.
func summary(r *report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nbench: %s in %s\n", r.opts.out, r.end.Sub(r.start).Round(time.Second))
	for _, l := range r.budgets() {
		m := l.measured
		if l.na != "" {
			m = l.na
		}
		fmt.Fprintf(&b, "  %-5s %s: %s (limit %s)\n", l.verdict(), l.what, m, l.limit)
	}
	return b.String()
}
