package localgw

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// instance is one execution environment: one OS process running the
// bootstrap, with its own Runtime API endpoint. It serves one invocation
// at a time; the Function hands it out and takes it back.
type instance struct {
	fn      *Function
	id      int
	api     string // host:port of its Runtime API endpoint
	cmd     *exec.Cmd
	srv     *http.Server
	started time.Time

	events    chan *invocation // taken by the `next` handler
	ready     chan struct{}    // closed at the first `next`: init is over
	readyOnce sync.Once
	exited    chan struct{} // closed once the process is reaped
	stdout    *lineWriter
	stderr    *lineWriter

	mu         sync.Mutex
	current    *invocation // delivered by `next`, not answered yet
	initDur    time.Duration
	answered   bool           // a first response or error was posted
	initErr    *FunctionError // posted to /runtime/init/error
	killReason string         // why the harness killed the process
	exitErr    error          // cmd.Wait's result

	gone bool // guarded by fn.mu: the process has exited
}

// invocation is one event on its way through an instance.
type invocation struct {
	id       string
	traceID  string
	payload  []byte
	deadline time.Time
	done     chan outcome // buffered: the sender never waits
}

type outcome struct {
	body  []byte
	fnErr *FunctionError
	err   error
}

// start launches a new instance. f.starting.Add(1) was called by the
// caller, so Close waits until the instance is registered (and then kills
// it) instead of leaking a process started concurrently with Close.
func (f *Function) start() (*instance, error) {
	defer f.starting.Done()
	path, err := filepath.Abs(f.Path)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", f.Name, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start %s: runtime API listener: %w", f.Name, err)
	}
	f.mu.Lock()
	f.nextID++
	id := f.nextID
	f.mu.Unlock()

	inst := &instance{
		fn:     f,
		id:     id,
		api:    ln.Addr().String(),
		events: make(chan *invocation),
		ready:  make(chan struct{}),
		exited: make(chan struct{}),
	}
	prefix := fmt.Sprintf("[%s#%d] ", f.Name, id)
	inst.stdout = &lineWriter{fn: f, prefix: prefix}
	inst.stderr = &lineWriter{fn: f, prefix: prefix}
	cmd := exec.Command(path)
	cmd.Dir = filepath.Dir(path)
	cmd.Env = f.environ(inst.api, filepath.Dir(path), id)
	cmd.Stdout = inst.stdout
	cmd.Stderr = inst.stderr
	// A process group of its own lets kill reach whatever the bootstrap
	// spawned; Pdeathsig kills it if this process dies without Close (it
	// follows the forking thread, and the Go runtime keeps its threads).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Bounds Wait when a grandchild still holds the output pipes.
	cmd.WaitDelay = time.Second
	inst.cmd = cmd
	inst.started = time.Now()
	if err := cmd.Start(); err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("start %s (%s): %w", f.Name, path, err)
	}
	// Served only now that the instance is complete; the process's first
	// connection waits in the listen backlog meanwhile.
	inst.srv = &http.Server{Handler: inst.runtimeAPI(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = inst.srv.Serve(ln) }()
	f.mu.Lock()
	f.all[inst] = struct{}{}
	f.mu.Unlock()
	go inst.watch()
	return inst, nil
}

// environ is the environment Lambda gives a provided.al2023 function: a
// small fixed base (not this machine's environment: a host variable such
// as AWS_CA_BUNDLE or AWS_PROFILE would change what the function does and
// how fast it starts), the Lambda variables, then the function's own
// configuration, which must therefore carry everything else it needs
// (credentials, endpoints, FlexiAPI's variables; last wins in os/exec).
func (f *Function) environ(runtimeAPI, taskRoot string, id int) []string {
	env := []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=en_US.UTF-8"}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		region = "us-east-1"
	}
	now := time.Now().UTC()
	env = append(env,
		"AWS_LAMBDA_RUNTIME_API="+runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME="+f.Name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(f.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/"+f.Name,
		fmt.Sprintf("AWS_LAMBDA_LOG_STREAM_NAME=%s/[$LATEST]local%d", now.Format("2006/01/02"), id),
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"AWS_REGION="+region,
		"AWS_DEFAULT_REGION="+region,
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT="+taskRoot,
		"TZ=:UTC",
	)
	return append(env, f.Env...)
}

