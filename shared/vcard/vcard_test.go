package vcard

import (
	"reflect"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

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
	// Read back by an independent RFC 6350 reader, not by go-vcard.
	cards, err := devstack.ParseVCards(body, PropAction)
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
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
			t.Errorf("card %d: VERSION must come first (RFC 6350, section 6.7.9): %v", i, card)
		}
		if got := devstack.VCardValues(card); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("card %d:\n got %q\nwant %q", i, got, want[i])
		}
	}
	if Render(nil) != nil && len(Render(nil)) != 0 {
		t.Fatalf("no contact, no byte")
	}
}
