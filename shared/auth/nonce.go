package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

var (
	// ErrNonceInvalid is "Nonce invalid": not issued by us, or for another account, or malformed.
	ErrNonceInvalid = errors.New("auth: nonce invalid")
	// ErrNonceExpired is a nonce we issued that is older than the TTL
	// (answer 401 with stale=true, so the client retries with a fresh one).
	ErrNonceExpired = errors.New("auth: nonce expired")
)

// DefaultNonceTTL is DIGEST_NONCE_TTL's default.
const DefaultNonceTTL = 60 * time.Minute

// nonceFutureSkew is how far in the future an issue time may be (clock skew
// between Lambda instances) before the nonce is refused.
const nonceFutureSkew = time.Minute

const (
	nonceVersion  = 1
	nonceRandLen  = 12
	nonceMACLen   = 16
	nonceBodyLen  = 1 + 8 + 8 + nonceRandLen
	nonceRawLen   = nonceBodyLen + nonceMACLen
	nonceEncLen   = (nonceRawLen*8 + 5) / 6 // 60: 45 bytes fill 60 base64 characters exactly
	nonceKeyLabel = "flexiapi-serverless digest nonce v1"
)

// Nonces mints and checks self-proving Digest nonces: issuing
// a challenge writes nothing, so an unauthenticated probe costs no database
// write. Only the use count of an accepted nonce needs storing, keyed by the
// nonce text, which Check guarantees to be canonical (one text per nonce).
// A Nonces is immutable and safe for concurrent use.
type Nonces struct {
	key []byte
	ttl time.Duration
}

// NewNonces derives the signing key from APP_KEY with HMAC-SHA256(appKey, "flexiapi-serverless digest nonce v1"), so no second secret is needed.
// A ttl <= 0 means DefaultNonceTTL.
func NewNonces(appKey string, ttl time.Duration) *Nonces {
	if ttl <= 0 {
		ttl = DefaultNonceTTL
	}
	m := hmac.New(sha256.New, []byte(appKey))
	m.Write([]byte(nonceKeyLabel))
	return &Nonces{key: m.Sum(nil), ttl: ttl}
}

// Mint issues a nonce for the account at now. Layout, before base64url
// without padding: version (1) | account id (8, big endian) | issue unix
// seconds (8, big endian) | 12 random bytes | first 16 bytes of
// HMAC-SHA256 over the preceding bytes. The text uses only A-Z a-z 0-9 - _.
func (n *Nonces) Mint(accountID int64, now time.Time) string {
	var random [nonceRandLen]byte
	// crypto/rand.Read never returns an error (it aborts the program instead).
	_, _ = rand.Read(random[:])
	return n.mint(accountID, now, random)
}

// mint is Mint with the random part given, so tests can mint reproducibly.
func (n *Nonces) mint(accountID int64, now time.Time, random [nonceRandLen]byte) string {
	var raw [nonceRawLen]byte
	raw[0] = nonceVersion
	binary.BigEndian.PutUint64(raw[1:9], uint64(accountID))
	binary.BigEndian.PutUint64(raw[9:17], uint64(now.Unix()))
	copy(raw[17:nonceBodyLen], random[:])
	copy(raw[nonceBodyLen:], n.mac(raw[:nonceBodyLen]))
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

func (n *Nonces) mac(body []byte) []byte {
	m := hmac.New(sha256.New, n.key)
	m.Write(body)
	return m.Sum(nil)[:nonceMACLen]
}

// Check verifies the MAC (constant time) and the account, then the age: older than ttl → ErrNonceExpired (only after the MAC is valid); issued more than 1 minute in the future → ErrNonceInvalid.
//
// issued is returned with nil and with ErrNonceExpired; it is zero otherwise.
// Only the canonical text is accepted: base64 decoders skip newlines and may
// ignore trailing bits, so the text is checked character by character first.
func (n *Nonces) Check(nonce string, accountID int64, now time.Time) (issued time.Time, err error) {
	if len(nonce) != nonceEncLen {
		return time.Time{}, ErrNonceInvalid
	}
	for i := 0; i < len(nonce); i++ {
		if !isBase64URL(nonce[i]) {
			return time.Time{}, ErrNonceInvalid
		}
	}
	var raw [nonceRawLen]byte
	if k, err := base64.RawURLEncoding.Strict().Decode(raw[:], []byte(nonce)); err != nil || k != nonceRawLen {
		return time.Time{}, ErrNonceInvalid
	}
	if raw[0] != nonceVersion {
		return time.Time{}, ErrNonceInvalid
	}
	if !hmac.Equal(raw[nonceBodyLen:], n.mac(raw[:nonceBodyLen])) {
		return time.Time{}, ErrNonceInvalid
	}
	if int64(binary.BigEndian.Uint64(raw[1:9])) != accountID {
		return time.Time{}, ErrNonceInvalid
	}
	issued = time.Unix(int64(binary.BigEndian.Uint64(raw[9:17])), 0)
	if issued.After(now.Add(nonceFutureSkew)) {
		return time.Time{}, ErrNonceInvalid
	}
	if now.Sub(issued) > n.ttl {
		return issued, ErrNonceExpired
	}
	return issued, nil
}

func isBase64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
