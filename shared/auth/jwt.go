package auth

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// JWT rejection messages, as FlexiAPI words them (403), plus the 422 that
// replaces its 500 on a malformed token (a client's input never gets a 500).
const (
	msgJWTMalformed   = "Malformed JWT token"
	msgJWTAlgorithm   = "Unsupported RSA signature"
	msgJWTSignature   = "Invalid JWT token signature"
	msgJWTExpired     = "Expired JWT token"
	msgJWTIssuer      = "Invalid JWT token issuer"
	msgJWTAudience    = "Invalid JWT token audience"
	msgJWTNoEmail     = "The JWT token has no email claim"
	bearerPrefix      = "Bearer "
	jwtHeaderEncClaim = "enc"
)

// JWTError is a rejected token and its status: FlexiAPI's 403, or 422 for
// a malformed token, where FlexiAPI answers 500.
type JWTError struct {
	Status  int
	Message string
}

func (e *JWTError) Error() string {
	if e == nil {
		return "<nil>"
	}
	return e.Message
}

func jwtErr(status int, msg string) *JWTError { return &JWTError{Status: status, Message: msg} }

// JWTVerifier checks tokens the way FlexiAPI's auth.jwt middleware does,
// with our additions (email claim required, optional issuer/audience
// checks; docs/compatibility.md).
// It is immutable and safe for concurrent use.
type JWTVerifier struct {
	key      *rsa.PublicKey
	issuer   string
	audience string
}

// NewJWTVerifier builds a verifier for JWT_RSA_PUBLIC_KEY_PEM's key. An
// empty issuer or audience disables that check (JWT_ISSUER, JWT_AUDIENCE).
func NewJWTVerifier(key *rsa.PublicKey, issuer, audience string) *JWTVerifier {
	return &JWTVerifier{key: key, issuer: issuer, audience: audience}
}

// BearerToken extracts the token: the text after the LAST occurrence of "Bearer " in the Authorization value, cut at the first comma, trimmed. ok false when there is no "Bearer ".
//
// ok is also false when that text is empty: Laravel's bearerToken() then
// returns "", which the middleware treats as no token at all.
func BearerToken(authorization string) (token string, ok bool) {
	i := strings.LastIndex(authorization, bearerPrefix)
	if i < 0 {
		return "", false
	}
	token = authorization[i+len(bearerPrefix):]
	if j := strings.IndexByte(token, ','); j >= 0 {
		token = token[:j]
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// rsaMethod maps the only accepted algorithms to their hash. Looking the
// header's alg up here (never in golang-jwt's global registry) is what stops
// HS256 signed with the public key PEM (key confusion), none, PS* and ES*.
func rsaMethod(alg string) (*jwt.SigningMethodRSA, bool) {
	switch alg {
	case "RS256":
		return jwt.SigningMethodRS256, true
	case "RS384":
		return jwt.SigningMethodRS384, true
	case "RS512":
		return jwt.SigningMethodRS512, true
	}
	return nil, false
}

// Verify returns the email claim of a valid token.
//
// Checks run in FlexiAPI's order: structure (422), alg (403), signature,
// exp (no leeway; now >= exp is expired; no exp never expires), then ours:
// issuer, audience, email. As lcobucci/jwt does while parsing, a date claim
// (exp, iat, nbf) that is present but not numeric makes the token malformed;
// nbf and iat are otherwise not checked, jti never.
func (v *JWTVerifier) Verify(token string, now time.Time) (email string, err *JWTError) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", jwtErr(http.StatusUnprocessableEntity, msgJWTMalformed)
	}
	headerJSON, ok1 := decodeSegment(parts[0])
	claimsJSON, ok2 := decodeSegment(parts[1])
	sig, ok3 := decodeSegment(parts[2])
	if !ok1 || !ok2 || !ok3 {
		return "", jwtErr(http.StatusUnprocessableEntity, msgJWTMalformed)
	}
	header, ok := decodeObject(headerJSON)
	if !ok {
		return "", jwtErr(http.StatusUnprocessableEntity, msgJWTMalformed)
	}
	if _, isJWE := header[jwtHeaderEncClaim]; isJWE {
		return "", jwtErr(http.StatusUnprocessableEntity, msgJWTMalformed)
	}
	claims, ok := decodeObject(claimsJSON)
	if !ok {
		return "", jwtErr(http.StatusUnprocessableEntity, msgJWTMalformed)
	}
	var exp float64
	hasExp := false
	for _, name := range [...]string{"exp", "iat", "nbf"} {
		raw, present := claims[name]
		if !present {
			continue
		}
		t, ok := numericDate(raw)
		if !ok {
			return "", jwtErr(http.StatusUnprocessableEntity, msgJWTMalformed)
		}
		if name == "exp" {
			exp, hasExp = t, true
		}
	}

	alg, _ := header["alg"].(string)
	method, ok := rsaMethod(alg)
	if !ok {
		return "", jwtErr(http.StatusForbidden, msgJWTAlgorithm)
	}
	if v == nil || v.key == nil || v.key.N == nil || v.key.E == 0 ||
		method.Verify(parts[0]+"."+parts[1], sig, v.key) != nil {
		return "", jwtErr(http.StatusForbidden, msgJWTSignature)
	}
	if hasExp && expired(now, exp) {
		return "", jwtErr(http.StatusForbidden, msgJWTExpired)
	}
	if v.issuer != "" {
		if iss, _ := claims["iss"].(string); iss != v.issuer {
			return "", jwtErr(http.StatusForbidden, msgJWTIssuer)
		}
	}
	if v.audience != "" && !audienceContains(claims["aud"], v.audience) {
		return "", jwtErr(http.StatusForbidden, msgJWTAudience)
	}
	email, _ = claims["email"].(string)
	if email == "" {
		return "", jwtErr(http.StatusForbidden, msgJWTNoEmail)
	}
	return email, nil
}

// decodeSegment is base64url without padding, strict about trailing bits,
// as lcobucci/jwt (libsodium) decodes.
func decodeSegment(s string) ([]byte, bool) {
	if strings.ContainsAny(s, "\r\n") { // the decoder would silently skip them
		return nil, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return b, err == nil
}

// decodeObject decodes one JSON object and nothing after it. Invalid UTF-8
// is refused, as PHP's json_decode does (Go would substitute U+FFFD).
func decodeObject(data []byte) (map[string]any, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	// Only JSON whitespace may follow the object.
	if len(bytes.Trim(data[d.InputOffset():], " \t\r\n")) != 0 {
		return nil, false
	}
	return m, true
}

// numericDate accepts what lcobucci/jwt's is_numeric test accepts: a JSON
// number or a string holding a decimal number.
func numericDate(v any) (float64, bool) {
	var s string
	switch t := v.(type) {
	case json.Number:
		s = string(t)
	case string:
		s = strings.Trim(t, " \t\n\r\v\f")
		if !isDecimal(s) {
			return 0, false
		}
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) { // out of range reads as ±Inf
		return 0, false
	}
	return f, true
}

// isDecimal is [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i - start
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// expired is now >= exp with exp in (possibly fractional) seconds.
func expired(now time.Time, exp float64) bool {
	whole := math.Floor(exp)
	if whole > math.MaxInt64/2 {
		return false
	}
	if whole < math.MinInt64/2 {
		return true
	}
	sec := now.Unix()
	switch w := int64(whole); {
	case sec > w:
		return true
	case sec < w:
		return false
	}
	return float64(now.Nanosecond())/1e9 >= exp-whole
}

func audienceContains(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok && s == want {
				return true
			}
		}
	}
	return false
}
