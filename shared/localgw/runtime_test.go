package localgw

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// echoEvent is a proxy event carrying the X-Echo-* instructions.
func echoEvent(t *testing.T, headers map[string]string) []byte {
	t.Helper()
	b, err := json.Marshal(events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/x", Headers: headers})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// echoAnswer decodes the echo function's proxy response and its body.
func echoAnswer(t *testing.T, raw []byte) (events.APIGatewayProxyResponse, answerBody) {
	t.Helper()
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatalf("proxy response: %v: %s", err, raw)
	}
	var body answerBody
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("echo body: %v: %s", err, resp.Body)
	}
	return resp, body
}

// answerBody mirrors testdata/echo's answer.
type answerBody struct {
	Event   events.APIGatewayProxyRequest `json:"event"`
	Runtime struct {
		PID          int    `json:"pid"`
		ChildPID     int    `json:"child_pid"`
		RequestID    string `json:"request_id"`
		FunctionARN  string `json:"function_arn"`
		DeadlineMS   int64  `json:"deadline_ms"`
		FunctionName string `json:"function_name"`
		Version      string `json:"version"`
		Memory       string `json:"memory"`
		Region       string `json:"region"`
		Handler      string `json:"handler"`
		TaskRoot     string `json:"task_root"`
		TZ           string `json:"tz"`
		LogGroup     string `json:"log_group"`
		TraceID      string `json:"trace_id"`
		Custom       string `json:"custom"`
	} `json:"runtime"`
}

func TestRuntimeRoundTrip(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "accounts", echoBootstrap, logs, logger)
	f.Env = []string{"ECHO_CUSTOM=configured"}
	f.MemoryMB = 512
	ctx := context.Background()

	before := time.Now()
	raw, fnErr, err := f.Invoke(ctx, echoEvent(t, map[string]string{"X-Hello": "world"}))
	if err != nil || fnErr != nil {
		t.Fatalf("Invoke: %v %v", err, fnErr)
	}
	resp, body := echoAnswer(t, raw)
	if resp.StatusCode != 200 || body.Event.Headers["X-Hello"] != "world" {
		t.Fatalf("echo did not get the event: %+v", body.Event)
	}
	rt := body.Runtime
	checks := map[string][2]string{
		"function name": {rt.FunctionName, "accounts"},
		"version":       {rt.Version, "$LATEST"},
		"memory":        {rt.Memory, "512"},
		"handler":       {rt.Handler, "bootstrap"},
		"task root":     {rt.TaskRoot, filepath.Dir(echoBootstrap)},
		"tz":            {rt.TZ, ":UTC"},
		"log group":     {rt.LogGroup, "/aws/lambda/accounts"},
		"arn":           {rt.FunctionARN, "arn:aws:lambda:us-east-1:000000000000:function:accounts"},
		"custom env":    {rt.Custom, "configured"},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", what, c[0], c[1])
		}
	}
	if rt.Region == "" || len(rt.RequestID) != 36 || !strings.HasPrefix(rt.TraceID, "Root=1-") {
		t.Errorf("region %q, request id %q, trace id %q", rt.Region, rt.RequestID, rt.TraceID)
	}
	// The deadline is about Timeout after delivery.
	if dl := time.UnixMilli(rt.DeadlineMS); dl.Before(before.Add(f.Timeout-time.Second)) || dl.After(time.Now().Add(f.Timeout+time.Second)) {
		t.Errorf("deadline %v not about %v from now", dl, f.Timeout)
	}

	// A second invocation reuses the warm instance.
	raw, _, err = f.Invoke(ctx, echoEvent(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	_, body2 := echoAnswer(t, raw)
	if body2.Runtime.PID != rt.PID || body2.Runtime.RequestID == rt.RequestID {
		t.Errorf("second invocation: pid %d (first %d), request id %s (first %s)",
			body2.Runtime.PID, rt.PID, body2.Runtime.RequestID, rt.RequestID)
	}
	if n := f.Instances(); n != 1 {
		t.Errorf("instances = %d, want 1", n)
	}
}

func TestRuntimeFunctionError(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "meta", echoBootstrap, logs, logger)
	_, fnErr, err := f.Invoke(context.Background(), echoEvent(t, map[string]string{"X-Echo-Error": "no such thing"}))
	if err != nil {
		t.Fatal(err)
	}
	if fnErr == nil || fnErr.Message != "no such thing" || fnErr.Type == "" {
		t.Fatalf("function error = %+v", fnErr)
	}
	// The instance survives a returned error.
	if _, fnErr, err = f.Invoke(context.Background(), echoEvent(t, nil)); err != nil || fnErr != nil {
		t.Fatalf("after an error: %v %v", err, fnErr)
	}
	if n := len(f.ColdStarts()); n != 1 {
		t.Errorf("cold starts = %d, want 1", n)
	}
}

