package devstack

import (
	"reflect"
	"testing"
)

func TestParseVCards(t *testing.T) {
	// RFC 6350's folding (section 3.2) and escapes (section 3.4), written by hand.
	body := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Martin\\, Alice\\; \\\\x\\ny\r\nNOTE:long\r\n  line\r\nX-A:k;c\r\nEND:VCARD\r\n"
	cards, err := ParseVCards(body, "X-A")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"VERSION": {"4.0"}, "FN": {"Martin, Alice; \\x\ny"}, "NOTE": {"long line"}, "X-A": {"k;c"}}
	if len(cards) != 1 || !reflect.DeepEqual(VCardValues(cards[0]), want) {
		t.Fatalf("%q", cards)
	}
	for _, bad := range []string{
		"BEGIN:VCARD\nEND:VCARD\n",                 // LF only
		"BEGIN:VCARD\r\nFN:a,b\r\nEND:VCARD\r\n",   // unescaped comma
		"BEGIN:VCARD\r\nFN:a\\qb\r\nEND:VCARD\r\n", // unknown escape
		"BEGIN:VCARD\r\nFN:a\r\n",                  // no END
		"BEGIN:VCARD\r\nFN:a\rb\r\nEND:VCARD\r\n",  // bare CR
		"BEGIN:VCARD\r\nEND:VCARD\r\nFN:x\r\n",     // outside a card
	} {
		if _, err := ParseVCards(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
