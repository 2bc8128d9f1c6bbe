package api

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUserAgentBounded: a stored User-Agent is cut to FlexiAPI's column
// size, in characters, never inside a character.
func TestUserAgentBounded(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int // characters
	}{
		{"", 0}, {"Linphone/5.1", 12}, {strings.Repeat("a", 255), 255}, {strings.Repeat("a", 256), 255},
		{strings.Repeat("é", 300), 255}, {strings.Repeat("x", 450_000), 255},
	} {
		r := &Request{Header: http.Header{"User-Agent": {c.in}}}
		got := r.UserAgent()
		if utf8.RuneCountInString(got) != c.want || !utf8.ValidString(got) || !strings.HasPrefix(c.in, got) {
			t.Errorf("%d bytes: %d characters (valid %v), want %d", len(c.in), utf8.RuneCountInString(got), utf8.ValidString(got), c.want)
		}
	}
}
