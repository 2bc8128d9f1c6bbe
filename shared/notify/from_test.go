package notify

import (
	"testing"
)

func TestFromHeader(t *testing.T) {
	for name, want := range map[string]string{
		"":                "a@b.c",
		"Account Manager": "Account Manager <a@b.c>",
	} {
		if got := FromHeader("a@b.c", name); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}
