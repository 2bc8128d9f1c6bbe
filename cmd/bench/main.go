// Command bench is `make bench`: in one run on this machine it measures
// the cold starts of the real bootstraps (as a ratio to a hello-world
// Lambda), warm latency and throughput through the local API Gateway
// (and the gateway's own overhead), the DynamoDB capacity units of every
// endpoint against the minimum its access pattern needs, a cost model per
// million requests, the Go benchmarks of the hot pure functions, the
// fixed monthly cost of the synthesized stack and a worked monthly bill
// from the measured costs; it writes docs/benchmarks.md.
//
//	go run ./cmd/bench [-quick] [-out docs/benchmarks.md] [-workers 8] [-requests 1500]
//	go run ./cmd/bench -only-cost   # sections 8 and 9 alone, on stdout
//
// It starts its own emulators (devstack, tools from `make tools`), builds
// the bootstraps into a temporary directory and stops everything at the
// end, on error and on Ctrl-C. Figures are medians and ratios of the same
// run: the machine is shared and noisy, so only same-run comparisons mean
// something.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

type options struct {
	quick      bool
	out        string
	tools      string
	workers    int
	requests   int
	coldTrials int
	benchCount int
	benchTime  string
	skipGo     bool
	// ingestCalls is the size of the statistics ingestion benchmark;
	// onlyIngest runs that benchmark alone and prints it.
	ingestCalls int
	onlyIngest  bool
	// importAccounts is the size of the import benchmark (importbench.go);
	// onlyImport runs that benchmark alone and prints it.
	importAccounts int
	onlyImport     bool
	// onlyCost prices the synthesized stack (section 8) and the worked
	// bill (section 9, without this run's per-request figures) alone.
	onlyCost bool
}

func parseFlags() options {
	var o options
	flag.BoolVar(&o.quick, "quick", false, "a fast, rougher run: fewer cold starts, requests and benchmark runs")
	flag.StringVar(&o.out, "out", "docs/benchmarks.md", "the document to write")
	flag.StringVar(&o.tools, "tools", filepath.Join(".local", "tools"), "where `make tools` installed the emulators")
	flag.IntVar(&o.workers, "workers", 8, "concurrent workers of the load generator")
	flag.IntVar(&o.requests, "requests", 0, "measured operations per warm scenario (default 1500, -quick 200)")
	flag.IntVar(&o.coldTrials, "cold", 0, "fresh process starts per bootstrap (default 15, -quick 5)")
	flag.IntVar(&o.benchCount, "bench-count", 0, "go test -count of the Go benchmarks (default 5, -quick 1)")
	flag.StringVar(&o.benchTime, "benchtime", "", "go test -benchtime of the Go benchmarks (default 300ms, -quick 50ms)")
	flag.BoolVar(&o.skipGo, "skip-go-bench", false, "do not run the Go benchmarks")
	flag.IntVar(&o.ingestCalls, "ingest-calls", 0, "calls (and messages) of the statistics ingestion benchmark (default 50, -quick 10)")
	flag.BoolVar(&o.onlyIngest, "only-ingest", false, "run only the statistics ingestion benchmark and print it (writes no document)")
	flag.IntVar(&o.importAccounts, "import-accounts", 0, "accounts of the FlexiAPI import benchmark (default 3000, -quick 500)")
	flag.BoolVar(&o.onlyImport, "only-import", false, "run only the FlexiAPI import benchmark and print it (writes no document)")
	flag.BoolVar(&o.onlyCost, "only-cost", false, "synthesize the stack, print its fixed monthly cost and the worked bill's layout (writes no document)")
	flag.Parse()
	pick := func(v *int, full, quick int) {
		if *v <= 0 {
			*v = full
			if o.quick {
				*v = quick
			}
		}
	}
	pick(&o.requests, 1500, 200)
	pick(&o.coldTrials, 15, 5)
	pick(&o.benchCount, 5, 1)
	pick(&o.ingestCalls, 50, 10)
	pick(&o.importAccounts, 3000, 500)
	if o.benchTime == "" {
		o.benchTime = "300ms"
		if o.quick {
			o.benchTime = "50ms"
		}
	}
	o.workers = max(o.workers, 1)
	return o
}