func TestRuntimeCrash(t *testing.T) {
	for _, header := range []string{"X-Echo-Exit", "X-Echo-Panic"} {
		t.Run(header, func(t *testing.T) {
			logs, logger := newLogs(t)
			f := newFunction(t, "meta", echoBootstrap, logs, logger)
			raw, _, err := f.Invoke(context.Background(), echoEvent(t, nil))
			if err != nil {
				t.Fatal(err)
			}
			_, first := echoAnswer(t, raw)

			_, fnErr, err := f.Invoke(context.Background(), echoEvent(t, map[string]string{header: "1"}))
			if err == nil && fnErr == nil {
				t.Fatal("a crash must fail the invocation")
			}
			if !processGone(first.Runtime.PID) {
				t.Errorf("crashed process %d still runs", first.Runtime.PID)
			}
			// The next invocation gets a fresh instance.
			raw, fnErr, err = f.Invoke(context.Background(), echoEvent(t, nil))
			if err != nil || fnErr != nil {
				t.Fatalf("after the crash: %v %v", err, fnErr)
			}
			_, next := echoAnswer(t, raw)
			if next.Runtime.PID == first.Runtime.PID {
				t.Error("the crashed instance was reused")
			}
		})
	}
}

func TestRuntimeInitError(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "meta", echoBootstrap, logs, logger)
	f.Env = []string{"ECHO_INIT_FAIL=1"}
	_, _, err := f.Invoke(context.Background(), echoEvent(t, nil))
	if err == nil || !strings.Contains(err.Error(), "missing configuration") {
		t.Fatalf("err = %v, want the init error", err)
	}
	eventually(t, "the instance to be gone", func() bool { return f.Instances() == 0 })
}

func TestRuntimeTimeoutKillsProcess(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "meta", echoBootstrap, logs, logger)
	f.Timeout = 2 * time.Second
	raw, _, err := f.Invoke(context.Background(), echoEvent(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	_, warm := echoAnswer(t, raw)
	_, _, err = f.Invoke(context.Background(), echoEvent(t, map[string]string{"X-Echo-Sleep": "1m"}))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if !processGone(warm.Runtime.PID) {
		t.Errorf("timed-out process %d still runs", warm.Runtime.PID)
	}
	if n := f.Instances(); n != 0 {
		t.Errorf("instances = %d after the kill", n)
	}
}

// A handler that stops at its deadline and then answers gets its answer
// through: the kill comes KillGrace after the deadline, not at it (where
// the answer and the kill raced, and the kill made a 504 of a 200). The
// handler's answer comes a fixed time after its deadline, within the
// grace: killed at the deadline it would always be lost.
func TestRuntimeAnswerAtTheDeadlineWins(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "meta", echoBootstrap, logs, logger)
	f.Timeout = time.Second
	start := time.Now()
	raw, fnErr, err := f.Invoke(context.Background(), echoEvent(t, map[string]string{"X-Echo-Answer-After-Deadline": "150ms"}))
	if err != nil || fnErr != nil {
		t.Fatalf("answered %v, %v after %s, want the handler's answer", err, fnErr, time.Since(start))
	}
	if resp, _ := echoAnswer(t, raw); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if d := time.Since(start); d < f.Timeout {
		t.Fatalf("answered after %s, before the deadline", d)
	}
}

func TestRuntimeContextCancelKillsProcess(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "meta", echoBootstrap, logs, logger)
	raw, _, err := f.Invoke(context.Background(), echoEvent(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	_, warm := echoAnswer(t, raw)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, _, err = f.Invoke(ctx, echoEvent(t, map[string]string{"X-Echo-Sleep": "1m"}))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's error", err)
	}
	if !processGone(warm.Runtime.PID) {
		t.Errorf("process %d still runs", warm.Runtime.PID)
	}
}

// blockedInvocations starts n invocations that wait for a file to exist,
// so that each holds an instance until release is called.
func blockedInvocations(t *testing.T, f *Function, n int) (release func() []int) {
	gate := filepath.Join(t.TempDir(), "go")
	var wg sync.WaitGroup
	pids := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			raw, fnErr, err := f.Invoke(context.Background(), echoEvent(t, map[string]string{"X-Echo-Wait-File": gate}))
			if err == nil && fnErr != nil {
				err = fnErr
			}
			if err != nil {
				errs[i] = err
				return
			}
			var resp events.APIGatewayProxyResponse
			if err := json.Unmarshal(raw, &resp); err != nil {
				errs[i] = err
				return
			}
			pids[i], _ = strconv.Atoi(resp.Headers["X-Pid"])
		}()
	}
	return func() []int {
		if err := os.WriteFile(gate, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		return pids
	}
}

