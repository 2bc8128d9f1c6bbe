// Package store is the single DynamoDB table: the only package that
// imports the DynamoDB SDK. Key design: docs/access-patterns.md.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	smithylog "github.com/aws/smithy-go/logging"

	"github.com/flexiapi-serverless/flexiapi/shared/awsenv"
	"github.com/flexiapi-serverless/flexiapi/shared/capacity"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// Store implements the domains' storage interfaces on one table.
type Store struct {
	db    *dynamodb.Client
	table string
}

// New builds the client once (at a function's init), on shared/awsenv's
// configuration (AWS_ENDPOINT_URL_DYNAMODB locally).
func New(ctx context.Context, table string) (*Store, error) {
	cfg, err := awsenv.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	cfg.Logger = sdkLog
	// The CRC32 check duplicates what TLS guarantees, and DynamoDB Local
	// sends a wrong CRC32 with condition failures (the SDK then logs a
	// warning per failed condition): the same client runs everywhere.
	return NewWithClient(dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.DisableValidateResponseChecksum = true
		o.BaseEndpoint = awsenv.Endpoint(cfg, "AWS_ENDPOINT_URL_DYNAMODB")
	}), table), nil
}

// NewWithClient wraps an existing client.
func NewWithClient(db *dynamodb.Client, table string) *Store {
	return &Store{db: db, table: table}
}

// Client is the underlying DynamoDB client (commands and tests).
func (s *Store) Client() *dynamodb.Client { return s.db }

// Table is the table name.
func (s *Store) Table() string { return s.table }

// Item key prefixes (docs/access-patterns.md).
const (
	pfxAccount     = "ACCOUNT#"
	pfxSIP         = "SIP#"
	pfxTombstone   = "TOMBSTONE#"
	pfxEmail       = "EMAIL#"
	pfxPhone       = "PHONE#"
	pfxProvToken   = "PROVTOKEN#"
	pfxAPIKey      = "APIKEY#"
	pfxNonce       = "NONCE#"
	pfxAuthToken   = "AUTHTOKEN#"
	pfxCounter     = "COUNTER#"
	pfxDomain      = "DOMAIN#"
	pfxUnconfirmed = "UNCONFIRMED#"
	allAccounts    = "ACCOUNTS"
)

// key builds an item key. Every key goes through keyPart (bounds.go): a
// client string past DynamoDB's key limits names no item instead of
// failing the request.
func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{schema.PartitionKey: str(keyPart(pk, maxPartitionKey)), schema.SortKey: str(keyPart(sk, maxSortKey))}
}

// padID makes ids sort as numbers in sort keys.
func padID(id int64) string { return fmt.Sprintf("%012d", id) }

func accountKey(id int64) map[string]types.AttributeValue {
	return key(pfxAccount+strconv.FormatInt(id, 10), "ACCOUNT")
}

// SIP identities: the username exactly, the domain in lower case (DNS
// names are case-insensitive). The partition holds every domain of a
// username, so "is this username used anywhere" is one Query.
func sipKey(username, domain string) map[string]types.AttributeValue {
	return key(pfxSIP+username, strings.ToLower(domain))
}

func tombstoneKey(username, domain string) map[string]types.AttributeValue {
	return key(pfxTombstone+username, strings.ToLower(domain))
}

func emailKey(email string) map[string]types.AttributeValue {
	return key(pfxEmail+strings.ToLower(email), "EMAIL")
}

func phoneKey(phone string) map[string]types.AttributeValue { return key(pfxPhone+phone, "PHONE") }

func provTokenKey(token string) map[string]types.AttributeValue {
	return key(pfxProvToken+token, "PROVTOKEN")
}

func apiKeyKey(hash string) map[string]types.AttributeValue { return key(pfxAPIKey+hash, "APIKEY") }

func nonceKey(nonce string) map[string]types.AttributeValue { return key(pfxNonce+nonce, "NONCE") }

func authTokenKey(token string) map[string]types.AttributeValue {
	return key(pfxAuthToken+token, "AUTHTOKEN")
}

func counterKey(name string) map[string]types.AttributeValue { return key(pfxCounter+name, "COUNTER") }

var countsKey = key("COUNT#accounts", "COUNT")

// Attribute helpers.
func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func boolean(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }

func getS(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getOptS(item map[string]types.AttributeValue, name string) *string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		s := v.Value
		return &s
	}
	return nil
}