func main() {
	opts := parseFlags()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := execute(ctx, opts)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func progress(msg string) {
	fmt.Fprintf(os.Stderr, "bench: %s %s\n", time.Now().Format("15:04:05"), msg)
}

// fixtures are the accounts the scenarios use.
type fixtures struct {
	admin, user, digest, tokenUser creds
	jwtEmail, jwtToken             string
}

// scenario is one warm load phase.
type scenario struct {
	key, name, auth string
	apart           string // measured elsewhere, not under this load: where
	res             loadResult
	u               units
	ops             float64 // operations run (successful or not)
	// The same operation with one worker: the latency a lone client sees,
	// and the functions' durations without CPU contention (cost model).
	res1 loadResult
	u1   units
}

// overheadResult compares GET /api/ping through the gateway, by a direct
// invocation of the meta function, and on a bare net/http handler.
type overheadResult struct {
	workers               int
	gateway, direct, bare loadResult
}

// report is everything the document shows.
type report struct {
	opts        options
	start, end  time.Time
	machine     machine
	bins        *binaries
	cold        []*coldResult
	coldMissing []string
	mem         map[string]int
	memNote     string
	overhead    []*overheadResult
	scenarios   []*scenario
	capacity    []capResult
	calib       []calibration
	unmeasured  []string
	gobench     *goBench
	notes       []string
	stackStart  time.Duration
	ingest      *ingestResult
	machineAPI  *machineResult
	flexisip    *flexisipResult
	imp         *importResult
	stacks      []*stackVariant
}

func execute(ctx context.Context, opts options) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root: go run ./cmd/bench")
	}
	rep := &report{opts: opts, start: time.Now(), machine: describeMachine()}
	rep.mem, rep.memNote = memorySizes()
	tmp, err := os.MkdirTemp("", "flexiapi-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if opts.onlyCost {
		return costOnly(ctx, rep, tmp)
	}

	// The emulators start (Java, Node, Python) while the bootstraps build.
	progress("starting the emulators and building the bootstraps (local and linux/arm64)")
	type started struct {
		stack *devstack.Stack
		err   error
		took  time.Duration
	}
	stackCh := make(chan started, 1)
	go func() {
		t0 := time.Now()
		s, err := devstack.Start(ctx, devstack.Options{ToolsDir: opts.tools})
		stackCh <- started{s, err, time.Since(t0)}
	}()
	bins, buildErr := build(ctx, tmp)
	st := <-stackCh
	var stopStack sync.Once
	closeStack := func() {
		stopStack.Do(func() {
			if st.stack != nil {
				st.stack.Close()
			}
		})
	}
	defer closeStack()
	if st.err != nil {
		return fmt.Errorf("emulators: %w (did `make tools` run?)", st.err)
	}
	if buildErr != nil {
		return buildErr
	}
	rep.bins, rep.stackStart = bins, st.took
	progress(fmt.Sprintf("built in %s; emulators up in %s", bins.buildTime.Round(time.Second), st.took.Round(time.Second)))

	if opts.onlyImport {
		return importOnly(ctx, st.stack, opts)
	}
	dep, err := newDeployment(ctx, st.stack)
	if err != nil {
		return err
	}
	f := &fixtures{}
	for _, a := range []struct {
		c     *creds
		name  string
		admin bool
	}{{&f.admin, "benchadmin", true}, {&f.user, "benchuser", false}, {&f.digest, "benchdigest", false}, {&f.tokenUser, "benchtoken", false}} {
		if *a.c, err = dep.newAccount(ctx, a.name, a.admin); err != nil {
			return err
		}
	}

	if opts.onlyIngest {
		return ingestOnly(ctx, bins, dep, f, opts)
	}

	// 1. Cold starts, before any load.
	targets, missing := coldTargets(bins.local, f.user)
	rep.coldMissing = missing
	if rep.cold, err = measureColdStarts(ctx, targets, dep.fnEnv, opts.coldTrials, progress); err != nil {
		return err
	}

	// The gateway, in this process, on a free loopback port.
	sink := newLogSink()
	warnings := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	gw, err := devstack.NewGateway(devstack.GatewayOptions{Bootstraps: bins.local, Env: dep.fnEnv, Logger: warnings, Output: sink})
	if err != nil {
		return err
	}
	var stopGW sync.Once
	closeGW := func() { stopGW.Do(gw.Close) }
	defer closeGW()
	gwURL, stopServer, err := serve(gw)
	if err != nil {
		return err
	}
	defer stopServer()
	client := newAPIClient(gwURL, opts.workers)
	defer client.close()

	// The JWT account: created through the API, as an admin would.
	f.jwtEmail = "benchjwt@example.org"
	r, err := client.do(ctx, "POST", "/api/accounts", map[string]string{"X-Api-Key": f.admin.Key},
		`{"username":"benchjwt","password":"bench-Pa55","algorithm":"SHA-256","email":"`+f.jwtEmail+`","activated":true}`)
	if err == nil {
		err = want(r, 200, "create the JWT account")
	}
	if err != nil {
		return err
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"email": f.jwtEmail, "exp": time.Now().Add(2 * time.Hour).Unix()})
	if f.jwtToken, err = tok.SignedString(dep.jwtKey); err != nil {
		return err
	}

	// 2. Warm latency: the gateway's overhead on ping, then the scenarios.
	if err := runOverhead(ctx, rep, gw, client, sink); err != nil {
		return err
	}
	if err := runScenarios(ctx, rep, client, f, sink); err != nil {
		return err
	}

	// 3. Capacity units per endpoint, one realistic request each.
	progress("capacity units per endpoint")
	// Each key once more, unmeasured, so that the measured requests take
	// the common path (last use written at most once a minute).
	for _, k := range []string{f.admin.Key, f.user.Key, f.tokenUser.Key} {
		if r, err := client.do(ctx, "GET", "/api/accounts/me", map[string]string{"X-Api-Key": k}, ""); err != nil || r.status != 200 {
			rep.notes = append(rep.notes, fmt.Sprintf("priming an API key before the capacity phase failed: %v %d", err, r.status))
		}
	}
	cases := capacityCases(client, f)
	rep.unmeasured = unmeasuredRoutes(cases)
	if rep.capacity, err = measureCapacity(ctx, cases, sink); err != nil {
		return err
	}
	progress(fmt.Sprintf("statistics ingestion (%d calls and messages)", opts.ingestCalls))
	rep.ingest = runIngest(ctx, client, f.admin.Key, sink, opts.ingestCalls)
	if rep.ingest.err != nil {
		rep.notes = append(rep.notes, "statistics ingestion: "+rep.ingest.err.Error())
	}
	rep.machineAPI = machineRun(ctx, gw, dep, f, sink, opts.ingestCalls, sipChecks(opts))
	if rep.machineAPI.err != nil {
		rep.notes = append(rep.notes, "machine API: "+rep.machineAPI.err.Error())
	}
	progress("projection for Flexisip: lag and invocations")
	rep.flexisip = runFlexisip(ctx, st.stack, dep, bins.local[devstack.FlexisipSync], client, f.admin.Key, max(opts.ingestCalls, 20)*2, opts.requests/5, opts.workers)
	if rep.flexisip.err != nil {
		rep.notes = append(rep.notes, "projection for Flexisip: "+rep.flexisip.err.Error())
	}
	progress(fmt.Sprintf("FlexiAPI import (%d accounts)", opts.importAccounts))
	if rep.imp = runImportBench(ctx, st.stack, opts); rep.imp.err != nil {
		rep.notes = append(rep.notes, "FlexiAPI import: "+rep.imp.err.Error())
	}
	if rep.calib, err = calibrateDynamoDBLocal(ctx, dep.st.Client()); err != nil {
		rep.notes = append(rep.notes, err.Error())
	}

	// Everything stops before the Go benchmarks, which want the CPU.
	client.close()
	stopServer()
	closeGW()
	closeStack()

	// The stack's fixed monthly cost: the CDK app synthesized (Node, after
	// the emulators stopped, before the Go benchmarks).
	rep.stacks = priceStacks(ctx, tmp)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, v := range rep.stacks {
		if v.err != nil {
			rep.notes = append(rep.notes, "fixed monthly cost of the "+v.name+": "+firstLine(v.err.Error()))
		}
	}

	// 5. Go benchmarks.
	if !opts.skipGo {
		progress(fmt.Sprintf("Go benchmarks (-count %d -benchtime %s)", opts.benchCount, opts.benchTime))
		g := runGoBench(ctx, opts.benchCount, opts.benchTime)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rep.gobench = &g
		if g.err != nil {
			rep.notes = append(rep.notes, g.err.Error())
		} else if err := writeRaw(g.output); err != nil {
			rep.notes = append(rep.notes, "raw Go benchmark output not saved: "+err.Error())
		}
	}
	rep.end = time.Now()
	rep.machine.loadEnd = loadAvg()
	doc := renderReport(rep)
	if err := os.MkdirAll(filepath.Dir(opts.out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(opts.out, []byte(doc), 0o644); err != nil {
		return err
	}
	progress(fmt.Sprintf("wrote %s in %s", opts.out, rep.end.Sub(rep.start).Round(time.Second)))
	fmt.Print(summary(rep))
	return nil
}

// sipChecks is the number of measured SIP checks.
func sipChecks(o options) int { return max(o.requests/3, 100) }

// singleOps is the number of one-worker operations per scenario.
func singleOps(o options) int { return max(o.requests/10, 30) }

// rawDir keeps the raw `go test -bench` output for benchstat (git-ignored).
const rawDir = "docs/benchmarks.raw"

func writeRaw(out string) error {
	if err := os.MkdirAll(rawDir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(rawDir, "go-bench.txt"), []byte(out), 0o644)
}

// serve runs h on a free loopback port.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	var once sync.Once
	return "http://" + ln.Addr().String(), func() { once.Do(func() { srv.Close() }) }, nil
}

