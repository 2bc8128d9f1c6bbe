package auth

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
)

// Digest algorithm names as they appear on the wire and in the passwords
// table. FlexiAPI validates them case-sensitively ("in:MD5,SHA-256").
const (
	AlgorithmMD5    = "MD5"
	AlgorithmSHA256 = "SHA-256"
)

// Credentials are the parameters of an Authorization: Digest header.
type Credentials struct {
	Username, Realm, Nonce, URI, Response, Algorithm, CNonce, QOP, NC, Opaque string
	// Present records which parameters appeared (keys as lowercase names: "username", "nc", ...).
	Present map[string]bool
}

// ParseAuthorization parses a Digest Authorization header value leniently.
// ok is false when the scheme is not Digest (e.g. "Bearer x") or nothing parses.
//
// "Nothing parses" means no recognised parameter (username, realm, nonce,
// uri, response, algorithm, cnonce, qop, nc, opaque) was found: a header made
// only of unknown parameters carries no credentials. Lenient on purpose: the
// Linphone 5.1 client quotes algorithm and leaves qop and nc bare, curl and Go
// quote differently again, and every value form (quoted-string with escapes,
// single-quoted, bare token) is accepted. A missing algorithm reads as MD5,
// as in FlexiAPI, without being marked present.
func ParseAuthorization(header string) (c Credentials, ok bool) {
	s := strings.TrimLeft(header, " \t\r\n")
	const scheme = "digest"
	if len(s) <= len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) || !isLWS(s[len(scheme)]) {
		return Credentials{}, false
	}
	p := paramParser{s: s, i: len(scheme)}
	for {
		name, value, more := p.next()
		if !more {
			break
		}
		if c.set(name, value) {
			if c.Present == nil {
				c.Present = make(map[string]bool, 10)
			}
			c.Present[name] = true
		}
	}
	if len(c.Present) == 0 {
		return Credentials{}, false
	}
	if !c.Present["algorithm"] {
		c.Algorithm = AlgorithmMD5
	}
	return c, true
}

// set stores a recognised parameter; name is already lowercase.
func (c *Credentials) set(name, value string) bool {
	switch name {
	case "username":
		c.Username = value
	case "realm":
		c.Realm = value
	case "nonce":
		c.Nonce = value
	case "uri":
		c.URI = value
	case "response":
		c.Response = value
	case "algorithm":
		c.Algorithm = value
	case "cnonce":
		c.CNonce = value
	case "qop":
		c.QOP = value
	case "nc":
		c.NC = value
	case "opaque":
		c.Opaque = value
	default:
		return false
	}
	return true
}

