package registrar

import (
	"testing"
	"time"
)

// A registration as Flexisip's Redis registrar stores it (serialised
// extended contact: URI params, percent-encoded URI headers, contact params).
const flexisipContact = `<sip:bob@192.0.2.10:5060;transport=tcp;fs-conn-id=1a2b;callid=Zm9vYmFy;expires=3600;cseq=21;updatedAt=1711361472;alias=no;usedAsRoute=no` +
	`?Path=%3Csip%3Aflexisip.example.org%3Btransport%3Dtcp%3Blr%3E&Accept=application%2Fsdp&User-Agent=LinphoneAndroid%2F5.2.0%20(Pixel%207)%20LinphoneSDK%2F5.3.0%20(tags%2Frelease)>` +
	`;+sip.instance="<urn:uuid:0f6c4a2e-1111-2222-3333-444455556666>";+org.linphone.specs="lime,groupchat";expires=3600`

func TestParseFlexisipContact(t *testing.T) {
	c, ok := ParseContact(`"<urn:uuid:0f6c4a2e-1111-2222-3333-444455556666>"`, flexisipContact)
	if !ok {
		t.Fatal("a Flexisip contact did not parse")
	}
	if c.UUID != "urn:uuid:0f6c4a2e-1111-2222-3333-444455556666" {
		t.Errorf("uuid %q", c.UUID)
	}
	if !c.UpdatedAt.Equal(time.Unix(1711361472, 0)) {
		t.Errorf("updated at %v", c.UpdatedAt)
	}
	if want := "LinphoneAndroid/5.2.0 (Pixel 7) LinphoneSDK/5.3.0 (tags/release)"; !c.HasUserAgent || c.UserAgent != want {
		t.Errorf("user agent %q, want %q", c.UserAgent, want)
	}
}

func TestParseKeepsWhatFlexiAPIMangles(t *testing.T) {
	// '+', '=' and ';' inside the User-Agent: FlexiAPI's split on ';' and
	// '=' after URL-decoding loses them (or the whole entry).
	v := `<sip:alice@198.51.100.7;updatedAt=1700000000?User-Agent=App%2B%2B%2F1.0%20a%3Db%3Bc>;+sip.instance="<urn:uuid:abc>"`
	c, ok := ParseContact("", v)
	if !ok || c.UserAgent != "App++/1.0 a=b;c" || c.UUID != "urn:uuid:abc" {
		t.Fatalf("got %+v ok=%v", c, ok)
	}
}

func TestParseFallsBackToTheFieldForTheInstance(t *testing.T) {
	c, ok := ParseContact(`"<urn:uuid:from-field>"`, `<sip:a@h;updatedAt=5>`)
	if !ok || c.UUID != "urn:uuid:from-field" || c.HasUserAgent {
		t.Fatalf("got %+v ok=%v", c, ok)
	}
}

func TestParseRefusesUnusableEntries(t *testing.T) {
	for name, v := range map[string]string{
		"empty":             ``,
		"garbage":           `%%%;;;===`,
		"no updatedAt":      `<sip:a@h;expires=3600>;+sip.instance="<urn:uuid:x>"`,
		"updatedAt not int": `<sip:a@h;updatedAt=soon>;+sip.instance="<urn:uuid:x>"`,
		"negative time":     `<sip:a@h;updatedAt=-4>;+sip.instance="<urn:uuid:x>"`,
		"no instance":       `<sip:a@h;updatedAt=5>;expires=3600`,
		"unterminated":      `<sip:a@h;updatedAt=5;+sip.instance="<urn:uuid:x>"`,
	} {
		if c, ok := ParseContact("not-an-instance", v); ok {
			t.Errorf("%s: parsed as %+v", name, c)
		}
	}
}

func FuzzParseContact(f *testing.F) {
	f.Add(`"<urn:uuid:x>"`, flexisipContact)
	f.Add("", `<sip:a@h;updatedAt=5>;+sip.instance="<urn:uuid:x>"`)
	f.Fuzz(func(t *testing.T, field, value string) {
		c, ok := ParseContact(field, value)
		if ok && c.UUID == "" {
			t.Fatal("a parsed device has no uuid")
		}
	})
}
