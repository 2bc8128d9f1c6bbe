package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// Holders reads, in one strongly consistent BatchGetItem, who holds the
// values of a request that failed validation or lost a uniqueness race:
// the SIP identity and the tombstone of a username in a domain, the email
// marker and the phone (alias) marker, and the phone as a username (in
// PhoneDomain, else in any domain with one more Query). Empty fields are
// not read.
func (s *Store) Holders(ctx context.Context, q account.HolderQuery) (account.Holders, error) {
	var h account.Holders
	type want struct {
		key  map[string]types.AttributeValue
		seen func(map[string]types.AttributeValue)
	}
	var wants []want
	if q.Username != "" && q.Domain != "" {
		wants = append(wants,
			want{sipKey(q.Username, q.Domain), func(it map[string]types.AttributeValue) { h.SIP = getN(it, "account_id") }},
			want{tombstoneKey(q.Username, q.Domain), func(it map[string]types.AttributeValue) {
				// DynamoDB deletes expired items lazily.
				if exp := getN(it, schema.TTLAttribute); exp == 0 || exp >= time.Now().Unix() {
					h.Tombstone = true
				}
			}})
	}
	if q.Email != "" {
		wants = append(wants, want{emailKey(q.Email), func(it map[string]types.AttributeValue) { h.Email = getN(it, "account_id") }})
	}
	if q.Phone != "" {
		wants = append(wants, want{phoneKey(q.Phone), func(it map[string]types.AttributeValue) { h.Phone = getN(it, "account_id") }})
		if q.PhoneDomain != "" {
			wants = append(wants, want{sipKey(q.Phone, q.PhoneDomain), func(it map[string]types.AttributeValue) { h.PhoneSIP = getN(it, "account_id") }})
		}
	}
	if len(wants) == 0 {
		return h, nil
	}
	// BatchGetItem refuses a key twice (a phone that is also the username).
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, w := range wants {
		id := getS(w.key, schema.PartitionKey) + "\x00" + getS(w.key, schema.SortKey)
		if !seen[id] {
			seen[id] = true
			keys = append(keys, w.key)
		}
	}
	err := s.batchGet(ctx, "look up holders", types.KeysAndAttributes{Keys: keys, ConsistentRead: aws.Bool(true)}, func(it map[string]types.AttributeValue) {
		for _, w := range wants {
			if getS(it, schema.PartitionKey) == getS(w.key, schema.PartitionKey) && getS(it, schema.SortKey) == getS(w.key, schema.SortKey) {
				w.seen(it)
			}
		}
	})
	if err != nil {
		return h, err
	}
	if q.Phone != "" && q.PhoneAsUsername && q.PhoneDomain == "" {
		taken, err := s.UsernameInAnyDomain(ctx, q.Phone)
		if err != nil {
			return h, err
		}
		h.PhoneUsername = taken
	}
	return h, nil
}
