// Package localgw is the local API Gateway of `make run` and of the
// integration tests: it serves the route table the way the deployed REST
// API does (Lambda proxy integration, the REQUEST authorizer, the stack's
// gateway responses, the per-IP rate limit), and runs each Lambda's real
// `bootstrap` executable behind an emulation of the Lambda Runtime API, so
// that what runs locally is the artifact that is deployed.
package localgw

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Defaults of a Function, those of a Lambda function created by our stack.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMemoryMB     = 256
	DefaultMaxInstances = 8
	// initTimeout bounds the wait for a new process's first `next`, as
	// Lambda bounds the init phase to 10 seconds.
	initTimeout = 10 * time.Second
)

// KillGrace is how long after an invocation's deadline its process is
// killed (ErrTimeout): the time a handler that stops at its deadline needs
// to post its answer.
const KillGrace = 500 * time.Millisecond

// ErrTimeout is returned (wrapped) when an invocation outlives the
// function's Timeout (and KillGrace); API Gateway answers it with
// INTEGRATION_TIMEOUT.
var ErrTimeout = errors.New("function timed out")

// ErrClosed is returned by Invoke after Close.
var ErrClosed = errors.New("function closed")

// FunctionError is an error the function itself reported through
// `/runtime/invocation/{id}/error`: its handler returned an error or
// panicked. The process is still alive unless it chose to exit.
type FunctionError struct {
	Message string
	Type    string
}

func (e *FunctionError) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// ColdStart is what one instance's start cost: from the process start to
// its first `next` request (Init) and to its first answer (FirstResponse).
type ColdStart struct {
	Function      string
	Instance      int
	Init          time.Duration
	FirstResponse time.Duration
}

// Function runs one Lambda function's `bootstrap` as a pool of processes,
// each speaking the Runtime API to its own endpoint, as Lambda runs one
// execution environment per concurrent invocation. Set the fields before
// the first call; the zero values of the optional ones are the defaults.
type Function struct {
	Name string // e.g. "accounts"; used in the ARN and in logs
	Path string // the executable `bootstrap`
	Env  []string
	// Timeout of one invocation (default 30 s).
	Timeout time.Duration
	// MemoryMB is only reported to the function, in its environment.
	MemoryMB int
	// MaxInstances bounds the processes (default 8); further invocations
	// wait for an instance to be free.
	MaxInstances int
	Logger       *slog.Logger
	// Output receives the instances' stdout and stderr, each line
	// prefixed with the function name and instance (default os.Stderr).
	Output io.Writer

	setup sync.Once
	outMu sync.Mutex // one line at a time on Output

	mu         sync.Mutex
	idle       []*instance // most recently used last: reused first
	all        map[*instance]struct{}
	total      int           // instances alive or starting
	wake       chan struct{} // closed when an instance becomes free or gone
	closed     bool
	starting   sync.WaitGroup // starts in progress, for Close to wait on
	nextID     int
	coldStarts []ColdStart
}

func (f *Function) init() {
	f.setup.Do(func() {
		if f.Timeout <= 0 {
			f.Timeout = DefaultTimeout
		}
		if f.MemoryMB <= 0 {
			f.MemoryMB = DefaultMemoryMB
		}
		if f.MaxInstances <= 0 {
			f.MaxInstances = DefaultMaxInstances
		}
		if f.Logger == nil {
			f.Logger = slog.Default()
		}
		if f.Output == nil {
			f.Output = os.Stderr
		}
		f.all = map[*instance]struct{}{}
		f.wake = make(chan struct{})
	})
}

// Invoke runs one invocation on an idle instance, or on a new one when
// none is idle and fewer than MaxInstances exist. It returns the
// function's result, or the error the function reported (fnErr), or an
// error of the harness: the process died, the invocation timed out
// (ErrTimeout) or ctx ended; in the last two cases the process is killed,
// as Lambda discards an environment whose invocation did not finish.
func (f *Function) Invoke(ctx context.Context, payload []byte) (result []byte, fnErr *FunctionError, err error) {
	f.init()
	for attempt := 1; ; attempt++ {
		inst, err := f.acquire(ctx)
		if err != nil {
			return nil, nil, err
		}
		out, err := inst.invoke(ctx, payload, f.Timeout)
		f.release(inst)
		if errors.Is(err, errStale) && attempt < maxStaleRetries {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return out.body, out.fnErr, nil
	}
}

// errStale: the idle instance chosen had died before it took the event.
var errStale = errors.New("instance exited while idle")

const maxStaleRetries = 3

// acquire returns an idle instance or a newly started one, waiting while
// MaxInstances are busy.
func (f *Function) acquire(ctx context.Context) (*instance, error) {
	for {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return nil, fmt.Errorf("invoke %s: %w", f.Name, ErrClosed)
		}
		if n := len(f.idle); n > 0 {
			inst := f.idle[n-1]
			f.idle = f.idle[:n-1]
			f.mu.Unlock()
			return inst, nil
		}
		if f.total < f.MaxInstances {
			f.total++
			f.starting.Add(1)
			f.mu.Unlock()
			return f.startCounted()
		}
		wake := f.wake
		f.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, fmt.Errorf("invoke %s: waiting for a free instance: %w", f.Name, ctx.Err())
		}
	}
}

