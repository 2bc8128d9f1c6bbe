package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// NextAuthTokenID allocates the integer id FlexiAPI shows on auth tokens.
func (s *Store) NextAuthTokenID(ctx context.Context) (int64, error) {
	return s.nextCounter(ctx, "auth_token_id")
}

// CreateAuthToken stores a new, unattached auth token.
func (s *Store) CreateAuthToken(ctx context.Context, t *account.AuthToken, expires time.Time) error {
	item := merge(authTokenKey(t.Token), map[string]types.AttributeValue{
		"type":              str("auth_token"),
		"id":                num(t.ID),
		"ip":                str(t.IP),
		"created_at":        timeAttr(t.CreatedAt),
		"updated_at":        timeAttr(t.UpdatedAt),
		schema.TTLAttribute: num(expires.Unix()),
	})
	if t.UserAgent != nil {
		item["user_agent"] = str(*t.UserAgent)
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item,
		ConditionExpression:    aws.String("attribute_not_exists(PK)"),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return fmt.Errorf("create auth token: %w", err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil
}

// AuthTokenByValue reads a token (strongly consistent: it is used within
// seconds of its creation).
func (s *Store) AuthTokenByValue(ctx context.Context, token string) (*account.AuthToken, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: authTokenKey(token), ConsistentRead: aws.Bool(true),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("load auth token: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return nil, account.ErrNotFound
	}
	return &account.AuthToken{
		ID:        getN(out.Item, "id"),
		Token:     token,
		IP:        getS(out.Item, "ip"),
		UserAgent: getOptS(out.Item, "user_agent"),
		AccountID: getN(out.Item, "account_id"),
		CreatedAt: getTime(out.Item, "created_at"),
		UpdatedAt: getTime(out.Item, "updated_at"),
	}, nil
}

// AttachAuthToken attaches a token once. The account owns the token from
// then on (a reference in its partition, ownedRefPut): deleting the
// account deletes it, as FlexiAPI's cascade does.
func (s *Store) AttachAuthToken(ctx context.Context, token string, accountID int64, now time.Time) error {
	ref := s.ownedRefPut(accountID, authTokenKey(token))
	// The reference outlives the token's own TTL (creation + 65 minutes).
	ref.Put.Item[schema.TTLAttribute] = num(now.Add(account.AuthTokenLifetime + 2*time.Hour).Unix())
	err := s.transact(ctx, []types.TransactWriteItem{{Update: &types.Update{
		TableName:                 &s.table,
		Key:                       authTokenKey(token),
		UpdateExpression:          aws.String("SET account_id = :id, updated_at = :now"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND attribute_not_exists(account_id)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": num(accountID), ":now": timeAttr(now)},
	}}, ref})
	var c *cancelled
	if errors.As(err, &c) {
		return account.ErrAlreadyChanged
	}
	if err != nil {
		return fmt.Errorf("attach auth token: %w", err)
	}
	return nil
}

// ConsumeAuthToken deletes an attached token; only one caller succeeds.
func (s *Store) ConsumeAuthToken(ctx context.Context, token string) error {
	out, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:              &s.table,
		Key:                    authTokenKey(token),
		ConditionExpression:    aws.String("attribute_exists(account_id)"),
		ReturnConsumedCapacity: totalCapacity,
	})
	if isConditionFailed(err) {
		meterFailedWrite(ctx)
		return account.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("consume auth token: %w", err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil
}