func TestRuntimeConcurrentInvocationsSpawnInstances(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "accounts", echoBootstrap, logs, logger)
	f.MaxInstances = 10
	release := blockedInvocations(t, f, 10)
	// Each blocked invocation holds its own instance.
	eventually(t, "10 instances", func() bool { return f.Instances() == 10 })
	pids := release()
	distinct := map[int]bool{}
	for _, p := range pids {
		distinct[p] = true
	}
	if len(distinct) != 10 {
		t.Errorf("%d distinct processes served 10 concurrent invocations, want 10", len(distinct))
	}
	if n := len(f.ColdStarts()); n != 10 {
		t.Errorf("cold starts = %d, want 10", n)
	}
}

func TestRuntimeMaxInstances(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "accounts", echoBootstrap, logs, logger)
	f.MaxInstances = 3
	release := blockedInvocations(t, f, 6)
	eventually(t, "3 instances", func() bool { return f.Instances() == 3 })
	// The other three wait for a free instance rather than start one.
	time.Sleep(200 * time.Millisecond)
	if n := f.Instances(); n != 3 {
		t.Fatalf("instances = %d, want at most 3", n)
	}
	pids := release()
	distinct := map[int]bool{}
	for _, p := range pids {
		distinct[p] = true
	}
	if len(distinct) > 3 {
		t.Errorf("%d processes, want at most 3", len(distinct))
	}
}

func TestRuntimeColdStartOncePerInstance(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "accounts", echoBootstrap, logs, logger)
	for range 3 {
		if _, _, err := f.Invoke(context.Background(), echoEvent(t, nil)); err != nil {
			t.Fatal(err)
		}
	}
	cs := f.ColdStarts()
	if len(cs) != 1 {
		t.Fatalf("cold starts = %+v, want one", cs)
	}
	if cs[0].Function != "accounts" || cs[0].Instance != 1 || cs[0].Init <= 0 || cs[0].FirstResponse < cs[0].Init {
		t.Errorf("cold start = %+v", cs[0])
	}
	if n := logs.count(`"msg":"cold start"`, `"function":"accounts"`, `"init_ms":`, `"first_response_ms":`, `"instance":1`); n != 1 {
		t.Errorf("cold start logged %d times, want once", n)
	}
}

func TestRuntimePrewarm(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "accounts", echoBootstrap, logs, logger)
	if err := f.Prewarm(context.Background(), 3); err != nil {
		t.Fatal(err)
	}
	if n := f.Instances(); n != 3 {
		t.Fatalf("instances = %d, want 3", n)
	}
	if _, _, err := f.Invoke(context.Background(), echoEvent(t, nil)); err != nil {
		t.Fatal(err)
	}
	if n := f.Instances(); n != 3 {
		t.Errorf("instances = %d after one invocation, want 3 (warm reused)", n)
	}
}

func TestRuntimeCloseLeavesNoProcess(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "accounts", echoBootstrap, logs, logger)
	if err := f.Prewarm(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	// One instance spawns a child of its own: Close must reach it too.
	raw, _, err := f.Invoke(context.Background(), echoEvent(t, map[string]string{"X-Echo-Spawn": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	_, body := echoAnswer(t, raw)
	pids := append(f.PIDs(), body.Runtime.ChildPID)
	if len(pids) != 3 || body.Runtime.ChildPID == 0 {
		t.Fatalf("pids = %v", pids)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if !processGone(pid) {
			t.Errorf("process %d survived Close", pid)
		}
	}
	if _, _, err := f.Invoke(context.Background(), echoEvent(t, nil)); !errors.Is(err, ErrClosed) {
		t.Errorf("Invoke after Close: %v, want ErrClosed", err)
	}
}

func TestRuntimeAPIUnknownPathAndRequestID(t *testing.T) {
	logs, logger := newLogs(t)
	f := newFunction(t, "meta", echoBootstrap, logs, logger)
	f.init()
	f.starting.Add(1)
	f.mu.Lock()
	f.total++
	f.mu.Unlock()
	inst, err := f.start()
	if err != nil {
		t.Fatal(err)
	}
	defer inst.kill("test over")
	if err := inst.waitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := "http://" + inst.api
	for path, want := range map[string]int{
		"/2018-06-01/runtime/nothing":                       404,
		"/2018-06-01/runtime/invocation/not-an-id/response": 400,
		"/2018-06-01/runtime/invocation/not-an-id/error":    400,
		"/2018-06-01/runtime/init/error":                    403, // init is over
	} {
		resp, err := httpPost(base+path, "{}")
		if err != nil {
			t.Fatal(err)
		}
		if resp != want {
			t.Errorf("POST %s = %d, want %d", path, resp, want)
		}
	}
}

func httpPost(url, body string) (int, error) {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
