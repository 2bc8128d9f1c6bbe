package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

const randomAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomLimit is the largest multiple of 62 that fits in a byte: bytes at or
// above it are redrawn, so every character is equally likely.
const randomLimit = 256 - 256%len(randomAlphabet) // 248

// Random returns n characters from [A-Za-z0-9] drawn with crypto/rand without modulo bias (FlexiAPI's Random(n)).
// n <= 0 gives "".
func Random(n int) string {
	if n <= 0 {
		return ""
	}
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/8+8)
	for len(out) < n {
		// crypto/rand.Read never returns an error (it aborts the program instead).
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if int(b) < randomLimit {
				out = append(out, randomAlphabet[int(b)%len(randomAlphabet)])
				if len(out) == n {
					break
				}
			}
		}
	}
	return string(out)
}

// NewAPIKey is a key as FlexiAPI generates it: Random(40).
func NewAPIKey() string { return Random(40) }

// HashAPIKey is how keys are stored: lowercase hex SHA-256, so a table dump does not leak usable keys.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
