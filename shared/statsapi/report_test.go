package statsapi

import "testing"

func TestInertCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"alice@sip.example.org":          "alice@sip.example.org",
		"=HYPERLINK(\"http://x\",\"a\")": "'=HYPERLINK(\"http://x\",\"a\")",
		"+cmd|' /C calc'!A0":             "'+cmd|' /C calc'!A0",
		"-2+3":                           "'-2+3",
		"@SUM(A1)":                       "'@SUM(A1)",
		"\tx":                            "'\tx",
		"-12":                            "-12",
		"+33612345678":                   "+33612345678",
		"2026-12-03T09:00:00Z":           "2026-12-03T09:00:00Z",
	} {
		if got := inertCell(in); got != want {
			t.Errorf("inertCell(%q) = %q, want %q", in, got, want)
		}
	}
}
