package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"
)

// A dependency that fails or does not answer in time is a JSON 503
// "Service Unavailable", answered before the function's own deadline; any
// other handler error stays a 500.
func TestDependencyFailureIs503(t *testing.T) {
	tb := testTable(t)
	var fail func(ctx context.Context) error
	handlers := map[string]Handler{}
	for _, r := range tb.Group("g") {
		handlers[r.Handler] = func(ctx context.Context, _ *Request) (*Response, error) { return nil, fail(ctx) }
	}
	rt, err := NewRouter(tb, "g", handlers, RouterOptions{Schemas: Schemas{"create": {}},
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	cases := []struct {
		name   string
		fail   func(ctx context.Context) error
		status int
		msg    string
	}{
		{"a dependency past the deadline", func(ctx context.Context) error {
			<-ctx.Done()
			return fmt.Errorf("get account: %w", ctx.Err())
		}, 503, MsgUnavailable},
		{"an error that hides the deadline", func(ctx context.Context) error {
			<-ctx.Done()
			return errors.New("operation error DynamoDB: GetItem: request canceled")
		}, 503, MsgUnavailable},
		{"a dependency refusing connections", func(context.Context) error {
			return fmt.Errorf("send SMS: %w", refused)
		}, 503, MsgUnavailable},
		{"a bug", func(context.Context) error { return errors.New("nil map") }, 500, "Server Error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fail = c.fail
			ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
			defer cancel()
			resp := rt.Serve(ctx, "/api/ping", nil, &Request{Method: "GET", Path: "/api/ping"})
			if ctx.Err() != nil {
				t.Fatal("the router answered after the function's deadline")
			}
			var body map[string]string
			if err := json.Unmarshal(resp.Body, &body); err != nil || resp.Status != c.status || body["message"] != c.msg {
				t.Fatalf("%d %s, want %d %q", resp.Status, resp.Body, c.status, c.msg)
			}
		})
	}
}

// The margin is a quarter of the time left, at most a second.
func TestAnswerContext(t *testing.T) {
	for left, margin := range map[time.Duration]time.Duration{400 * time.Millisecond: 100 * time.Millisecond, 30 * time.Second: time.Second} {
		parent, cancel := context.WithTimeout(context.Background(), left)
		dl, _ := parent.Deadline()
		ctx, cancel2 := AnswerContext(parent)
		got, ok := ctx.Deadline()
		cancel2()
		cancel()
		if d := dl.Sub(got); !ok || d < margin-10*time.Millisecond || d > margin {
			t.Errorf("%s left: margin %s, want %s", left, d, margin)
		}
	}
	ctx, cancel := AnswerContext(context.Background())
	defer cancel()
	if _, ok := ctx.Deadline(); ok {
		t.Error("no deadline, no margin")
	}
}
