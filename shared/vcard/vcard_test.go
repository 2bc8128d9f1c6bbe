package vcard

import (
	"reflect"
	"strings"
	"testing"
)

// prop is one content line read back: name and unescaped value.
type prop struct{ Name, Value string }

// parseCards is a small RFC 6350 reader written for this test, independent
// of the library that renders: CRLF lines (a bare LF is an error), lines
// unfolded (§3.2), "name[;params]:value", text values unescaped (§3.4:
// \\ \, \; \n \N). rawNames are kept as written (D27's actions).
func parseCards(t *testing.T, body string, rawNames ...string) [][]prop {
	t.Helper()
	if body == "" {
		return nil
	}
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("the last line must end with CRLF: %q", body)
	}
	raw := map[string]bool{}
	for _, n := range rawNames {
		raw[n] = true
	}
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	var unfolded []string
	for _, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("bare CR or LF inside a line: %q", l)
		}
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(unfolded) > 0 {
			unfolded[len(unfolded)-1] += l[1:]
			continue
		}
		unfolded = append(unfolded, l)
	}
	var cards [][]prop
	var cur []prop
	for _, l := range unfolded {
		colon := strings.IndexByte(l, ':')
		if colon <= 0 {
			t.Fatalf("no name: %q", l)
		}
		name := strings.ToUpper(l[:colon])
		if semi := strings.IndexByte(name, ';'); semi >= 0 {
			name = name[:semi]
		}
		value := l[colon+1:]
		switch {
		case name == "BEGIN" && strings.EqualFold(value, "VCARD"):
			if cur != nil {
				t.Fatalf("nested BEGIN")
			}
			cur = []prop{}
			continue
		case name == "END" && strings.EqualFold(value, "VCARD"):
			cards = append(cards, cur)
			cur = nil
			continue
		case cur == nil:
			t.Fatalf("property outside a card: %q", l)
		}
		if !raw[name] {
			value = unescape(t, value)
		}
		cur = append(cur, prop{name, value})
	}
	if cur != nil {
		t.Fatalf("unterminated card")
	}
	return cards
}

func unescape(t *testing.T, v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ',' {
			t.Fatalf("unescaped comma in a text value: %q", v)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(v) {
			t.Fatalf("dangling backslash: %q", v)
		}
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ',', ';':
			b.WriteByte(v[i])
		default:
			t.Fatalf("unknown escape \\%c in %q", v[i], v)
		}
	}
	return b.String()
}

// byName indexes a card's properties (values in order).
func byName(card []prop) map[string][]string {
	out := map[string][]string{}
	for _, p := range card {
		out[p.Name] = append(out[p.Name], p.Value)
	}
	return out
}

func str(s string) *string { return &s }

func TestRenderRoundTrip(t *testing.T) {
	hard := "Martin, Alice; \\the\\ \"A\"\r\nÉlodie 東京\rend"
	contacts := []Contact{
		{Username: "alice", Domain: "sip.example.com", DisplayName: &hard, DTMFProtocol: str("sipinfo"),
			Types: []string{"phone", "door"}, Actions: []Action{{"open", "1234"}, {"close", "99"}}},
		{Username: "bob", Domain: "sip.example.com"},
		{Username: "carol", Domain: "sip.example.com", DisplayName: str(""), Types: []string{"phone"},
			Actions: []Action{{"open", "1"}}}, // no DTMF protocol: no action shown
	}
	body := string(Render(contacts))
	cards := parseCards(t, body, PropAction)
	if len(cards) != 3 {
		t.Fatalf("%d cards:\n%s", len(cards), body)
	}
	want := []map[string][]string{
		{
			"VERSION": {"4.0"}, "KIND": {"individual"}, "IMPP": {"sip:alice@sip.example.com"},
			"FN":             {"Martin, Alice; \\the\\ \"A\"\nÉlodie 東京\nend"},
			PropDTMFProtocol: {"sipinfo"}, PropType: {"phone", "door"}, PropAction: {"open;1234", "close;99"},
		},
		{"VERSION": {"4.0"}, "KIND": {"individual"}, "IMPP": {"sip:bob@sip.example.com"}, "FN": {"bob@sip.example.com"}},
		{"VERSION": {"4.0"}, "KIND": {"individual"}, "IMPP": {"sip:carol@sip.example.com"}, "FN": {"carol@sip.example.com"},
			PropType: {"phone"}},
	}
	for i, card := range cards {
		if card[0].Name != "VERSION" {
			t.Errorf("card %d: VERSION must come first (RFC 6350 §6.7.9): %v", i, card)
		}
		if got := byName(card); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("card %d:\n got %q\nwant %q", i, got, want[i])
		}
	}
	if Render(nil) != nil && len(Render(nil)) != 0 {
		t.Fatalf("no contact, no byte")
	}
}
