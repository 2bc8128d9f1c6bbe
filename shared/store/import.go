package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/importer"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// The importer's writes (flexiapi-admin import): the same items the API
// writes for the same data, keyed by FlexiAPI's ids. How each kind is
// written (docs/access-patterns.md, "Importing a FlexiAPI database"):
//
//   - the markers of values a client chooses (SIP identity, phone, email)
//     with a conditional PutItem each, as the API claims them: a client
//     of a live API may want the same value at the same moment;
//   - what only the imported account's id or a random value names (API
//     key, provisioning token marker, type links, contacts, attached
//     lists, tombstones, statistics), after a BatchGetItem has said it is
//     missing, with BatchWriteItem;
//   - the account items last, in transactions that also add them to the
//     account counts: an account item in the table means its markers
//     and children are there and it is counted, so a run stopped
//     anywhere is completed by the next one;
//   - types and lists with their key or title marker in one transaction,
//     list members with their list's counts in one.
//
// Nothing is overwritten: what is there already is reported Existing (or
// a Conflict when it is something else).

var _ importer.Target = (*Store)(nil)

// RaiseCounter moves an id counter up to atLeast (never down).
func (s *Store) RaiseCounter(ctx context.Context, counter string, atLeast int64) error {
	if atLeast <= 0 {
		return nil
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       counterKey(counter),
		UpdateExpression:          aws.String("SET #v = :n"),
		ConditionExpression:       aws.String("attribute_not_exists(#v) OR #v < :n"),
		ExpressionAttributeNames:  map[string]string{"#v": "value"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": num(atLeast)},
		ReturnConsumedCapacity:    totalCapacity,
	})
	if isConditionFailed(err) {
		meterFailedWrite(ctx)
		return nil // already past it
	}
	if err != nil {
		return fmt.Errorf("raise counter %s: %w", counter, err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil
}

// parallel runs f for 0..n-1 on at most workers goroutines; the first
// error stops the others.
func parallel(ctx context.Context, workers, n int, f func(ctx context.Context, i int) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var first error
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(max(workers, 1), n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(ctx, i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
						cancel()
					}
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// itemID names an item by its key.
func itemID(k map[string]types.AttributeValue) string {
	return getS(k, schema.PartitionKey) + "\x00" + getS(k, schema.SortKey)
}

func keyOf(item map[string]types.AttributeValue) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{schema.PartitionKey: item[schema.PartitionKey], schema.SortKey: item[schema.SortKey]}
}

// batchGetItems reads items by key (strongly consistent, 100 per call, in
// parallel), with the given attributes besides the key; the answer is by
// itemID, absent items absent.
func (s *Store) batchGetItems(ctx context.Context, keys []map[string]types.AttributeValue, attrs []string, workers int) (map[string]map[string]types.AttributeValue, error) {
	seen := map[string]bool{}
	var unique []map[string]types.AttributeValue
	for _, k := range keys {
		if id := itemID(k); !seen[id] {
			seen[id] = true
			unique = append(unique, k)
		}
	}
	names := map[string]string{"#pk": schema.PartitionKey, "#sk": schema.SortKey}
	proj := []string{"#pk", "#sk"}
	for i, a := range attrs {
		n := fmt.Sprintf("#a%d", i)
		names[n] = a
		proj = append(proj, n)
	}
	found := map[string]map[string]types.AttributeValue{}
	var mu sync.Mutex
	chunks := (len(unique) + 99) / 100
	err := parallel(ctx, workers, chunks, func(ctx context.Context, c int) error {
		part := unique[c*100 : min(len(unique), (c+1)*100)]
		ka := types.KeysAndAttributes{Keys: part, ConsistentRead: aws.Bool(true),
			ProjectionExpression: aws.String(strings.Join(proj, ", ")), ExpressionAttributeNames: names}
		return s.batchGet(ctx, "batch get", ka, func(it map[string]types.AttributeValue) {
			mu.Lock()
			found[itemID(it)] = it
			mu.Unlock()
		})
	})
	return found, err
}

// batchPutItems writes items, 25 per BatchWriteItem, in parallel,
// retrying what DynamoDB leaves unprocessed. No condition: the callers
// write only what they found missing, under keys no one else writes.
func (s *Store) batchPutItems(ctx context.Context, items []map[string]types.AttributeValue, workers int) error {
	// A batch must not name an item twice.
	last := map[string]int{}
	for i, it := range items {
		last[itemID(it)] = i
	}
	var unique []map[string]types.AttributeValue
	for i, it := range items {
		if last[itemID(it)] == i {
			unique = append(unique, it)
		}
	}
	chunks := (len(unique) + 24) / 25
	return parallel(ctx, workers, chunks, func(ctx context.Context, c int) error {
		part := unique[c*25 : min(len(unique), (c+1)*25)]
		reqs := make([]types.WriteRequest, len(part))
		for i, it := range part {
			reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
		}
		pending := map[string][]types.WriteRequest{s.table: reqs}
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 8 {
				return errors.New("batch write: unprocessed items after retries")
			}
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending, ReturnConsumedCapacity: totalCapacity})
			if err != nil {
				return fmt.Errorf("batch write: %w", err)
			}
			meterWrite(ctx, out.ConsumedCapacity...)
			pending = out.UnprocessedItems
			if err := backoff(ctx, attempt, len(pending) > 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// claimPut writes a marker item unless another owner holds it: cond is
// "absent, or ours". It returns the holder's item when it is not ours.
func (s *Store) claimPut(ctx context.Context, item map[string]types.AttributeValue, cond string, vals map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item,
		ConditionExpression:                 aws.String(cond),
		ExpressionAttributeValues:           vals,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              totalCapacity,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		meterFailedWrite(ctx)
		if ccf.Item == nil {
			return map[string]types.AttributeValue{}, nil
		}
		return ccf.Item, nil
	}
	if err != nil {
		return nil, err
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil, nil
}

// missing splits keys into those found (Existing) and the others, for
// the kinds written with batchPutItems.
func (s *Store) missing(ctx context.Context, keys []map[string]types.AttributeValue, workers int) ([]importer.Result, error) {
	found, err := s.batchGetItems(ctx, keys, nil, workers)
	if err != nil {
		return nil, err
	}
	res := make([]importer.Result, len(keys))
	seen := map[string]bool{}
	for i, k := range keys {
		id := itemID(k)
		if found[id] != nil || seen[id] {
			res[i].Status = importer.Existing
		}
		seen[id] = true
	}
	return res, nil
}

// putMissing writes the items whose result is New.
func (s *Store) putMissing(ctx context.Context, items []map[string]types.AttributeValue, res []importer.Result, o importer.WriteOptions) error {
	if o.DryRun {
		return nil
	}
	var todo []map[string]types.AttributeValue
	for i, it := range items {
		if res[i].Status == importer.New {
			todo = append(todo, it)
		}
	}
	return s.batchPutItems(ctx, todo, o.Workers)
}
