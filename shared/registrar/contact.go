package registrar

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Contact is what the API shows of one registration.
type Contact struct {
	UUID      string
	UpdatedAt time.Time
	UserAgent string
	// HasUserAgent is false when the registration carries no User-Agent.
	HasUserAgent bool
}

// ParseContact reads one value of Flexisip's registrar hash: a serialised
// extended contact, a Contact header value such as
//
//	<sip:bob@10.0.0.2:5060;transport=tcp;callid=x;expires=3600;cseq=3;updatedAt=1711361472;alias=no;usedAsRoute=no?Path=%3Csip%3Aproxy%3Blr%3E&User-Agent=Linphone%2F5.2>;+sip.instance="<urn:uuid:0f6c…>"
//
// The URI parameters carry updatedAt (unix seconds), the URI headers
// (percent-encoded) the User-Agent, and the contact parameters the device's
// +sip.instance. FlexiAPI splits the whole string on ';' and '=' after
// URL-decoding it, which breaks on a User-Agent holding '=' or ';' and
// drops every later device on one bad entry; this parser reads the three
// parts structurally and reports ok=false for an entry it cannot use.
// field is the hash field: its "<urn:…>" names the device when the contact
// has no +sip.instance.
func ParseContact(field, value string) (Contact, bool) {
	uri, params := splitNameAddr(strings.TrimSpace(value))
	uriParams, headers, _ := strings.Cut(uri, "?")
	var c Contact
	updated := false
	for _, p := range splitOutsideQuotes(uriParams, ';') {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "updatedAt") {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 {
				return Contact{}, false
			}
			c.UpdatedAt = time.Unix(n, 0).UTC()
			updated = true
		}
	}
	if !updated {
		return Contact{}, false
	}
	for _, h := range strings.Split(headers, "&") {
		k, v, ok := strings.Cut(h, "=")
		if !ok || !strings.EqualFold(unescape(k), "User-Agent") {
			continue
		}
		c.UserAgent, c.HasUserAgent = unescape(v), true
	}
	for _, p := range splitOutsideQuotes(params, ';') {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "+sip.instance") {
			c.UUID = instanceID(v)
		}
	}
	if f := strings.Trim(strings.TrimSpace(field), `"`); c.UUID == "" && strings.HasPrefix(f, "<") && strings.HasSuffix(f, ">") {
		c.UUID = instanceID(f)
	}
	if c.UUID == "" {
		return Contact{}, false
	}
	return c, true
}

// splitNameAddr returns the URI and the header parameters of a Contact
// value: `"Name" <uri>;params` or a bare `uri` (whose parameters are then
// the URI's, and there are no header parameters).
func splitNameAddr(v string) (uri, params string) {
	inQuote := false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if inQuote {
				i++
			}
		case '"':
			inQuote = !inQuote
		case '<':
			if inQuote {
				continue
			}
			end := strings.IndexByte(v[i:], '>')
			if end < 0 {
				return v[i+1:], ""
			}
			return v[i+1 : i+end], strings.TrimPrefix(strings.TrimSpace(v[i+end+1:]), ";")
		}
	}
	return v, ""
}

// splitOutsideQuotes splits s on sep, except inside double quotes.
func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	start, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case sep:
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// instanceID turns `"<urn:uuid:X>"` (quoted or not, bracketed or not) into
// urn:uuid:X, FlexiAPI's uuid.
func instanceID(v string) string {
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(strings.TrimPrefix(v, `"`), `"`)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	if v == "" || strings.ContainsAny(v, "<>\"") {
		return ""
	}
	return v
}

// unescape decodes a URI header's %XX escapes ('+' stays a plus, as in SIP
// URIs); an invalid escape keeps the raw text.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
