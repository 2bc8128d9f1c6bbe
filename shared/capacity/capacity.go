// Package capacity accumulates the DynamoDB capacity units a request
// consumes, so that each request's log line says what it cost and the
// benchmarks can compare it with the access pattern's minimum.
package capacity

import (
	"context"
	"sync"
)

// Meter sums read and write capacity units. Of the write units it also
// sums the part that went to index entries, for the writes that asked
// DynamoDB for that breakdown (ReturnConsumedCapacity INDEXES): a write
// request costs its item's units on the table plus one entry per index
// whose projected attributes it changes.
type Meter struct {
	mu          sync.Mutex
	read, write float64
	calls       int
	// indexWrite is known only when itemized: a write whose breakdown
	// was not asked for would otherwise count as table units alone.
	indexWrite float64
	itemized   bool // a write said its breakdown
	untold     bool // a write did not
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
		m.untold = m.untold || write > 0
		m.calls++
		m.mu.Unlock()
	}
}

// AddWrite records one write call whose breakdown is known: total units,
// of which index went to index entries (the rest to the table).
func AddWrite(ctx context.Context, total, index float64) {
	if m := From(ctx); m != nil {
		m.mu.Lock()
		m.write += total
		m.indexWrite += index
		m.itemized = true
		m.calls++
		m.mu.Unlock()
	}
}

// IndexWriteUnits returns the write units that went to index entries,
// and whether every write recorded said so (false when none did, or when
// one did not: its index part is then unknown).
func (m *Meter) IndexWriteUnits() (units float64, known bool) {
	if m == nil {
		return 0, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.indexWrite, m.itemized && !m.untold
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
