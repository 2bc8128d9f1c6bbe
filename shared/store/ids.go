package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// errNewID marks, in build's errors, the items written under the new id:
// their condition (the key is free) fails only when another writer took
// the id, which the counter's condition reports too.
var errNewID = errors.New("the new id is taken")

// raced reports whether the failed conditions are those of an id taken by
// another writer.
func raced(c *cancelled, failed []error) bool {
	return c.index < len(failed) && errors.Is(failed[c.index], errNewID)
}

// maxIDAttempts bounds the allocations lost to concurrent ones (each loss
// means another writer got an id: the loop always progresses).
const maxIDAttempts = 40

// errIDRace is an allocation lost too many times in a row.
var errIDRace = fmt.Errorf("allocate an id: lost to concurrent allocations: %w", account.ErrAlreadyChanged)

// transactNewID writes something new under the next value of a counter,
// with the counter's move in the same transaction: the counter is read,
// build makes the transaction's items for value+1 (and the error each
// item's failed condition means), and the counter's SET to value+1,
// conditioned on the value read, joins them. A transaction a condition of
// its own items refuses (a taken username, a used token, a taken title)
// leaves the counter where it was: no id is spent on a failed creation.
// A concurrent allocation (the counter's condition) is retried with a
// fresh read. It returns the id written.
//
// An id given by the caller (preset, not 0: an import keeping FlexiAPI's
// ids, a test) is written as it is, without the counter.
func (s *Store) transactNewID(ctx context.Context, counter string, preset int64, build func(id int64) ([]types.TransactWriteItem, []error)) (int64, error) {
	if preset != 0 {
		items, failed := build(preset)
		err := s.transact(ctx, items)
		var c *cancelled
		switch {
		case err == nil:
			return preset, nil
		case errors.As(err, &c) && c.index < len(failed) && failed[c.index] != nil && !errors.Is(failed[c.index], errNewID):
			return 0, failed[c.index]
		case errors.As(err, &c):
			return 0, fmt.Errorf("write under %s %d: condition failure on item %d", counter, preset, c.index)
		}
		return 0, fmt.Errorf("write under %s %d: %w", counter, preset, err)
	}
	for attempt := 0; attempt < maxIDAttempts; attempt++ {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: &s.table, Key: counterKey(counter), ConsistentRead: aws.Bool(true),
			ProjectionExpression: aws.String("#v"), ExpressionAttributeNames: map[string]string{"#v": "value"},
			ReturnConsumedCapacity: totalCapacity,
		})
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", counter, err)
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		cur := getN(out.Item, "value")
		id := cur + 1
		items, failed := build(id)
		move := &types.Update{
			TableName: &s.table, Key: counterKey(counter),
			UpdateExpression:          aws.String("SET #v = :next"),
			ExpressionAttributeNames:  map[string]string{"#v": "value"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":next": num(id)},
		}
		if out.Item == nil {
			move.ConditionExpression = aws.String("attribute_not_exists(#v)")
		} else {
			move.ConditionExpression = aws.String("#v = :cur")
			move.ExpressionAttributeValues[":cur"] = num(cur)
		}
		err = s.transact(ctx, append(items, types.TransactWriteItem{Update: move}))
		var c *cancelled
		switch {
		case err == nil:
			return id, nil
		case errors.As(err, &c) && (c.failedAt(len(items)) || raced(c, failed)):
			// Another writer took this id: read again after a short pause.
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond):
			}
			continue
		case errors.As(err, &c) && c.index < len(failed) && failed[c.index] != nil:
			return 0, failed[c.index]
		case errors.As(err, &c):
			return 0, fmt.Errorf("write under a new %s: unexpected condition failure on item %d", counter, c.index)
		}
		return 0, fmt.Errorf("write under a new %s: %w", counter, err)
	}
	return 0, errIDRace
}
