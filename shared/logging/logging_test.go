package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// A line logged with a request's context names the request; one that
// names it already keeps its own; every line is one JSON object with the
// component.
func TestRequestIDFromContext(t *testing.T) {
	var buf bytes.Buffer
	log := NewTo(&buf, "accounts")
	ctx := WithRequestID(context.Background(), "req-1")
	log.WarnContext(ctx, "mail not sent", "account_id", 7)
	log.InfoContext(ctx, "request", "request_id", "explicit")
	log.With("extra", 1).ErrorContext(ctx, "grouped")
	log.Info("no context")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{"req-1", "explicit", "req-1", ""}
	if len(lines) != len(want) {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not JSON: %s", i, l)
		}
		if m["component"] != "accounts" {
			t.Errorf("line %d: component %v", i, m["component"])
		}
		got, _ := m["request_id"].(string)
		if got != want[i] {
			t.Errorf("line %d: request_id %q, want %q", i, got, want[i])
		}
		if strings.Count(l, `"request_id"`) > 1 {
			t.Errorf("line %d names the request twice: %s", i, l)
		}
	}
}

// Once a logger is slog's default, the package-level calls the domain
// makes write the same JSON, with the request id.
func TestDefaultLoggerCarriesRequestID(t *testing.T) {
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	var buf bytes.Buffer
	slog.SetDefault(NewTo(&buf, "accounts"))
	slog.ErrorContext(WithRequestID(context.Background(), "req-2"), "phone change SMS not sent")
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("not JSON: %s", buf.String())
	}
	if m["request_id"] != "req-2" || m["component"] != "accounts" || m["level"] != "ERROR" {
		t.Fatalf("%s", buf.String())
	}
}
