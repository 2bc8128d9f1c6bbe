// Package logging builds the JSON logger every function, the authorizer
// and the commands use: one line per event, to stdout (CloudWatch Logs in
// AWS). Callers log names, ids and outcomes, never secrets.
package logging

import (
	"io"
	"log/slog"
	"os"
)

// New returns a JSON logger tagged with the component's name.
func New(component string) *slog.Logger {
	return NewTo(os.Stdout, component)
}

// NewTo writes to w (tests capture the logs this way).
func NewTo(w io.Writer, component string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})).With("component", component)
}
