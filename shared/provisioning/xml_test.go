package provisioning

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/png"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
)

// parsed is the XML read back with encoding/xml, independently of the
// renderer's own types.
type parsed struct {
	XMLName  xml.Name
	Sections []struct {
		Name    string `xml:"name,attr"`
		Entries []struct {
			Name      string `xml:"name,attr"`
			Overwrite string `xml:"overwrite,attr"`
			Value     string `xml:",chardata"`
		} `xml:"entry"`
	} `xml:"section"`
}

func parse(t *testing.T, b []byte) parsed {
	t.Helper()
	var p parsed
	dec := xml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b)
	}
	if p.XMLName.Local != "config" || p.XMLName.Space != Namespace {
		t.Fatalf("root %v", p.XMLName)
	}
	return p
}

// flat lists "section/entry=value" lines in document order.
func flat(p parsed) []string {
	var out []string
	for _, s := range p.Sections {
		for _, e := range s.Entries {
			out = append(out, s.Name+"/"+e.Name+"="+e.Value)
		}
	}
	return out
}

func str(s string) *string { return &s }

// TestSpecExample: the example document of FlexiAPI's provisioning
// behaviour, read back.
func TestSpecExample(t *testing.T) {
	ha1 := "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
	a := &account.Account{Username: "john", Domain: "sip.example.com", DisplayName: str("John Doe"),
		Passwords: map[string]string{"SHA-256": ha1}}
	out := Document{VCardURL: "https://flexiapi.example.com/contacts/vcard", Account: a, Realm: "sip.example.com"}.Render()
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?><config xmlns="`+Namespace+`"><section name="misc">`)) {
		t.Fatalf("declaration and root: %s", out)
	}
	if bytes.ContainsAny(out, "\r\n") {
		t.Fatalf("one line: %q", out)
	}
	want := []string{
		"misc/contacts-vcard-list=https://flexiapi.example.com/contacts/vcard",
		`proxy_0/reg_identity="John Doe" <sip:john@sip.example.com>`,
		"auth_info_0/username=john", "auth_info_0/domain=sip.example.com", "auth_info_0/ha1=" + ha1,
		"auth_info_0/realm=sip.example.com", "auth_info_0/algorithm=SHA-256",
	}
	if got := flat(parse(t, out)); !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	for _, s := range parse(t, out).Sections {
		for _, e := range s.Entries {
			if e.Overwrite != "" {
				t.Fatalf("overwrite off: %v", e)
			}
		}
	}
}

// TestEscaping: '&', '<', '>', quotes, apostrophes, newlines and non-ASCII
// text survive a round trip (FlexiAPI answers 500 on a raw '&').
func TestEscaping(t *testing.T) {
	name := `Tom & Jerry <"Ünïcödé" O'Reily> 東京` + "\n2"
	rc, err := ParseRC(strings.NewReader("[sip]\nreg_proxy=<sip:x;transport=tls>&b=1\n[app]\nk=\"quoted\" 'single' ü\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := &account.Account{Username: "tom", Domain: "d.example", DisplayName: &name,
		Passwords: map[string]string{"MD5": "0123", "CLRTXT": "p&ss<word>"}}
	out := Document{RC: rc, VCardURL: "https://x.example/contacts/vcard?a=1&b=2", Account: a, Realm: "R&D", Overwrite: true}.Render()
	if bytes.Contains(out, []byte("& ")) || bytes.Contains(out, []byte("<\"")) {
		t.Fatalf("raw markup characters: %s", out)
	}
	p := parse(t, out)
	want := []string{
		"sip/reg_proxy=<sip:x;transport=tls>&b=1",
		`app/k="quoted" 'single' ü`,
		"misc/contacts-vcard-list=https://x.example/contacts/vcard?a=1&b=2",
		`proxy_0/reg_identity="Tom & Jerry <\"Ünïcödé\" O'Reily> 東京` + "\n2\" <sip:tom@d.example>",
		"auth_info_0/username=tom", "auth_info_0/domain=d.example", "auth_info_0/ha1=0123",
		"auth_info_0/realm=R&D", "auth_info_0/algorithm=MD5",
		"auth_info_1/username=tom", "auth_info_1/domain=d.example", "auth_info_1/ha1=p&ss<word>",
		"auth_info_1/realm=R&D", "auth_info_1/algorithm=CLRTXT",
	}
	if got := flat(p); !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	for _, s := range p.Sections {
		for _, e := range s.Entries {
			if e.Overwrite != "true" {
				t.Fatalf("ACCOUNT_PROVISIONING_OVERWRITE_ALL: %v", e)
			}
		}
	}
}

// TestRCMerge: the RC file's proxy_0 and auth_info_0 are completed and
// moved to the end; an RC misc section stays and a new one is appended.
func TestRCMerge(t *testing.T) {
	rc, err := ParseRC(strings.NewReader(`
# comment
orphan=ignored
[proxy_0]
reg_expires = 3600
[misc]
; another comment
log=yes
[auth_info_0]
userid=x
[proxy_0]
reg_expires=600
publish=1
`))
	if err != nil {
		t.Fatal(err)
	}
	a := &account.Account{Username: "u", Domain: "d", Passwords: map[string]string{"SHA-256": "h"}}
	got := flat(parse(t, Document{RC: rc, VCardURL: "V", Account: a, Realm: "d"}.Render()))
	want := []string{
		"misc/log=yes",
		"misc/contacts-vcard-list=V",
		"proxy_0/reg_expires=600", "proxy_0/publish=1", "proxy_0/reg_identity=<sip:u@d>",
		"auth_info_0/userid=x", "auth_info_0/username=u", "auth_info_0/domain=d", "auth_info_0/ha1=h",
		"auth_info_0/realm=d", "auth_info_0/algorithm=SHA-256",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	// The parsed file is not changed by rendering (it is shared).
	if len(rc[0].Entries) != 2 || len(rc[2].Entries) != 1 {
		t.Fatalf("rendering changed the RC sections: %v", rc)
	}
	// Without an account: the RC and misc only, no ha1.
	base := Document{RC: rc, VCardURL: "V"}.Render()
	if bytes.Contains(base, []byte("ha1")) || bytes.Contains(base, []byte("reg_identity")) {
		t.Fatalf("base provisioning: %s", base)
	}
}

// TestQRPNG decodes the PNG with an independent QR reader.
func TestQRPNG(t *testing.T) {
	text := "https://flexiapi.example.com/provisioning/Abc123XYZ0000?reset_password=1"
	b, err := QRPNG(text)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, QRSize, QRSize) {
		t.Fatalf("size %v", got)
	}
	if got := decodeQR(t, img); got != text {
		t.Fatalf("decoded %q", got)
	}
	// Random tokens: every code must decode to its URL.
	for i := 0; i < 40; i++ {
		text := "https://flexiapi.example.com/provisioning/" + auth.Random(13) + "?reset_password=1"
		b, err := QRPNG(text)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, img); got != text {
			t.Fatalf("decoded %q, want %q", got, text)
		}
	}
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// The image is a pure barcode (upright, square modules, quiet zone):
	// without this hint gozxing's detector fails on about one code in a
	// hundred, codes that zbarimg reads without any hint.
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatal(err)
	}
	if ec := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL]; ec != "H" {
		t.Fatalf("error correction level %v, want H", ec)
	}
	return res.GetText()
}

