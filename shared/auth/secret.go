package auth

import (
	"crypto/sha256"
	"crypto/subtle"
)

// SecretMatches reports whether presented is one of secrets (the current
// secret and, during a rotation, the previous one). It compares SHA-256
// digests in constant time and always looks at every secret, so neither
// the length of a secret nor which one matched shows in the timing. No
// secret configured, or an empty presented value, never matches.
func SecretMatches(presented string, secrets []string) bool {
	p := sha256.Sum256([]byte(presented))
	match := 0
	for _, s := range secrets {
		if s == "" {
			continue
		}
		d := sha256.Sum256([]byte(s))
		match |= subtle.ConstantTimeCompare(p[:], d[:])
	}
	return match == 1 && presented != ""
}
