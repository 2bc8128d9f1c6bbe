package auth

import "testing"

func TestSecretMatches(t *testing.T) {
	current, previous := "c2VjcmV0LWN1cnJlbnQtMzItY2hhcmFjdGVycy4u", "c2VjcmV0LXByZXZpb3VzLTMyLWNoYXJhY3RlcnMu"
	for _, c := range []struct {
		name      string
		presented string
		secrets   []string
		want      bool
	}{
		{"current", current, []string{current, previous}, true},
		{"previous during a rotation", previous, []string{current, previous}, true},
		{"previous after the rotation", previous, []string{current}, false},
		{"wrong", current + "x", []string{current, previous}, false},
		{"prefix", current[:10], []string{current}, false},
		{"missing", "", []string{current}, false},
		{"none configured", current, nil, false},
		{"empty configured", "", []string{""}, false},
	} {
		if got := SecretMatches(c.presented, c.secrets); got != c.want {
			t.Errorf("%s: SecretMatches = %v, want %v", c.name, got, c.want)
		}
	}
}