func isLWS(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// paramParser walks "name=value" pairs. Every step consumes at least one
// byte, so it terminates on any input.
type paramParser struct {
	s string
	i int
}

// next returns the next name=value pair with the name lowercased (ASCII
// only, so that no Unicode folding can turn an odd name into a known one).
// Stray tokens without '=' are skipped. more is false at the end.
func (p *paramParser) next() (name, value string, more bool) {
	for {
		p.skip(func(b byte) bool { return isLWS(b) || b == ',' })
		if p.i >= len(p.s) {
			return "", "", false
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != '=' && p.s[p.i] != ',' && !isLWS(p.s[p.i]) {
			p.i++
		}
		name = asciiLower(p.s[start:p.i])
		p.skip(isLWS)
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			continue // a token without a value: ignore it
		}
		p.i++ // '='
		if name == "" {
			// "=value": skip the value so it is not read as a name.
			p.value()
			continue
		}
		return name, p.value(), true
	}
}

func (p *paramParser) skip(f func(byte) bool) {
	for p.i < len(p.s) && f(p.s[p.i]) {
		p.i++
	}
}

func (p *paramParser) value() string {
	p.skip(isLWS)
	if p.i >= len(p.s) {
		return ""
	}
	switch p.s[p.i] {
	case '"':
		// RFC 7230 quoted-string; an unterminated one runs to the end.
		p.i++
		var b strings.Builder
		for p.i < len(p.s) {
			ch := p.s[p.i]
			p.i++
			switch {
			case ch == '"':
				return b.String()
			case ch == '\\' && p.i < len(p.s):
				b.WriteByte(p.s[p.i])
				p.i++
			case ch == '\\':
				// a lone trailing backslash escapes nothing: drop it
			default:
				b.WriteByte(ch)
			}
		}
		return b.String()
	case '\'':
		// Single quotes, as FlexiAPI's pattern accepts: no escapes.
		p.i++
		start := p.i
		end := strings.IndexByte(p.s[start:], '\'')
		if end < 0 {
			p.i = len(p.s)
			return p.s[start:]
		}
		p.i = start + end + 1
		return p.s[start : start+end]
	default:
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != ',' && !isLWS(p.s[p.i]) {
			p.i++
		}
		return p.s[start:p.i]
	}
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Challenge is one WWW-Authenticate value, spelt byte for byte as FlexiAPI
// does: no spaces, realm and qop quoted, algorithm bare. The Linphone 5.1
// client loses the algorithm when it is quoted and qop or realm when they
// are not. stale=true is ours: it answers a nonce older than
// DIGEST_NONCE_TTL (docs/compatibility.md, "Authentication").
func Challenge(realm, algorithm, nonce, opaque string, stale bool) string {
	var b strings.Builder
	b.Grow(64 + len(realm) + len(nonce) + len(opaque))
	b.WriteString(`Digest realm="`)
	writeEscaped(&b, realm)
	b.WriteString(`",qop="auth",algorithm=`)
	b.WriteString(algorithm)
	b.WriteString(`,nonce="`)
	writeEscaped(&b, nonce)
	b.WriteString(`",opaque="`)
	writeEscaped(&b, opaque)
	b.WriteByte('"')
	if stale {
		b.WriteString(",stale=true")
	}
	return b.String()
}

// writeEscaped writes s as the inside of a quoted-string.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
}

// Opaque is FlexiAPI's opaque: the standard base64 of the APP_KEY text as
// configured (including any "base64:" prefix), constant for a deployment.
func Opaque(appKey string) string {
	return base64.StdEncoding.EncodeToString([]byte(appKey))
}

// Hash is the digest H function as lowercase hex, for "MD5" and "SHA-256"
// (exact spelling). Any other algorithm yields "", which ResponseMatches
// never accepts, so an unexpected value cannot authenticate.
func Hash(algorithm, s string) string {
	switch algorithm {
	case AlgorithmMD5:
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	case AlgorithmSHA256:
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	return ""
}

// HA1 is what the passwords table stores for MD5 and SHA-256 rows, and what
// a clear-text row is turned into at verification time.
func HA1(algorithm, username, realm, password string) string {
	return Hash(algorithm, username+":"+realm+":"+password)
}

// ExpectedResponse computes RFC 7616 qop=auth response: H(HA1:nonce:nc:cnonce:qop:H(method:uri)), nc as sent.
//
// The uri is the one the client signed, taken verbatim from the header; check
// it against the request with URIMatchesPath. It returns "" for an unknown
// algorithm.
func ExpectedResponse(algorithm, ha1, method string, c Credentials) string {
	ha2 := Hash(algorithm, method+":"+c.URI)
	if ha2 == "" {
		return ""
	}
	return Hash(algorithm, ha1+":"+c.Nonce+":"+c.NC+":"+c.CNonce+":"+c.QOP+":"+ha2)
}

// ResponseMatches compares in constant time (crypto/subtle), case-sensitive.
// FlexiAPI compares case-sensitively too, so clients must send lowercase hex.
// An empty expected value (unknown algorithm) never matches.
func ResponseMatches(expected, got string) bool {
	if expected == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(expected), []byte(got)) == 1
}

// ParseNC reads nc as hexadecimal (1 to 8 hex digits); ok false otherwise.
// No sign, prefix or separator is accepted, unlike strconv.
func ParseNC(nc string) (uint32, bool) {
	if len(nc) < 1 || len(nc) > 8 {
		return 0, false
	}
	var v uint32
	for i := 0; i < len(nc); i++ {
		d, ok := hexDigit(nc[i])
		if !ok {
			return 0, false
		}
		v = v<<4 | uint32(d)
	}
	return v, true
}

func hexDigit(b byte) (byte, bool) {
	switch {
	case '0' <= b && b <= '9':
		return b - '0', true
	case 'a' <= b && b <= 'f':
		return b - 'a' + 10, true
	case 'A' <= b && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}

// URIMatchesPath reports whether the digest uri designates the request path. The
// client signs the path it sent, which may carry an API Gateway stage prefix
// ("/prod/api/accounts/me") or be an absolute URL ("https://h/prod/api/x"), while
// the server sees "/api/accounts/me". Accept when the uri's path (query ignored,
// percent-decoding applied to both) equals the request path or ends with it at a
// '/' boundary. Reject everything else (other path, empty uri).
//
// FlexiAPI does not compare the uri at all; checking it stops a captured
// answer for one path from being replayed on another. Percent-decoding both
// sides makes "/api/accounts/bob%40x/info" match "/api/accounts/bob@x/info"
// (the Linphone client sends the '@' raw, others encode it). Undecodable
// escapes on either side reject.
func URIMatchesPath(uri, requestPath string) bool {
	p := uriPath(uri)
	if p == "" || requestPath == "" {
		return false
	}
	dp, err := url.PathUnescape(p)
	if err != nil {
		return false
	}
	rp, err := url.PathUnescape(requestPath)
	if err != nil || rp == "" {
		return false
	}
	if dp == rp {
		return true
	}
	if !strings.HasSuffix(dp, rp) {
		return false
	}
	// At a '/' boundary: the request path starts a segment of the uri path.
	if rp[0] == '/' {
		return true
	}
	return dp[len(dp)-len(rp)-1] == '/'
}

// uriPath returns the path of a request-target: an absolute URL loses its
// scheme and authority; the query and fragment are dropped.
func uriPath(uri string) string {
	if i := strings.Index(uri, "://"); i > 0 && isScheme(uri[:i]) {
		rest := uri[i+3:]
		j := strings.IndexAny(rest, "/?#")
		if j < 0 || rest[j] != '/' {
			return "/"
		}
		uri = rest[j:]
	}
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	return uri
}

// isScheme follows RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}
