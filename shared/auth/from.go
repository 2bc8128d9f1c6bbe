package auth

import (
	"errors"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SIPIdentity is the account a From header designates.
type SIPIdentity struct{ Username, Domain string }

var (
	// ErrFromMissing is FlexiAPI's 422 "The from field is required.".
	ErrFromMissing = errors.New("auth: From header missing")
	// ErrFromMalformed replaces FlexiAPI's 500 on a From without '@'
	// (answer 422, never 500, for what a client sends).
	ErrFromMalformed = errors.New("auth: From header malformed")
)

// ParseFrom reads the account out of a From header value.
//
// FlexiAPI drops the first 4 characters, cuts at ';', percent-decodes and
// splits at '@'. Every value it understands gives the same result here, but
// this parser also copes with what SIP stacks legitimately send: a display
// name and angle brackets, a sips: scheme (or no scheme at all), URI headers
// after '?'. The value is decoded before it is split, so an encoded '@' in the
// user part ("bob%40x@y") becomes a second '@' in the domain, which is
// rejected rather than guessed at. A port stays in the domain, as in FlexiAPI.
func ParseFrom(header string) (SIPIdentity, error) {
	v := strings.TrimSpace(header)
	if v == "" {
		return SIPIdentity{}, ErrFromMissing
	}
	if open := indexUnquoted(v, '<'); open >= 0 {
		end := strings.IndexByte(v[open+1:], '>')
		if end < 0 {
			return SIPIdentity{}, ErrFromMalformed
		}
		v = strings.TrimSpace(v[open+1 : open+1+end])
	} else if strings.IndexByte(v, '<') >= 0 {
		// A '<' only inside an unterminated display name: the value is
		// broken, and guessing where the URI starts could misread it.
		return SIPIdentity{}, ErrFromMalformed
	}
	v = stripScheme(v)
	if i := strings.IndexAny(v, ";?"); i >= 0 {
		v = v[:i]
	}
	decoded, err := url.PathUnescape(v)
	if err != nil {
		return SIPIdentity{}, ErrFromMalformed
	}
	user, domain, found := strings.Cut(decoded, "@")
	if !found || user == "" || domain == "" || !validDomain(domain) {
		return SIPIdentity{}, ErrFromMalformed
	}
	return SIPIdentity{Username: user, Domain: domain}, nil
}

// indexUnquoted finds c outside a leading display-name quoted-string, so a
// display name such as "a<b" cannot be taken for the start of the URI.
func indexUnquoted(s string, c byte) int {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch {
		case inQuote && s[i] == '\\':
			i++ // skip the escaped byte
		case s[i] == '"':
			inQuote = !inQuote
		case !inQuote && s[i] == c:
			return i
		}
	}
	return -1
}

func stripScheme(s string) string {
	for _, scheme := range [...]string{"sips:", "sip:"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			return s[len(scheme):]
		}
	}
	return s
}

// validDomain rejects what cannot be part of a host[:port]: a second '@',
// whitespace, control characters, and the name-addr delimiters '<' '>' '"'
// (left over from a broken display name).
func validDomain(d string) bool {
	for len(d) > 0 {
		r, size := utf8.DecodeRuneInString(d)
		if r == '@' || r == '<' || r == '>' || r == '"' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
		d = d[size:]
	}
	return true
}