// runOverhead measures GET /api/ping three ways, at one worker and at the
// configured number, in interleaved rounds so that drifts of the machine
// fall on the three alike.
func runOverhead(ctx context.Context, rep *report, gw *localgw.Gateway, client *apiClient, sink *logSink) error {
	meta := gw.Functions[api.GroupMeta]
	payload := proxyEvent("GET", "/api/ping", "/api/ping", "bench-direct-ping", nil, nil)
	direct := func(ctx context.Context, _ int) ([]expect, error) {
		out, fnErr, err := meta.Invoke(ctx, payload)
		switch {
		case err != nil:
			return nil, err
		case fnErr != nil:
			return nil, fnErr
		}
		return nil, wantStatus(200)(out)
	}
	bareURL, stopBare, err := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "pong")
	}))
	if err != nil {
		return err
	}
	defer stopBare()
	workerCounts := []int{1}
	if rep.opts.workers != 1 {
		workerCounts = append(workerCounts, rep.opts.workers)
	}
	const rounds = 3
	for _, w := range workerCounts {
		bare := newAPIClient(bareURL, w)
		gwc := newAPIClient(client.base, w)
		n := rep.opts.requests
		if w == 1 {
			n = max(n/2, 60)
		}
		per := max(n/rounds, 1)
		variants := []struct {
			name string
			fn   op
			out  *[]loadResult
		}{
			{"gateway", gwc.ping, new([]loadResult)},
			{"direct", direct, new([]loadResult)},
			{"bare", func(ctx context.Context, _ int) ([]expect, error) {
				r, err := bare.do(ctx, "GET", "/", nil, "")
				if err == nil {
					err = want(r, 200, "bare handler")
				}
				return nil, err
			}, new([]loadResult)},
		}
		for round := range rounds {
			progress(fmt.Sprintf("gateway overhead, %d worker(s): round %d/%d", w, round+1, rounds))
			for k := range variants {
				v := variants[(k+round)%len(variants)]
				warm := 0
				if round == 0 {
					warm = max(w*10, per/5)
				}
				res, err := runLoad(ctx, w, warm, per, v.fn)
				if err != nil {
					return fmt.Errorf("ping (%s, %d workers): %w", v.name, w, err)
				}
				*v.out = append(*v.out, res)
			}
		}
		o := &overheadResult{workers: w, gateway: merge(*variants[0].out...), direct: merge(*variants[1].out...), bare: merge(*variants[2].out...)}
		rep.overhead = append(rep.overhead, o)
		bare.close()
		gwc.close()
	}
	one, many := rep.overheadAt(1), rep.overheadAt(rep.opts.workers)
	sc := &scenario{key: "ping", name: "GET /api/ping", auth: authNone, res: many.gateway, ops: float64(many.gateway.Ops() + many.gateway.Errors), res1: one.gateway}
	if !sink.wait(ctx, append(append([]expect(nil), sc.res.IDs...), sc.res1.IDs...), 10*time.Second) {
		rep.notes = append(rep.notes, "some log lines of GET /api/ping did not arrive")
	}
	sc.u, sc.u1 = sink.units(sc.res.IDs), sink.units(sc.res1.IDs)
	rep.scenarios = append(rep.scenarios, sc)
	return nil
}