// watch reaps the process and retires the instance.
func (i *instance) watch() {
	err := i.cmd.Wait()
	// Whatever the bootstrap started must not outlive it. (The group id
	// cannot have been reused while members remain.)
	_ = syscall.Kill(-i.cmd.Process.Pid, syscall.SIGKILL)
	i.mu.Lock()
	i.exitErr = err
	reason := i.killReason
	i.mu.Unlock()
	_ = i.srv.Close()
	i.stdout.flush()
	i.stderr.flush()
	if reason == "" {
		i.fn.Logger.Warn("function instance exited", "function", i.fn.Name, "instance", i.id, "error", errString(err))
	}
	i.fn.forget(i)
	close(i.exited)
}

// kill ends the process group and waits until the instance is retired.
func (i *instance) kill(reason string) {
	i.mu.Lock()
	if i.killReason == "" {
		i.killReason = reason
	}
	i.mu.Unlock()
	select {
	case <-i.exited:
		return
	default:
	}
	_ = syscall.Kill(-i.cmd.Process.Pid, syscall.SIGKILL)
	<-i.exited
}

// waitReady waits until the process asks for its first event.
func (i *instance) waitReady(ctx context.Context) error {
	timer := time.NewTimer(initTimeout)
	defer timer.Stop()
	select {
	case <-i.ready:
		return nil
	case <-i.exited:
		return i.deathError()
	case <-timer.C:
		i.kill("init timeout")
		return fmt.Errorf("function %s instance %d: init did not finish in %s: %w", i.fn.Name, i.id, initTimeout, ErrTimeout)
	case <-ctx.Done():
		i.kill("context ended during init")
		return fmt.Errorf("function %s instance %d: init: %w", i.fn.Name, i.id, ctx.Err())
	}
}

// invoke delivers one event and waits for its answer. A process that
// misses the deadline, or whose caller gave up, is killed: it may still
// be running the handler and cannot be handed another event.
func (i *instance) invoke(ctx context.Context, payload []byte, timeout time.Duration) (outcome, error) {
	warm := false
	select {
	case <-i.ready:
		warm = true
	default:
	}
	if err := i.waitReady(ctx); err != nil {
		return outcome{}, err
	}
	inv := &invocation{
		id:       newUUID(),
		traceID:  newTraceID(),
		payload:  payload,
		deadline: time.Now().Add(timeout),
		done:     make(chan outcome, 1),
	}
	// The kill comes KillGrace after the deadline the function is given:
	// a handler that honours its deadline answers at that instant, and its
	// answer must win over the kill, not race it.
	timer := time.NewTimer(timeout + KillGrace)
	defer timer.Stop()
	delivered := false
	for {
		var send chan *invocation
		if !delivered {
			send = i.events
		}
		select {
		case send <- inv:
			delivered = true
		case out := <-inv.done:
			return out, out.err
		case <-i.exited:
			select {
			case out := <-inv.done:
				return out, out.err
			default:
			}
			if warm && !delivered {
				// It died idle (e.g. exiting after a panic it had
				// reported) before we noticed: the event never reached
				// it, so another instance may take it.
				return outcome{}, errStale
			}
			return outcome{}, i.deathError()
		case <-timer.C:
			i.kill("timeout")
			return outcome{}, fmt.Errorf("function %s instance %d: %w after %s", i.fn.Name, i.id, ErrTimeout, timeout)
		case <-ctx.Done():
			i.kill("context ended")
			return outcome{}, fmt.Errorf("function %s instance %d: %w", i.fn.Name, i.id, ctx.Err())
		}
	}
}

// deathError explains why an instance died under an invocation.
func (i *instance) deathError() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	switch {
	case i.initErr != nil:
		return fmt.Errorf("function %s instance %d: init failed: %w", i.fn.Name, i.id, i.initErr)
	case i.killReason != "":
		return fmt.Errorf("function %s instance %d: %s", i.fn.Name, i.id, i.killReason)
	default:
		return fmt.Errorf("function %s instance %d exited during the invocation: %s", i.fn.Name, i.id, errString(i.exitErr))
	}
}

func errString(err error) string {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "exit status 0"
	case errors.As(err, &exit):
		return exit.String()
	default:
		return err.Error()
	}
}
