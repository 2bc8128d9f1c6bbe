package account

import "testing"

// One visibility rule for every lookup: "" sees every domain; otherwise a
// domain is visible when it folds to the scope, as the store's lowercase
// keys do.
func TestVisible(t *testing.T) {
	cases := []struct {
		domain, scope string
		want          bool
	}{
		{"sip.example.org", "", true},
		{"SIP.Example.org", "sip.example.org", true},
		{"other.example.org", "sip.example.org", false},
		{"ÉCOLE.example.org", "école.example.org", true},
		{"sip.example.org", "sip.example.org.", false},
	}
	for _, c := range cases {
		if got := Visible(c.domain, c.scope); got != c.want {
			t.Errorf("Visible(%q, %q) = %v, want %v", c.domain, c.scope, got, c.want)
		}
	}
}