func getN(item map[string]types.AttributeValue, name string) int64 {
	if v, ok := item[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

func getBool(item map[string]types.AttributeValue, name string) bool {
	if v, ok := item[name].(*types.AttributeValueMemberBOOL); ok {
		return v.Value
	}
	return false
}

func getStringMap(item map[string]types.AttributeValue, name string) map[string]string {
	out := map[string]string{}
	if v, ok := item[name].(*types.AttributeValueMemberM); ok {
		for k, e := range v.Value {
			if s, ok := e.(*types.AttributeValueMemberS); ok {
				out[k] = s.Value
			}
		}
	}
	return out
}

func stringMap(m map[string]string) types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		out[k] = str(v)
	}
	return &types.AttributeValueMemberM{Value: out}
}

// timeFormat is how instants are stored: sortable, second precision.
const timeFormat = "2006-01-02T15:04:05Z"

func timeAttr(t time.Time) types.AttributeValue { return str(t.UTC().Format(timeFormat)) }

func getTime(item map[string]types.AttributeValue, name string) time.Time {
	t, _ := time.Parse(timeFormat, getS(item, name))
	return t
}

func getOptTime(item map[string]types.AttributeValue, name string) *time.Time {
	if _, ok := item[name]; !ok {
		return nil
	}
	t := getTime(item, name)
	return &t
}

// meter records the consumed capacity of a call on the request's meter.
func meterRead(ctx context.Context, cc ...types.ConsumedCapacity) {
	capacity.Add(ctx, sumUnits(cc), 0)
}

func meterWrite(ctx context.Context, cc ...types.ConsumedCapacity) {
	capacity.Add(ctx, 0, sumUnits(cc))
}

// meterWriteIndexes records a write that asked for ReturnConsumedCapacity
// INDEXES: its total and, apart, the units of its index entries (the
// statistics ingestion states its table part and its index part
// separately, docs/access-patterns.md "Statistics"). Without a breakdown
// (Table absent) it is an ordinary write.
func meterWriteIndexes(ctx context.Context, c *types.ConsumedCapacity) {
	if c == nil || c.Table == nil {
		meterWrite(ctx, ptrCC(c)...)
		return
	}
	var index float64
	for _, ix := range c.GlobalSecondaryIndexes {
		index += aws.ToFloat64(ix.CapacityUnits)
	}
	for _, ix := range c.LocalSecondaryIndexes {
		index += aws.ToFloat64(ix.CapacityUnits)
	}
	capacity.AddWrite(ctx, aws.ToFloat64(c.CapacityUnits), index)
}

// meterFailedWrite records a write whose condition failed: DynamoDB
// charges it as a write of the item, and it changes no index entry.
func meterFailedWrite(ctx context.Context) {
	capacity.AddWrite(ctx, 1, 0)
}

func sumUnits(cc []types.ConsumedCapacity) float64 {
	var total float64
	for _, c := range cc {
		if c.CapacityUnits != nil {
			total += *c.CapacityUnits
		}
	}
	return total
}

func ptrCC(c *types.ConsumedCapacity) []types.ConsumedCapacity {
	if c == nil {
		return nil
	}
	return []types.ConsumedCapacity{*c}
}

const totalCapacity = types.ReturnConsumedCapacityTotal

// indexesCapacity asks for the table's and each index's units.
const indexesCapacity = types.ReturnConsumedCapacityIndexes

// nextCounter allocates the next value of an atomic counter.
func (s *Store) nextCounter(ctx context.Context, name string) (int64, error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       counterKey(name),
		UpdateExpression:          aws.String("ADD #v :one"),
		ExpressionAttributeNames:  map[string]string{"#v": "value"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1)},
		ReturnValues:              types.ReturnValueUpdatedNew,
		ReturnConsumedCapacity:    totalCapacity,
	})
	if err != nil {
		return 0, fmt.Errorf("allocate %s: %w", name, err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return getN(out.Attributes, "value"), nil
}

// errConditionFailed marks a failed condition of a single-item write.
func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// transact runs a transaction, retrying conflicts with other transactions
// (DynamoDB cancels rather than waits). A failed condition is returned as
// *cancelled with the index of the item that failed.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) error {
	if len(items) == 1 {
		// A transaction costs twice the units of the same single write.
		return s.single(ctx, items[0])
	}
	var err error
	for attempt := 0; attempt < 6; attempt++ {
		var out *dynamodb.TransactWriteItemsOutput
		out, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
			TransactItems:          items,
			ReturnConsumedCapacity: totalCapacity,
		})
		if err == nil {
			meterWrite(ctx, out.ConsumedCapacity...)
			return nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return err
		}
		conflict := false
		var failed *cancelled
		for i, r := range tce.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "ConditionalCheckFailed":
				if failed == nil {
					failed = &cancelled{index: i}
				}
				failed.all = append(failed.all, i)
			case "TransactionConflict":
				conflict = true
			}
		}
		if failed != nil {
			return failed
		}
		if !conflict {
			return err
		}
		delay := time.Duration(10<<attempt)*time.Millisecond + time.Duration(rand.IntN(10))*time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
	return err
}

