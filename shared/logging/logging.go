// Package logging builds the JSON logger every function, the authorizer
// and the commands use: one line per event, to stdout (CloudWatch Logs in
// AWS). Callers log names, ids and outcomes, never secrets.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// New returns a JSON logger tagged with the component's name.
func New(component string) *slog.Logger {
	return NewTo(os.Stdout, component)
}

// NewTo writes to w (tests capture the logs this way). A line logged with
// a context that carries a request id (WithRequestID) gets it as
// request_id, so the domain's slog.*Context calls name their request.
func NewTo(w io.Writer, component string) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})
	return slog.New(requestHandler{h}).With("component", component)
}

// Printf writes a third-party library's printf-style message (go-redis,
// the AWS SDK) as a JSON line of slog's default logger, with the request
// id ctx carries, rather than as plain text.
func Printf(ctx context.Context, level slog.Level, library, format string, args ...any) {
	slog.Default().Log(ctx, level, library, "detail", fmt.Sprintf(format, args...))
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id that the lines logged
// with it name.
func WithRequestID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestHandler adds request_id from the context, unless the line already
// names one.
type requestHandler struct{ slog.Handler }

func (h requestHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" && !hasAttr(r, "request_id") {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestHandler) WithGroup(name string) slog.Handler {
	return requestHandler{h.Handler.WithGroup(name)}
}

func hasAttr(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}