// release puts a live instance back in the idle pool. A dead one was
// already accounted for by its exit watcher.
func (f *Function) release(inst *instance) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if inst.gone || f.closed {
		return
	}
	f.idle = append(f.idle, inst)
	f.broadcast()
}

// broadcast wakes every waiter of acquire; f.mu must be held.
func (f *Function) broadcast() {
	close(f.wake)
	f.wake = make(chan struct{})
}

// forget is called once per instance when its process has exited.
func (f *Function) forget(inst *instance) {
	f.mu.Lock()
	defer f.mu.Unlock()
	inst.gone = true
	for i, x := range f.idle {
		if x == inst {
			f.idle = append(f.idle[:i], f.idle[i+1:]...)
			break
		}
	}
	delete(f.all, inst)
	f.total--
	f.broadcast()
}

func (f *Function) recordColdStart(cs ColdStart) {
	f.mu.Lock()
	f.coldStarts = append(f.coldStarts, cs)
	f.mu.Unlock()
	f.Logger.Info("cold start", "function", f.Name,
		"init_ms", ms(cs.Init), "first_response_ms", ms(cs.FirstResponse), "instance", cs.Instance)
}

// ColdStarts returns the cold starts measured so far, one per instance
// that answered at least once, in the order they happened.
func (f *Function) ColdStarts() []ColdStart {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ColdStart(nil), f.coldStarts...)
}

// Instances is the number of processes currently alive or starting.
func (f *Function) Instances() int {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

// PIDs lists the process ids of the live instances (tests check that
// none outlives Close).
func (f *Function) PIDs() []int {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	var pids []int
	for inst := range f.all {
		pids = append(pids, inst.cmd.Process.Pid)
	}
	return pids
}

// Prewarm starts instances until n exist (at most MaxInstances) and waits
// until each new one has asked for its first event, so that the next n
// concurrent invocations skip the cold start.
func (f *Function) Prewarm(ctx context.Context, n int) error {
	f.init()
	var started []*instance
	var errs []error
	for range n {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return fmt.Errorf("prewarm %s: %w", f.Name, ErrClosed)
		}
		if f.total >= min(n, f.MaxInstances) {
			f.mu.Unlock()
			break
		}
		f.total++
		f.starting.Add(1)
		f.mu.Unlock()
		inst, err := f.startCounted()
		if err != nil {
			errs = append(errs, err)
			break
		}
		started = append(started, inst)
	}
	for _, inst := range started {
		if err := inst.waitReady(ctx); err != nil {
			inst.kill("prewarm failed")
			errs = append(errs, fmt.Errorf("prewarm %s: %w", f.Name, err))
			continue
		}
		f.release(inst)
	}
	return errors.Join(errs...)
}

// Close kills every instance (and their process groups) and waits for
// them; invocations in flight fail. The Function cannot be used again.
func (f *Function) Close() error {
	f.init()
	f.mu.Lock()
	f.closed = true
	f.idle = nil
	f.broadcast()
	f.mu.Unlock()
	// A process being started now registers itself before Done: wait, so
	// that it is killed below rather than leaked.
	f.starting.Wait()
	f.mu.Lock()
	insts := make([]*instance, 0, len(f.all))
	for inst := range f.all {
		insts = append(insts, inst)
	}
	f.mu.Unlock()
	for _, inst := range insts {
		inst.kill("closed")
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// startCounted starts an instance already counted in f.total (without the
// lock held), and uncounts it if it fails to start.
func (f *Function) startCounted() (*instance, error) {
	inst, err := f.start()
	if err != nil {
		f.mu.Lock()
		f.total--
		f.broadcast()
		f.mu.Unlock()
		return nil, err
	}
	return inst, nil
}
