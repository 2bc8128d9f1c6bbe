// Package capacity accumulates the DynamoDB capacity units a request
// consumes, so that each request's log line says what it cost and the
// benchmarks can compare it with the access pattern's minimum.
package capacity

import (
	"context"
	"sync"
)

// Meter sums read and write capacity units.
type Meter struct {
	mu          sync.Mutex
	read, write float64
	calls       int
}

type key struct{}

// With returns a context carrying a new meter.
func With(ctx context.Context) (context.Context, *Meter) {
	m := &Meter{}
	return context.WithValue(ctx, key{}, m), m
}

// From returns the context's meter, or nil.
func From(ctx context.Context) *Meter {
	m, _ := ctx.Value(key{}).(*Meter)
	return m
}

// Add records the units of one DynamoDB call on the context's meter, if any.
func Add(ctx context.Context, read, write float64) {
	if m := From(ctx); m != nil {
		m.mu.Lock()
		m.read += read
		m.write += write
		m.calls++
		m.mu.Unlock()
	}
}

// Units returns the read and write capacity units and the number of calls.
func (m *Meter) Units() (read, write float64, calls int) {
	if m == nil {
		return 0, 0, 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.read, m.write, m.calls
}
