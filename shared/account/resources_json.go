package account

import (
	"strconv"

	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
)

// TypeRef is an account type attached to an account, as the account JSON
// shows it: {"id":1,"key":"phone"}.
type TypeRef struct {
	ID  int64
	Key string
}

// Action is one DTMF action of an account: {"id":3,"key":"open","code":"1234"}.
type Action struct {
	ID        int64
	Key, Code string
}

// VisibleActions are the actions FlexiAPI shows: none while the account has
// no DTMF protocol (the rows are kept and come back when one is set).
func (a *Account) VisibleActions() []Action {
	if a.DTMFProtocol == nil {
		return nil
	}
	return a.Actions
}

func appendTypes(b []byte, ts []TypeRef) []byte {
	b = append(b, '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendType(b, t)
	}
	return append(b, ']')
}

// AppendType writes {"id":…,"key":…}.
func AppendType(b []byte, t TypeRef) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, t.ID, 10)
	b = append(b, `,"key":`...)
	b = jsonw.AppendString(b, t.Key)
	return append(b, '}')
}

func appendActions(b []byte, a *Account) []byte {
	b = append(b, '[')
	for i, x := range a.VisibleActions() {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendAction(b, x)
	}
	return append(b, ']')
}

// AppendAction writes {"id":…,"key":…,"code":…}.
func AppendAction(b []byte, x Action) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, x.ID, 10)
	b = append(b, `,"key":`...)
	b = jsonw.AppendString(b, x.Key)
	b = append(b, `,"code":`...)
	b = jsonw.AppendString(b, x.Code)
	return append(b, '}')
}

// RenderContact is a contact as the user endpoints show it:
// only what identifies and reaches the contact, never another account's
// secrets (provisioning token, password algorithms, confirmation data,
// email, phone). Keys in FlexiAPI's order.
func RenderContact(b []byte, a *Account) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = appendKey(b, "username")
	b = jsonw.AppendString(b, a.Username)
	b = appendKey(b, "domain")
	b = jsonw.AppendString(b, a.Domain)
	b = appendKey(b, "activated")
	b = strconv.AppendBool(b, a.Activated)
	b = appendKey(b, "dtmf_protocol")
	b = appendOptString(b, a.DTMFProtocol)
	b = appendKey(b, "display_name")
	b = appendOptString(b, a.DisplayName)
	b = appendKey(b, "types")
	b = appendTypes(b, a.Types)
	b = appendKey(b, "actions")
	b = appendActions(b, a)
	return append(b, '}')
}
