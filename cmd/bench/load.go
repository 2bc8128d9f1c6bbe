package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one operation of a load phase: one HTTP request, or a Digest
// round of two. It returns the API Gateway request ids it produced, so
// that the functions' log lines can be attributed to it.
type op func(ctx context.Context, worker int) (ids []expect, err error)

// loadResult is what a measured phase gave.
type loadResult struct {
	Workers  int
	Lat      []time.Duration // one per successful operation, sorted
	Errors   int
	FirstErr error
	Wall     time.Duration
	IDs      []expect
}

// runLoad runs warmup operations (not recorded), then total operations
// with a fixed number of workers, each running one operation at a time
// back to back (a closed loop: no coordinated-omission correction is
// needed because no arrival schedule is promised).
func runLoad(ctx context.Context, workers, warmup, total int, fn op) (loadResult, error) {
	if warmup > 0 {
		if _, err := runClosedLoop(ctx, workers, warmup, fn); err != nil {
			return loadResult{}, err
		}
	}
	return runClosedLoop(ctx, workers, total, fn)
}

func runClosedLoop(ctx context.Context, workers, total int, fn op) (loadResult, error) {
	type perWorker struct {
		lat    []time.Duration
		ids    []expect
		errors int
		first  error
	}
	res := make([]perWorker, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := &res[w]
			pw.lat = make([]time.Duration, 0, total/workers+1)
			for next.Add(1) <= int64(total) && ctx.Err() == nil {
				t0 := time.Now()
				ids, err := fn(ctx, w)
				d := time.Since(t0)
				pw.ids = append(pw.ids, ids...)
				if err != nil {
					pw.errors++
					if pw.first == nil {
						pw.first = err
					}
					continue
				}
				pw.lat = append(pw.lat, d)
			}
		}()
	}
	wg.Wait()
	out := loadResult{Workers: workers, Wall: time.Since(start)}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	for _, pw := range res {
		out.Lat = append(out.Lat, pw.lat...)
		out.IDs = append(out.IDs, pw.ids...)
		out.Errors += pw.errors
		if out.FirstErr == nil {
			out.FirstErr = pw.first
		}
	}
	slices.Sort(out.Lat)
	if out.Errors > 0 && out.Errors*10 > total {
		return out, fmt.Errorf("%d of %d operations failed, first: %w", out.Errors, total, out.FirstErr)
	}
	return out, nil
}

// merge pools the results of several rounds of the same operation.
func merge(rs ...loadResult) loadResult {
	var out loadResult
	for _, r := range rs {
		out.Workers = r.Workers
		out.Lat = append(out.Lat, r.Lat...)
		out.IDs = append(out.IDs, r.IDs...)
		out.Errors += r.Errors
		out.Wall += r.Wall
		if out.FirstErr == nil {
			out.FirstErr = r.FirstErr
		}
	}
	slices.Sort(out.Lat)
	return out
}

// Ops is the number of operations that succeeded.
func (r loadResult) Ops() int { return len(r.Lat) }

// Throughput is successful operations per second of wall time.
func (r loadResult) Throughput() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(len(r.Lat)) / r.Wall.Seconds()
}

func (r loadResult) P(p float64) time.Duration { return percentile(r.Lat, p) }

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// median of unsorted values (the input is not modified).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
