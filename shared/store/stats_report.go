package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/stats"
)

// The read-back of a period: one GSI5 Query per UTC day (and per page of
// 1 MB), never a scan. A cursor is "<day>|<time>|<id>" of the last event
// returned: enough to rebuild the ExclusiveStartKey of that day's Query;
// "<day>|" starts a day.

const dayLayout = "2006-01-02"

// PeriodCalls reads the calls of a sender domain in [from, to).
func (s *Store) PeriodCalls(ctx context.Context, domain string, from, to time.Time, cursor string, limit int) ([]stats.Call, string, error) {
	var out []stats.Call
	next, err := s.period(ctx, "CALL", domain, from, to, cursor, limit, func(item map[string]types.AttributeValue) {
		out = append(out, *callFromItem(item))
	})
	return out, next, err
}

// PeriodMessages reads the messages of a sender domain in [from, to).
func (s *Store) PeriodMessages(ctx context.Context, domain string, from, to time.Time, cursor string, limit int) ([]stats.Message, string, error) {
	var out []stats.Message
	next, err := s.period(ctx, "MSG", domain, from, to, cursor, limit, func(item map[string]types.AttributeValue) {
		out = append(out, *messageFromItem(item))
	})
	return out, next, err
}

func (s *Store) period(ctx context.Context, kind, domain string, from, to time.Time, cursor string, limit int,
	emit func(map[string]types.AttributeValue)) (string, error) {
	from, to = from.UTC(), to.UTC()
	lo := from.Format(timeFormat)
	hi := to.Add(-time.Second).Format(timeFormat)
	day := from.Truncate(24 * time.Hour)
	var start map[string]types.AttributeValue
	if cursor != "" {
		parts := strings.Split(cursor, "|")
		cd, err := time.Parse(dayLayout, parts[0])
		if err != nil || cd.Before(day) || !cd.Before(to) || len(parts) != 2 && len(parts) != 3 || len(parts) == 2 && parts[1] != "" {
			return "", stats.ErrBadCursor
		}
		day = cd
		if len(parts) == 3 {
			sk, id := parts[1], parts[2]
			if sk < lo || sk > hi || !strings.HasPrefix(sk, parts[0]) || len(id) == 0 || len(id) > stats.MaxIDLength {
				return "", stats.ErrBadCursor
			}
			start = merge(key(map[string]string{"CALL": pfxCall, "MSG": pfxMessage}[kind]+id, kind), map[string]types.AttributeValue{
				"GSI5PK": str(statsDayPK(kind, domain, cd)), "GSI5SK": str(sk)})
		}
	}
	now := time.Now()
	n := 0
	var last string // cursor of the last event emitted
	// Each Query asks for one event more than the page still needs: when
	// it comes, the page is full and there is a next one (no empty last
	// page).
	for ; day.Before(to); day, start = day.Add(24*time.Hour), nil {
		pk := statsDayPK(kind, domain, day)
		for {
			out, err := s.db.Query(ctx, &dynamodb.QueryInput{
				TableName: &s.table, IndexName: aws.String(statsIndex),
				KeyConditionExpression:    aws.String("GSI5PK = :pk AND GSI5SK BETWEEN :lo AND :hi"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":lo": str(lo), ":hi": str(hi)},
				ExclusiveStartKey:         start,
				Limit:                     aws.Int32(int32(limit - n + 1)),
				ReturnConsumedCapacity:    totalCapacity,
			})
			if err != nil {
				return "", fmt.Errorf("statistics of %s: %w", pk, err)
			}
			meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
			for _, item := range out.Items {
				// TTL deletes lazily: an expired event is already gone.
				if exp := getN(item, "expires_at"); exp > 0 && exp <= now.Unix() {
					continue
				}
				if n == limit {
					return last, nil
				}
				emit(item)
				n++
				sk := getS(item, "GSI5SK")
				last = sk[:len(dayLayout)] + "|" + sk + "|" + strings.TrimPrefix(strings.TrimPrefix(getS(item, "PK"), pfxCall), pfxMessage)
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			start = out.LastEvaluatedKey
		}
	}
	return "", nil
}

// DeleteStatisticsFrom removes the messages and calls an account sent
// (FlexiAPI deletes them with the account on an admin deletion;
// rows where it is only the recipient stay): a GSI2 Query by sender and
// one DeleteItem per event (a device is an attribute of its event), a few
// at a time, never a scan. It returns how many events it deleted.
func (s *Store) DeleteStatisticsFrom(ctx context.Context, username, domain string) (int, error) {
	var start map[string]types.AttributeValue
	deleted := 0
	for {
		out, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName: &s.table, IndexName: aws.String("GSI2"),
			KeyConditionExpression:    aws.String("GSI2PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(statsFromPK(username, domain))},
			ExclusiveStartKey:         start,
			ReturnConsumedCapacity:    totalCapacity,
		})
		if err != nil {
			return deleted, fmt.Errorf("statistics of %s@%s: %w", username, domain, err)
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		if err := s.deleteKeys(ctx, out.Items); err != nil {
			return deleted, err
		}
		deleted += len(out.Items)
		if len(out.LastEvaluatedKey) == 0 {
			return deleted, nil
		}
		start = out.LastEvaluatedKey
	}
}

// statsDeleteWorkers bounds the parallel deletions of one account.
const statsDeleteWorkers = 8

func (s *Store) deleteKeys(ctx context.Context, items []map[string]types.AttributeValue) error {
	errs := make(chan error, len(items))
	sem := make(chan struct{}, statsDeleteWorkers)
	var wg sync.WaitGroup
	for _, it := range items {
		k := key(getS(it, "PK"), getS(it, "SK"))
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: k, ReturnConsumedCapacity: totalCapacity})
			if err != nil {
				errs <- err
				return
			}
			meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
