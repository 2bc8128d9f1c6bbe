package flexiapidb

import (
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	cfg, where, err := parseURL("mysql://flexi:s%40cret@db.example.org/flexiapi?tls=skip-verify&allowCleartextPasswords=true&timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "flexi" || cfg.Passwd != "s@cret" || cfg.Addr != "db.example.org:3306" || cfg.DBName != "flexiapi" || cfg.TLSConfig != "skip-verify" ||
		!cfg.AllowCleartextPasswords || cfg.Timeout != 3*time.Second {
		t.Fatalf("%+v", cfg)
	}
	if where != "db.example.org:3306/flexiapi" {
		t.Fatalf("where %q", where)
	}
	for _, bad := range []string{
		"postgres://u:p@h/db", "mysql://u:p@h", "mysql://u:p@h/", "mysql://h:3306/db", "u:p@tcp(h)/db",
		"mysql://u:topsecret@h/db?time_zone=%27%2B00%3A00%27", "mysql://u:topsecret@h/db?Time_Zone=UTC", "mysql://u:topsecret@h/db?tls=bogus", "mysql://u:topsecret@h/db?parseTime=true",
	} {
		_, _, err := parseURL(bad)
		if err == nil {
			t.Errorf("%q: accepted", bad)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "topsecret") || strings.Contains(msg, "\n") || !strings.Contains(msg, Example) {
			t.Errorf("%q: %q (want one line, with the expected form, without the password)", bad, msg)
		}
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-25 10:11:12":        "2024-03-25T10:11:12Z",
		"2024-03-25 10:11:12.500000": "2024-03-25T10:11:12.5Z",
		"2024-03-25":                 "2024-03-25T00:00:00Z",
	} {
		got, ok := parseTime(in)
		if !ok || got.Format("2006-01-02T15:04:05.999999999Z07:00") != want {
			t.Errorf("%q: %v %v, want %s", in, got, ok, want)
		}
	}
	if _, ok := parseTime("0000-00-00 00:00:00"); ok {
		t.Error("a zero date parsed")
	}
}