func TestPlausibleToken(t *testing.T) {
	for tok, ok := range map[string]bool{"Abc123": true, "": false, "me/x": false, "a b": false, strings.Repeat("a", TokenLength): true,
		strings.Repeat("a", TokenLength+1): false, "é": false} {
		if plausibleToken(tok) != ok {
			t.Errorf("%q: want %v", tok, ok)
		}
	}
}

// TestRCFromConfiguration: ACCOUNT_PROVISIONING_RC_FILE is a path, or the
// linphonerc itself when it holds a line break; a missing file is ignored.
func TestRCFromConfiguration(t *testing.T) {
	path := t.TempDir() + "/linphonerc"
	if err := os.WriteFile(path, []byte("[sip]\nx=file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for value, want := range map[string]string{
		path:                          "file",
		"[sip]\nx=inline\n":           "inline",
		"[sip]\r\nx=crlf":             "crlf",
		t.TempDir() + "/missing-file": "",
		"":                            "",
	} {
		s := &Service{rcPath: value}
		rc, err := s.rcSections()
		if err != nil {
			t.Fatalf("%q: %v", value, err)
		}
		got := ""
		if len(rc) == 1 && len(rc[0].Entries) == 1 {
			got = rc[0].Entries[0].Value
		}
		if got != want {
			t.Errorf("%q: got %q, want %q (%v)", value, got, want, rc)
		}
	}
}
