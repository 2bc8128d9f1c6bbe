package account

import (
	"strconv"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
)

// View selects which variant of the account JSON an endpoint answers
// (FlexiAPI's variants: full, for the account itself, public).
type View int

const (
	// ViewFull is the default: no confirmation_key.
	ViewFull View = iota
	// ViewWithConfirmationKey is admin create/update: full plus confirmation_key.
	ViewWithConfirmationKey
	// ViewAdminShow is admin GET /accounts/{id}: no passwords nor admin,
	// plus confirmation_key.
	ViewAdminShow
	// ViewAdminList is an item of admin GET /accounts: no passwords nor
	// admin, no confirmation_key.
	ViewAdminList
	// ViewWithPasswordHashes is GET /accounts/{sip}/recover/{key}: full,
	// and each passwords item also shows the hash (FlexiAPI's answer).
	ViewWithPasswordHashes
)

// Timestamp is FlexiAPI's JSON date: UTC with six (always zero) fraction
// digits, as Laravel serialises MySQL DATETIME columns.
func Timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05") + ".000000Z"
}

// DateTime is the Y-m-d H:i:s form of confirmation_key_expires.
func DateTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// Render writes the account JSON, keys in FlexiAPI's order, with our
// types (booleans for blocked/activated, {} for an empty dictionary, where
// FlexiAPI leaks PHP artefacts; docs/compatibility.md).
// realm is ACCOUNT_REALM or nil.
func Render(a *Account, v View, realm *string) []byte {
	b := make([]byte, 0, 1280) // a full account with types and actions fits
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = appendKey(b, "username")
	b = jsonw.AppendString(b, a.Username)
	b = appendKey(b, "domain")
	b = jsonw.AppendString(b, a.Domain)
	b = appendKey(b, "email")
	b = appendOptString(b, a.Email)
	b = appendKey(b, "activated")
	b = strconv.AppendBool(b, a.Activated)
	if v == ViewWithConfirmationKey || v == ViewAdminShow {
		b = appendKey(b, "confirmation_key")
		b = appendOptString(b, a.ConfirmationKey)
	}
	b = appendKey(b, "ip_address")
	b = jsonw.AppendString(b, a.IPAddress)
	b = appendKey(b, "user_agent")
	b = jsonw.AppendString(b, a.UserAgent)
	b = appendKey(b, "created_at")
	b = jsonw.AppendString(b, Timestamp(a.CreatedAt))
	b = appendKey(b, "display_name")
	b = appendOptString(b, a.DisplayName)
	b = appendKey(b, "dtmf_protocol")
	b = appendOptString(b, a.DTMFProtocol)
	b = appendKey(b, "updated_at")
	b = jsonw.AppendString(b, Timestamp(a.UpdatedAt))
	b = appendKey(b, "blocked")
	b = strconv.AppendBool(b, a.Blocked)
	b = appendKey(b, "realm")
	b = appendOptString(b, realm)
	b = appendKey(b, "phone")
	b = appendOptString(b, a.Phone)
	b = appendKey(b, "confirmation_key_expires")
	if a.ActivationExpiration != nil {
		b = jsonw.AppendString(b, DateTime(a.ActivationExpiration.Expires))
	} else {
		b = append(b, "null"...)
	}
	b = appendKey(b, "provisioning_token")
	b = appendOptString(b, a.ProvisioningToken)
	b = appendKey(b, "dictionary")
	b = append(b, '{')
	for i, e := range a.Dictionary {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendString(b, e.Key)
		b = append(b, ':')
		b = jsonw.AppendString(b, e.Value)
	}
	b = append(b, '}')
	if v == ViewFull || v == ViewWithConfirmationKey || v == ViewWithPasswordHashes {
		b = appendKey(b, "passwords")
		b = append(b, '[')
		for i, alg := range a.PasswordAlgorithms() {
			if i > 0 {
				b = append(b, ',')
			}
			if v == ViewWithPasswordHashes {
				b = append(b, `{"password":`...)
				b = jsonw.AppendString(b, a.Passwords[alg])
				b = append(b, `,"algorithm":`...)
			} else {
				b = append(b, `{"algorithm":`...)
			}
			b = jsonw.AppendString(b, alg)
			b = append(b, '}')
		}
		b = append(b, ']')
		b = appendKey(b, "admin")
		if a.Admin != nil {
			b = append(b, `{"created_at":`...)
			b = jsonw.AppendString(b, Timestamp(a.Admin.CreatedAt))
			b = append(b, `,"updated_at":`...)
			b = jsonw.AppendString(b, Timestamp(a.Admin.UpdatedAt))
			b = append(b, '}')
		} else {
			b = append(b, "null"...)
		}
	}
	b = appendKey(b, "activation_expiration")
	if e := a.ActivationExpiration; e != nil {
		b = append(b, `{"id":`...)
		if e.ID != 0 {
			b = strconv.AppendInt(b, e.ID, 10)
		} else {
			b = strconv.AppendInt(b, a.ID, 10)
		}
		b = append(b, `,"account_id":`...)
		b = strconv.AppendInt(b, a.ID, 10)
		b = append(b, `,"expires":`...)
		b = jsonw.AppendString(b, DateTime(e.Expires))
		b = append(b, `,"created_at":`...)
		b = jsonw.AppendString(b, Timestamp(e.CreatedAt))
		b = append(b, `,"updated_at":`...)
		b = jsonw.AppendString(b, Timestamp(e.UpdatedAt))
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	b = appendKey(b, "email_change_code")
	b = appendEmailChange(b, a.EmailChange) // self_json.go
	b = appendKey(b, "types")
	b = appendTypes(b, a.Types)
	b = appendKey(b, "actions")
	b = appendActions(b, a)
	return append(b, '}')
}

// RenderInfo is the public GET /accounts/{sip}/info answer.
func RenderInfo(a *Account, realm *string) []byte {
	b := []byte(`{"activated":`)
	b = strconv.AppendBool(b, a.Activated)
	b = appendKey(b, "realm")
	b = appendOptString(b, realm)
	return append(b, '}')
}

func appendKey(b []byte, k string) []byte {
	b = append(b, ',', '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return jsonw.AppendString(b, *s)
}
