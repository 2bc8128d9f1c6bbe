package store

import (
	"crypto/sha256"
	"encoding/hex"
)

// DynamoDB's key limits, in UTF-8 bytes (the same for the table and its
// indexes). A longer key value, or an empty one, is a ValidationException:
// a 500 for what a client sent (a 5 000-character From, {sip} or token).
const (
	maxPartitionKey = 2048
	maxSortKey      = 1024
)

// unrepresentable starts the stand-in of a key value DynamoDB cannot hold.
const unrepresentable = "UNREPRESENTABLE#"

// keyPart bounds one key value where every key is built (key, and the
// Query values through pkValue), so that every route, present and future,
// is covered: a value DynamoDB cannot hold is replaced by a digest under a
// prefix no item is written with. Validation caps every value we write far
// below the limits (username, domain, phone 64; email 254; dictionary keys
// 255), so such a value names no stored item: a read finds nothing and the
// caller answers its usual 404 or 401, never a 500.
func keyPart(v string, max int) string {
	if v != "" && len(v) <= max {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	return unrepresentable + hex.EncodeToString(sum[:])
}

// pkValue is keyPart for a partition key value given to a Query (table or
// index), which does not go through key().
func pkValue(v string) string { return keyPart(v, maxPartitionKey) }
