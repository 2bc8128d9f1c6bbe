package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/extauth"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

var _ extauth.Store = (*Store)(nil)

// pfxExtNonce keys the uses of Flexisip's own nonces by account and nonce
// (its nonces are not ours, so not NONCE#): one item per accepted nc.
const pfxExtNonce = "EXTNONCE#"

func extNonceKey(accountID int64, nonce, nc string) map[string]types.AttributeValue {
	return key(pfxExtNonce+strconv.FormatInt(accountID, 10)+"#"+nonce, "NC#"+nc)
}

// AccountState reads what the SIP check needs of an account item, with an
// eventually consistent read (an activation or a new display name shows
// within DynamoDB's replication delay). The projection trims the answer,
// not the units: they follow the item's size.
func (s *Store) AccountState(ctx context.Context, accountID int64) (*extauth.AccountState, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              &s.table,
		Key:                    accountKey(accountID),
		ProjectionExpression:   aws.String("activated, activation_expires, display_name"),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("load account %d state: %w", accountID, err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return nil, extauth.ErrNotFound
	}
	st := &extauth.AccountState{Activated: getBool(out.Item, "activated"),
		ActivationExpires: getOptTime(out.Item, "activation_expires")}
	if n := getOptS(out.Item, "display_name"); n != nil {
		st.DisplayName = *n
	}
	return st, nil
}

// UseExternalNonce records an accepted (nonce, nc) of an account with one
// conditional PutItem, which expires with its TTL; a second use of the
// same pair fails the condition (false).
func (s *Store) UseExternalNonce(ctx context.Context, accountID int64, nonce, nc string, expires time.Time) (bool, error) {
	item := merge(extNonceKey(accountID, nonce, nc), map[string]types.AttributeValue{
		"type":              str("ext_nonce"),
		schema.TTLAttribute: num(expires.Unix()),
	})
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:              &s.table,
		Item:                   item,
		ConditionExpression:    aws.String("attribute_not_exists(PK)"),
		ReturnConsumedCapacity: totalCapacity,
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		meterFailedWrite(ctx)
		return false, nil
	case err != nil:
		return false, fmt.Errorf("record the use of a Flexisip nonce: %w", err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return true, nil
}
