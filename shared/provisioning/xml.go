// Package provisioning is Linphone remote provisioning:
// the XML a Linphone app downloads, the QR code that carries its URL, the
// linphonerc merged into it, and the flows that resolve an account from a
// provisioning token, an auth token or the authenticated caller.
package provisioning

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Namespace is the root element's namespace (lpconfig.xsd).
const Namespace = "http://www.linphone.org/xsds/lpconfig.xsd"

// ContentType is FlexiAPI's header, exactly.
const ContentType = "application/xml"

// Document is what one provisioning answer contains.
type Document struct {
	// RC is the parsed ACCOUNT_PROVISIONING_RC_FILE (may be empty).
	RC []Section
	// VCardURL is {base}/contacts/vcard (APP_URL or the request's URL), always given to the app.
	VCardURL string
	// Account is the provisioned account; nil for GET /provisioning.
	Account *account.Account
	// Realm is ACCOUNT_REALM, or the account's domain.
	Realm string
	// Overwrite is ACCOUNT_PROVISIONING_OVERWRITE_ALL.
	Overwrite bool
}

type xmlConfig struct {
	XMLName  xml.Name     `xml:"config"`
	Xmlns    string       `xml:"xmlns,attr"`
	Sections []xmlSection `xml:"section"`
}

type xmlSection struct {
	Name    string     `xml:"name,attr"`
	Entries []xmlEntry `xml:"entry"`
}

type xmlEntry struct {
	Name      string `xml:"name,attr"`
	Overwrite string `xml:"overwrite,attr,omitempty"`
	Value     string `xml:",chardata"`
}

// Sections builds the document's sections in FlexiAPI's order: the RC
// file's sections, a "misc" section with the vCard list URL (always a new
// one, as FlexiAPI), then, for an account, "proxy_0" and one
// "auth_info_N" per password. An RC section of those
// names is completed and moved to the end, as FlexiAPI does.
func (d Document) Sections() []Section {
	sections := cloneSections(d.RC)
	sections = append(sections, Section{Name: "misc", Entries: []Entry{{Name: "contacts-vcard-list", Value: d.VCardURL}}})
	a := d.Account
	if a == nil {
		return sections
	}
	var proxy Section
	sections, proxy = take(sections, "proxy_0")
	proxy.Entries = append(proxy.Entries, Entry{Name: "reg_identity", Value: RegIdentity(a)})
	sections = append(sections, proxy)
	for i, alg := range a.PasswordAlgorithms() {
		var auth Section
		sections, auth = take(sections, "auth_info_"+strconv.Itoa(i))
		auth.Entries = append(auth.Entries,
			Entry{Name: "username", Value: a.Username},
			Entry{Name: "domain", Value: a.Domain},
			// The stored value: the HA1 for MD5 and SHA-256, the clear
			// text for a CLRTXT row (FlexiAPI does the same).
			Entry{Name: "ha1", Value: a.Passwords[alg]},
			Entry{Name: "realm", Value: d.Realm},
			Entry{Name: "algorithm", Value: alg},
		)
		sections = append(sections, auth)
	}
	return sections
}

// take removes the first section of that name, or returns a new one.
func take(sections []Section, name string) ([]Section, Section) {
	for i, s := range sections {
		if s.Name == name {
			return append(sections[:i:i], sections[i+1:]...), s
		}
	}
	return sections, Section{Name: name}
}

// RegIdentity is `"Display Name" <sip:user@domain>`, or `<sip:user@domain>`
// without a display name. A quote or backslash in the name is escaped as
// a SIP quoted-pair (FlexiAPI writes it raw, which breaks the address).
func RegIdentity(a *account.Account) string {
	addr := "<sip:" + a.Username + "@" + a.Domain + ">"
	if a.DisplayName == nil || *a.DisplayName == "" {
		return addr
	}
	name := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(*a.DisplayName)
	return `"` + name + `" ` + addr
}

// Render writes the XML: an XML declaration saying UTF-8 (ours: FlexiAPI
// writes none), then the <config> element on one line. encoding/xml
// escapes every text and attribute value (FlexiAPI's builder fails with a
// 500 on a raw '&').
func (d Document) Render() []byte {
	doc := xmlConfig{Xmlns: Namespace}
	overwrite := ""
	if d.Overwrite {
		overwrite = "true"
	}
	for _, s := range d.Sections() {
		xs := xmlSection{Name: s.Name, Entries: make([]xmlEntry, len(s.Entries))}
		for i, e := range s.Entries {
			xs.Entries[i] = xmlEntry{Name: e.Name, Overwrite: overwrite, Value: e.Value}
		}
		doc.Sections = append(doc.Sections, xs)
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	if err := xml.NewEncoder(&b).Encode(doc); err != nil {
		// Only strings go in: encoding them cannot fail.
		panic("provisioning: encode XML: " + err.Error())
	}
	return b.Bytes()
}
