package stats

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func TestParseISODate(t *testing.T) {
	utc := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for in, want := range map[string]time.Time{
		"2023-07-17T12:34:56Z":           utc("2023-07-17T12:34:56Z"),
		"2023-07-17T12:34:56+02:00":      utc("2023-07-17T10:34:56Z"), // converted, not dropped
		"2023-07-17T12:34:56-0130":       utc("2023-07-17T14:04:56Z"),
		"2023-07-17T12:34:56+02":         utc("2023-07-17T10:34:56Z"),
		"2023-07-17T12:34:56.123Z":       utc("2023-07-17T12:34:56Z"),
		"2023-07-17T12:34:56,5+02:00":    utc("2023-07-17T10:34:56Z"), // FlexiAPI: 500
		"2023-07-17 12:34:56":            utc("2023-07-17T12:34:56Z"),
		"2023-07-17":                     utc("2023-07-17T00:00:00Z"),
		"2023-07-17T12:34":               utc("2023-07-17T12:34:00Z"),
		"2024-02-29T00:00:00Z":           utc("2024-02-29T00:00:00Z"),
		"2023-12-31T23:30:00-01:00":      utc("2024-01-01T00:30:00Z"),
		"2023-07-17T12:34:56.999999999Z": utc("2023-07-17T12:34:56Z"),
	} {
		got, ok := ParseISODate(in)
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%q: %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "bad_date", "2023", "20230717", "202307", "2023-13-01", "2023-02-30", "2023-0717",
		"2023-07-17T12:34:5", "2023-07-17t12:34:56", "2023-07-17T12:34:56 +02:00", "2023-07-17T24:00", "2023-W29-1",
		"2023-198", "2023-07-17T", "2023-07-17T12:34:56+2", "2023-07-17T12:34:56+24:00", "2023-07-17T12:60"} {
		if got, ok := ParseISODate(in); ok {
			t.Errorf("%q accepted as %v", in, got)
		}
	}
}

// TestOutcomes: the outcome of a call from the states its devices
// reported (as the store keeps them: StateMarks), and its ended_at. A
// call no device reported an end for is in progress, not missed.
func TestOutcomes(t *testing.T) {
	ended := time.Date(2024, 3, 25, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		states string
		ended  bool
		want   string
	}{
		{"", false, OutcomeInProgress},
		{"", true, OutcomeMissed},
		{"declined", false, OutcomeMissed},
		{"error", false, OutcomeFailed},
		{"error,accepted", false, OutcomeAnswered},
		{"accepted", false, OutcomeAnswered}, // answered, still going on
		{"canceled,accepted_elsewhere", false, OutcomeMissed},
	} {
		call := Call{}
		if c.ended {
			call.EndedAt = &ended
		}
		if c.states != "" {
			for _, s := range splitComma(c.states) {
				for _, m := range StateMarks(s) {
					if !slices.Contains(call.States, m) {
						call.States = append(call.States, m)
					}
				}
			}
		}
		if got := call.Outcome(); got != c.want {
			t.Errorf("%q (ended %v): %s, want %s", c.states, c.ended, got, c.want)
		}
	}
	for _, c := range []struct {
		statuses []int64
		want     string
	}{{nil, OutcomePending}, {[]int64{408}, OutcomeFailed}, {[]int64{408, 202}, OutcomeDelivered}, {[]int64{200}, OutcomeDelivered}} {
		m := Message{Statuses: c.statuses}
		if got := m.Outcome(); got != c.want {
			t.Errorf("%v: %s, want %s", c.statuses, got, c.want)
		}
		// The classes the store keeps classify as the raw values.
		m.Statuses = nil
		for _, s := range c.statuses {
			m.Statuses = append(m.Statuses, OutcomeStatus(s))
		}
		if got := m.Outcome(); got != c.want {
			t.Errorf("classes of %v: %s, want %s", c.statuses, got, c.want)
		}
	}
	for s, want := range map[int64]int64{200: 200, 202: 200, 299: 200, 180: 0, 300: 0, 408: 0, 486: 0, 503: 0, 603: 0} {
		if got := OutcomeStatus(s); got != want {
			t.Errorf("OutcomeStatus(%d) = %d, want %d", s, got, want)
		}
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func TestSplitAddress(t *testing.T) {
	for in, want := range map[string][2]string{"alice@example.org": {"alice", "example.org"}, "sip:alice@example.org": {"sip:alice", "example.org"},
		"@host": {"", "host"}, "a@b@c": {"a", "b"}} {
		u, d, ok := SplitAddress(in)
		if !ok || u != want[0] || d != want[1] {
			t.Errorf("%q: %q %q %v", in, u, d, ok)
		}
	}
	if _, _, ok := SplitAddress("alice"); ok {
		t.Error("no @ must be refused")
	}
}

func TestAsInteger(t *testing.T) {
	for v, want := range map[any]bool{json.Number("200"): true, "200": true, json.Number("200.5"): false, "abc": false,
		true: false, json.Number("99999999999"): false, "-1": true} {
		if _, ok := AsInteger(v); ok != want {
			t.Errorf("%v: %v", v, ok)
		}
	}
}

func TestPeriodCheck(t *testing.T) {
	d := func(s string) time.Time { v, _ := ParseISODate(s); return v }
	if (Period{From: d("2024-03-25"), To: d("2024-03-25")}).Check() == nil {
		t.Error("an empty period must be refused")
	}
	if (Period{From: d("2024-01-01"), To: d("2024-03-01"), ByHour: true}).Check() == nil {
		t.Error("an hourly series over 31 days must be refused")
	}
	if err := (Period{From: d("2024-01-01"), To: d("2025-01-01")}).Check(); err != nil {
		t.Error(err)
	}
}