// single runs one transaction item as a plain conditional write.
func (s *Store) single(ctx context.Context, it types.TransactWriteItem) error {
	var cc *types.ConsumedCapacity
	var err error
	switch {
	case it.Put != nil:
		var out *dynamodb.PutItemOutput
		out, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: it.Put.TableName, Item: it.Put.Item,
			ConditionExpression: it.Put.ConditionExpression, ExpressionAttributeNames: it.Put.ExpressionAttributeNames,
			ExpressionAttributeValues: it.Put.ExpressionAttributeValues, ReturnConsumedCapacity: totalCapacity})
		if out != nil {
			cc = out.ConsumedCapacity
		}
	case it.Update != nil:
		var out *dynamodb.UpdateItemOutput
		out, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: it.Update.TableName, Key: it.Update.Key,
			UpdateExpression: it.Update.UpdateExpression, ConditionExpression: it.Update.ConditionExpression,
			ExpressionAttributeNames: it.Update.ExpressionAttributeNames, ExpressionAttributeValues: it.Update.ExpressionAttributeValues,
			ReturnConsumedCapacity: totalCapacity})
		if out != nil {
			cc = out.ConsumedCapacity
		}
	case it.Delete != nil:
		var out *dynamodb.DeleteItemOutput
		out, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: it.Delete.TableName, Key: it.Delete.Key,
			ConditionExpression: it.Delete.ConditionExpression, ExpressionAttributeNames: it.Delete.ExpressionAttributeNames,
			ExpressionAttributeValues: it.Delete.ExpressionAttributeValues, ReturnConsumedCapacity: totalCapacity})
		if out != nil {
			cc = out.ConsumedCapacity
		}
	default:
		return errors.New("store: a lone transaction item must be a put, update or delete")
	}
	if isConditionFailed(err) {
		meterFailedWrite(ctx)
		return &cancelled{index: 0}
	}
	if err != nil {
		return err
	}
	meterWrite(ctx, ptrCC(cc)...)
	return nil
}

// conditional runs one conditional write (a put, update or delete item):
// a failed condition is onFailed; any other error is wrapped with what.
func (s *Store) conditional(ctx context.Context, it types.TransactWriteItem, onFailed error, what string) error {
	err := s.single(ctx, it)
	var c *cancelled
	switch {
	case errors.As(err, &c):
		return onFailed
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// cancelled is a transaction cancelled by a failed condition: index is
// the first item whose condition failed, all every one.
type cancelled struct {
	index int
	all   []int
}

// failedAt reports whether the condition of item i failed.
func (c *cancelled) failedAt(i int) bool {
	for _, x := range c.all {
		if x == i {
			return true
		}
	}
	return c.index == i
}

func (c *cancelled) Error() string {
	return fmt.Sprintf("transaction item %d: condition failed", c.index)
}

func put(table string, item map[string]types.AttributeValue, cond string, vals map[string]types.AttributeValue) types.TransactWriteItem {
	p := &types.Put{TableName: aws.String(table), Item: item}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
		p.ExpressionAttributeValues = vals
	}
	return types.TransactWriteItem{Put: p}
}

func del(table string, k map[string]types.AttributeValue, cond string, vals map[string]types.AttributeValue) types.TransactWriteItem {
	d := &types.Delete{TableName: aws.String(table), Key: k}
	if cond != "" {
		d.ConditionExpression = aws.String(cond)
		d.ExpressionAttributeValues = vals
	}
	return types.TransactWriteItem{Delete: d}
}

func merge(maps ...map[string]types.AttributeValue) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// sdkLog writes the AWS SDK's messages (its warnings) as JSON lines, not
// as the plain text of its default logger.
var sdkLog = smithylog.LoggerFunc(func(c smithylog.Classification, format string, v ...any) {
	level := slog.LevelInfo
	if c == smithylog.Warn {
		level = slog.LevelWarn
	}
	logging.Printf(context.Background(), level, "aws-sdk", format, v...)
})
