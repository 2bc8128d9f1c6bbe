// Package vcard renders the vCard 4.0 contact export of GET /contacts/vcard
// as RFC 6350 asks (FlexiAPI does not): CRLF line endings,
// text values escaped, through github.com/emersion/go-vcard, with
// FlexiAPI's X-LINPHONE-* properties.
package vcard

import (
	"bytes"
	"strings"

	govcard "github.com/emersion/go-vcard"
)

// ContentType is the answer's media type (RFC 6350's; FlexiAPI sends
// text/html).
const ContentType = "text/vcard; charset=utf-8"

// FlexiAPI's extension properties.
const (
	PropDTMFProtocol = "X-LINPHONE-ACCOUNT-DTMF-PROTOCOL"
	PropType         = "X-LINPHONE-ACCOUNT-TYPE"
	PropAction       = "X-LINPHONE-ACCOUNT-ACTION"
)

// Action is one account action (key and DTMF code).
type Action struct {
	Key, Code string
}

// Contact is what one card shows of an account.
type Contact struct {
	Username, Domain string
	DisplayName      *string
	DTMFProtocol     *string
	// Types are the attached account types' keys, in type id order.
	Types []string
	// Actions, in action id order. FlexiAPI shows none while the
	// account has no DTMF protocol; Card applies it.
	Actions []Action
}

// SIP is the contact's address without scheme (user@domain).
func (c Contact) SIP() string { return c.Username + "@" + c.Domain }

// oneLine keeps a value on its logical line: a CR or CRLF becomes LF,
// which the encoder writes as "\n" (RFC 6350, section 3.4); a raw CR
// would end the content line.
var oneLine = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// Card builds a contact's card: KIND individual, IMPP its SIP address, FN
// its display name (or user@domain without one), the DTMF protocol, one
// type property per type, and one action property per action while a DTMF
// protocol is set. Actions are "key;code", not escaped (as FlexiAPI): Linphone
// splits them on ';', and keys and codes are alpha-numeric by validation.
func Card(c Contact) govcard.Card {
	card := govcard.Card{}
	add := func(name, value string) {
		card.Add(name, &govcard.Field{Value: oneLine.Replace(value)})
	}
	add(govcard.FieldVersion, "4.0")
	add(govcard.FieldKind, string(govcard.KindIndividual))
	add(govcard.FieldIMPP, "sip:"+c.SIP())
	fn := c.SIP()
	if c.DisplayName != nil && *c.DisplayName != "" {
		fn = *c.DisplayName
	}
	add(govcard.FieldFormattedName, fn)
	hasDTMF := c.DTMFProtocol != nil && *c.DTMFProtocol != ""
	if hasDTMF {
		add(PropDTMFProtocol, *c.DTMFProtocol)
	}
	for _, t := range c.Types {
		add(PropType, t)
	}
	if hasDTMF {
		for _, a := range c.Actions {
			add(PropAction, a.Key+";"+a.Code)
		}
	}
	return card
}

// Render writes the cards one after another; no contact, no byte.
func Render(contacts []Contact) []byte {
	var b bytes.Buffer
	enc := govcard.NewEncoder(&b)
	for _, c := range contacts {
		if err := enc.Encode(Card(c)); err != nil {
			// Writing to a buffer a card that has a VERSION cannot fail.
			panic("vcard: " + err.Error())
		}
	}
	return b.Bytes()
}
