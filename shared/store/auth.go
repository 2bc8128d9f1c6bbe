package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

var _ authn.Store = (*Store)(nil)

// CardBySIP reads the SIP identity item with an eventually consistent
// read (half a read unit): a Digest round is two of them plus one write.
// A password change or a block reaches it within DynamoDB's replication
// delay (typically well under a second).
func (s *Store) CardBySIP(ctx context.Context, username, domain string) (*authn.Card, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: sipKey(username, domain), ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("load SIP identity: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return nil, authn.ErrNotFound
	}
	return &authn.Card{
		AccountID: getN(out.Item, "account_id"),
		Username:  getS(out.Item, "username"),
		Domain:    getS(out.Item, "domain"),
		Passwords: getStringMap(out.Item, "passwords"),
		Admin:     getBool(out.Item, "admin"),
		Blocked:   getBool(out.Item, "blocked"),
	}, nil
}

// CardByEmail finds the first account (lowest id) with an email, on GSI3.
func (s *Store) CardByEmail(ctx context.Context, email string) (*authn.Card, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.table,
		IndexName:                 aws.String("GSI3"),
		KeyConditionExpression:    aws.String("GSI3PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkValue(pfxEmail + strings.ToLower(email)))},
		Limit:                     aws.Int32(1),
		ReturnConsumedCapacity:    totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("look up email: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if len(out.Items) == 0 {
		return nil, authn.ErrNotFound
	}
	it := out.Items[0]
	return &authn.Card{
		AccountID: getN(it, "id"),
		Username:  getS(it, "username"),
		Domain:    getS(it, "domain"),
		Admin:     getBool(it, "admin"),
		Blocked:   getBool(it, "blocked"),
	}, nil
}

// APIKey reads a key item, strongly consistent so that a key works the
// moment it is issued (one read unit).
func (s *Store) APIKey(ctx context.Context, hash string) (*authn.KeyRecord, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: apiKeyKey(hash), ConsistentRead: aws.Bool(true),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("load API key: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil || getN(out.Item, "account_id") == 0 {
		return nil, authn.ErrNotFound
	}
	return &authn.KeyRecord{
		AccountID:  getN(out.Item, "account_id"),
		Username:   getS(out.Item, "username"),
		Domain:     getS(out.Item, "domain"),
		Admin:      getBool(out.Item, "admin"),
		Blocked:    getBool(out.Item, "blocked"),
		LastUsedAt: time.Unix(getN(out.Item, "last_used_at"), 0),
	}, nil
}

// TouchAPIKey records a use of a key and pushes its expiry back; a zero
// expires (a key that never expires) removes the TTL.
func (s *Store) TouchAPIKey(ctx context.Context, hash string, now, expires time.Time) error {
	update := "SET last_used_at = :now, expires_at = :exp"
	vals := map[string]types.AttributeValue{":now": num(now.Unix()), ":exp": num(expires.Unix())}
	if expires.IsZero() {
		update = "SET last_used_at = :now REMOVE expires_at"
		delete(vals, ":exp")
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       apiKeyKey(hash),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: vals,
		ReturnConsumedCapacity:    totalCapacity,
	})
	if err != nil {
		return fmt.Errorf("touch API key: %w", err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil
}

// ReplaceAPIKey gives the account a new key item (with the guard's data)
// and drops the previous one, in one transaction; a zero expires gives
// the item no TTL (a key that never expires). The condition on the
// account makes two concurrent refreshes leave exactly one key.
func (s *Store) ReplaceAPIKey(ctx context.Context, a *account.Account, keyHash string, now, expires time.Time) error {
	keyItem := merge(apiKeyKey(keyHash), map[string]types.AttributeValue{
		"type":              str("api_key"),
		"account_id":        num(a.ID),
		"username":          str(a.Username),
		"domain":            str(a.Domain),
		"admin":             boolean(a.Admin != nil),
		"blocked":           boolean(a.Blocked),
		"created_at":        timeAttr(now),
		"last_used_at":      num(now.Unix()),
		schema.TTLAttribute: num(expires.Unix()),
	})
	if expires.IsZero() {
		delete(keyItem, schema.TTLAttribute) // a key that never expires
	}
	cond := "attribute_exists(PK) AND attribute_not_exists(api_key_hash) AND blocked = :b"
	vals := map[string]types.AttributeValue{":h": str(keyHash), ":b": boolean(a.Blocked)}
	if a.APIKeyHash != "" {
		cond = "attribute_exists(PK) AND api_key_hash = :old AND blocked = :b"
		vals[":old"] = str(a.APIKeyHash)
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression:          aws.String("SET api_key_hash = :h"),
			ConditionExpression:       aws.String(cond),
			ExpressionAttributeValues: vals,
		}},
		put(s.table, keyItem, "attribute_not_exists(PK)", nil),
	}
	if a.APIKeyHash != "" {
		items = append(items, del(s.table, apiKeyKey(a.APIKeyHash), "", nil))
	}
	err := s.transact(ctx, items)
	var c *cancelled
	if errors.As(err, &c) {
		return fmt.Errorf("replace API key of account %d: %w", a.ID, account.ErrAlreadyChanged)
	}
	if err != nil {
		return fmt.Errorf("replace API key of account %d: %w", a.ID, err)
	}
	return nil
}

// UseNonce counts one accepted use of a nonce with a single conditional
// update: accepted only if nc is above the uses so far and the nonce was
// not burnt (FlexiAPI's rule, made atomic).
func (s *Store) UseNonce(ctx context.Context, nonce string, nc uint32, expires time.Time) (authn.NonceUse, error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        &s.table,
		Key:              nonceKey(nonce),
		UpdateExpression: aws.String("SET nc = if_not_exists(nc, :zero) + :one, expires_at = :exp"),
		ConditionExpression: aws.String(
			"attribute_not_exists(revoked) AND (attribute_not_exists(nc) OR nc < :nc)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": num(0), ":one": num(1), ":nc": num(int64(nc)), ":exp": num(expires.Unix()),
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              totalCapacity,
	})
	if err == nil {
		meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
		return authn.NonceAccepted, nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		// A failed condition still consumes a write unit.
		meterFailedWrite(ctx)
		if getBool(ccf.Item, "revoked") {
			return authn.NonceRevoked, nil
		}
		return authn.NonceReplayed, nil
	}
	return 0, fmt.Errorf("count nonce use: %w", err)
}

// RevokeNonce burns a nonce until it expires.
func (s *Store) RevokeNonce(ctx context.Context, nonce string, expires time.Time) error {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       nonceKey(nonce),
		UpdateExpression:          aws.String("SET revoked = :t, expires_at = :exp"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": boolean(true), ":exp": num(expires.Unix())},
		ReturnConsumedCapacity:    totalCapacity,
	})
	if err != nil {
		return fmt.Errorf("revoke nonce: %w", err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil
}
