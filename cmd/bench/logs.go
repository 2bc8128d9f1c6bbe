package main

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"time"
)

// logRecord is what the bench reads from one JSON log line of a function
// ("request", with the router's rcu/wcu) or of the authorizer (one line
// per decision, with its rcu/wcu).
type logRecord struct {
	Component string  `json:"component"`
	Msg       string  `json:"msg"`
	RequestID string  `json:"request_id"`
	Route     string  `json:"route"`
	Status    int     `json:"status"`
	Auth      string  `json:"auth"`
	RCU       float64 `json:"rcu"`
	WCU       float64 `json:"wcu"`
	// WCUIndex is the part of WCU that went to index entries, on the
	// lines whose writes asked for it (the statistics ingestion).
	WCUIndex   *float64 `json:"wcu_index"`
	DurationMS float64  `json:"duration_ms"`
	bytes      int      // the line's size, as CloudWatch Logs would ingest it
}

// perRequest gathers the lines of one API Gateway request id.
type perRequest struct {
	authorizer []logRecord
	function   []logRecord
}

// logSink is the Output of every function: it keeps, per request id, the
// authorizer's and the function's lines. Other lines are counted only.
type logSink struct {
	mu       sync.Mutex
	buf      []byte
	requests map[string]*perRequest
	other    int
	changed  chan struct{}
}

func newLogSink() *logSink {
	return &logSink{requests: map[string]*perRequest{}, changed: make(chan struct{})}
}

// Write receives lines prefixed "[name#n] " by localgw.
func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	got := false
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		if s.line(s.buf[:i]) {
			got = true
		}
		s.buf = s.buf[i+1:]
	}
	if got {
		close(s.changed)
		s.changed = make(chan struct{})
	}
	return len(p), nil
}

func (s *logSink) line(l []byte) bool {
	j := bytes.IndexByte(l, '{')
	if j < 0 {
		s.other++
		return false
	}
	var r logRecord
	if err := json.Unmarshal(l[j:], &r); err != nil || r.RequestID == "" {
		s.other++
		return false
	}
	r.bytes = len(l) - j + 1
	pr := s.requests[r.RequestID]
	if pr == nil {
		pr = &perRequest{}
		s.requests[r.RequestID] = pr
	}
	switch {
	case r.Component == "authorizer":
		pr.authorizer = append(pr.authorizer, r)
	case r.Msg == "request":
		pr.function = append(pr.function, r)
	default:
		s.other++
		return false
	}
	return true
}

// expect says which lines a request id must have before it is complete.
type expect struct {
	id         string
	authorizer bool
	function   bool
}

// wait blocks until every expected line has arrived (the functions write
// their log line around the time they answer), or the timeout.
func (s *logSink) wait(ctx context.Context, want []expect, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		done := true
		for _, w := range want {
			pr := s.requests[w.id]
			if pr == nil || w.authorizer && len(pr.authorizer) == 0 || w.function && len(pr.function) == 0 {
				done = false
				break
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if done {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// units sums what a set of request ids consumed.
type units struct {
	AuthRCU, AuthWCU float64
	FnRCU, FnWCU     float64
	AuthCalls        int // authorizer decisions
	FnCalls          int // function invocations that logged a request
	AuthMS, FnMS     float64
	AuthBilledMS     float64 // sum of per-invocation durations rounded up to 1 ms
	FnBilledMS       float64
	LogBytes         int
	Missing          int // ids with no line at all
	// The function's write units split into table and index parts, from
	// the lines with wcu_index (FnUnsplit counts the others), and the
	// largest table part and authorizer read of one request: a budget
	// per event is about every event, not the mean.
	FnTableWCU, FnIndexWCU float64
	FnUnsplit              int
	FnTableWCUMax          float64
	AuthRCUMax             float64
}

func (s *logSink) units(ids []expect) units {
	s.mu.Lock()
	defer s.mu.Unlock()
	var u units
	for _, e := range ids {
		pr := s.requests[e.id]
		if pr == nil {
			u.Missing++
			continue
		}
		for _, r := range pr.authorizer {
			u.AuthRCU += r.RCU
			u.AuthRCUMax = max(u.AuthRCUMax, r.RCU)
			u.AuthWCU += r.WCU
			u.AuthCalls++
			u.AuthMS += r.DurationMS
			u.AuthBilledMS += billedMS(r.DurationMS)
			u.LogBytes += r.bytes
		}
		for _, r := range pr.function {
			u.FnRCU += r.RCU
			u.FnWCU += r.WCU
			if r.WCUIndex != nil {
				u.FnTableWCU += r.WCU - *r.WCUIndex
				u.FnIndexWCU += *r.WCUIndex
				u.FnTableWCUMax = max(u.FnTableWCUMax, r.WCU-*r.WCUIndex)
			} else {
				u.FnUnsplit++
			}
			u.FnCalls++
			u.FnMS += r.DurationMS
			u.FnBilledMS += billedMS(r.DurationMS)
			u.LogBytes += r.bytes
		}
	}
	return u
}

// billedMS is Lambda's 1 ms granularity (at least 1 ms).
func billedMS(ms float64) float64 {
	b := float64(int64(ms))
	if b < ms {
		b++
	}
	return max(b, 1)
}
