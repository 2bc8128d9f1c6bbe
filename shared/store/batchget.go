package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// batchGetAttempts bounds the BatchGetItem calls of one batch: DynamoDB
// may leave keys unprocessed under load, and they are asked again.
const batchGetAttempts = 8

// batchGet reads one batch of keys (at most 100: ka's Keys, with its
// consistency and projection), asking again for the unprocessed ones after
// a growing pause, and gives each item found to seen. what names the
// read in errors.
func (s *Store) batchGet(ctx context.Context, what string, ka types.KeysAndAttributes, seen func(map[string]types.AttributeValue)) error {
	pending := map[string]types.KeysAndAttributes{s.table: ka}
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt == batchGetAttempts {
			return fmt.Errorf("%s: unprocessed keys after retries", what)
		}
		out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending, ReturnConsumedCapacity: totalCapacity})
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		meterRead(ctx, out.ConsumedCapacity...)
		for _, it := range out.Responses[s.table] {
			seen(it)
		}
		pending = out.UnprocessedKeys
		if err := backoff(ctx, attempt, len(pending) > 0); err != nil {
			return err
		}
	}
	return nil
}

// backoff waits before asking again for unprocessed items (when again):
// 20 ms doubled each attempt, or until ctx ends.
func backoff(ctx context.Context, attempt int, again bool) error {
	if !again {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Duration(20<<attempt) * time.Millisecond):
		return nil
	}
}

// accountsByIDs reads accounts in the given order, 100 keys per
// BatchGetItem; ids that vanished meanwhile are skipped. Listings read
// eventually consistently, like the index their ids come from (half the
// units); the projection for Flexisip reads strongly consistently.
func (s *Store) accountsByIDs(ctx context.Context, ids []int64, consistent bool) ([]*account.Account, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	found := map[int64]*account.Account{}
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = accountKey(id)
		}
		ka := types.KeysAndAttributes{Keys: keys}
		if consistent {
			ka.ConsistentRead = &consistent
		}
		err := s.batchGet(ctx, "load accounts", ka, func(it map[string]types.AttributeValue) {
			a := accountFromItem(it)
			found[a.ID] = a
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]*account.Account, 0, len(ids))
	for _, id := range ids {
		if a, ok := found[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}