func runScenarios(ctx context.Context, rep *report, client *apiClient, f *fixtures, sink *logSink) error {
	list := []*scenario{
		{key: "apikey_me", name: "GET /api/accounts/me", auth: authAPIKey},
		{key: "jwt_me", name: "GET /api/accounts/me", auth: authJWT},
		{key: "digest_me", name: "GET /api/accounts/me", auth: authDigest},
		{key: "admin_create", name: "POST /api/accounts", auth: authAPIKey + " (admin)"},
	}
	ops := map[string]op{
		"apikey_me":    client.getWith("/api/accounts/me", map[string]string{"X-Api-Key": f.user.Key}),
		"jwt_me":       client.getWith("/api/accounts/me", map[string]string{"Authorization": "Bearer " + f.jwtToken}),
		"digest_me":    client.digestMe(f.digest, domain),
		"admin_create": client.adminCreate(f.admin.Key, "load"),
	}
	w := rep.opts.workers
	for _, sc := range list {
		progress(fmt.Sprintf("warm: %s (%s), 1 worker × %d, then %d workers × %d operations", sc.name, sc.auth, singleOps(rep.opts), w, rep.opts.requests))
		res1, err := runLoad(ctx, 1, 5, singleOps(rep.opts), ops[sc.key])
		if err != nil {
			return fmt.Errorf("%s (%s), 1 worker: %w", sc.name, sc.auth, err)
		}
		res, err := runLoad(ctx, w, max(w*10, rep.opts.requests/10), rep.opts.requests, ops[sc.key])
		if err != nil {
			return fmt.Errorf("%s (%s): %w", sc.name, sc.auth, err)
		}
		sc.res, sc.ops, sc.res1 = res, float64(res.Ops()+res.Errors), res1
		if !sink.wait(ctx, append(append([]expect(nil), res.IDs...), res1.IDs...), 10*time.Second) {
			rep.notes = append(rep.notes, fmt.Sprintf("some log lines of %s (%s) did not arrive", sc.name, sc.auth))
		}
		sc.u, sc.u1 = sink.units(res.IDs), sink.units(res1.IDs)
		rep.scenarios = append(rep.scenarios, sc)
	}
	rep.scenarios = append(rep.scenarios, &scenario{key: "statistics", name: "Flexisip statistics event", auth: authAPIKey,
		apart: "section 5 (Flexisip's sequence, one event after the other)"})
	return nil
}

// machine describes where the run happened.
type machine struct {
	cpu       string
	cores     int
	goVersion string
	kernel    string
	loadStart string
	loadEnd   string
}

func describeMachine() machine {
	m := machine{cpu: "unknown", cores: runtime.NumCPU(), goVersion: runtime.Version(), loadStart: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.goVersion = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
