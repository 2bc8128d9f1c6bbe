package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Key prefixes of the creation flows (docs/access-patterns.md).
const (
	pfxCreationToken = "CREATIONTOKEN#"
	pfxRequestToken  = "REQTOKEN#"
	pfxPushDevice    = "PUSHDEVICE#"
)

func creationTokenKey(token string) map[string]types.AttributeValue {
	return key(pfxCreationToken+token, "CREATIONTOKEN")
}

func requestTokenKey(token string) map[string]types.AttributeValue {
	return key(pfxRequestToken+token, "REQTOKEN")
}

// pushDevicePK names a device in GSI1: a digest of the three push fields,
// so that no separator can make two devices collide and the key stays
// short whatever the fields hold.
func pushDevicePK(to account.PushTarget) string {
	h := sha256.New()
	for _, f := range []string{to.Provider, to.Param, to.PRID} {
		fmt.Fprintf(h, "%d:%s", len(f), f)
	}
	return pfxPushDevice + hex.EncodeToString(h.Sum(nil))
}

// CreateCreationToken stores a new, unused token.
func (s *Store) CreateCreationToken(ctx context.Context, t *account.CreationToken) error {
	item := merge(creationTokenKey(t.Token), map[string]types.AttributeValue{
		"type":       str("creation_token"),
		"used":       boolean(false),
		"ip":         str(t.IP),
		"user_agent": str(t.UserAgent),
		"created_at": timeAttr(t.CreatedAt),
		"updated_at": timeAttr(t.UpdatedAt),
	})
	if p := t.Push; p != nil {
		item["pn_provider"], item["pn_param"], item["pn_prid"] = str(p.Provider), str(p.Param), str(p.PRID)
	}
	return s.putNew(ctx, item, "create creation token")
}

func (s *Store) putNew(ctx context.Context, item map[string]types.AttributeValue, what string) error {
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item,
		ConditionExpression:    aws.String("attribute_not_exists(PK)"),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil
}

func (s *Store) getItem(ctx context.Context, k map[string]types.AttributeValue, what string) (map[string]types.AttributeValue, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: k, ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return nil, account.ErrNotFound
	}
	return out.Item, nil
}

// CreationTokenByValue reads a token (strongly consistent).
func (s *Store) CreationTokenByValue(ctx context.Context, token string) (*account.CreationToken, error) {
	item, err := s.getItem(ctx, creationTokenKey(token), "load creation token")
	if err != nil {
		return nil, err
	}
	t := &account.CreationToken{
		Token: token, Used: getBool(item, "used"), AccountID: getN(item, "account_id"),
		IP: getS(item, "ip"), UserAgent: getS(item, "user_agent"),
		CreatedAt: getTime(item, "created_at"), UpdatedAt: getTime(item, "updated_at"),
	}
	if _, ok := item["pn_provider"]; ok {
		t.Push = &account.PushTarget{Provider: getS(item, "pn_provider"), Param: getS(item, "pn_param"), PRID: getS(item, "pn_prid")}
	}
	return t, nil
}

// PushTokenUsedSince queries GSI1, where a pushed token is indexed once
// used (sparse: unused tokens do not throttle), by creation time.
func (s *Store) PushTokenUsedSince(ctx context.Context, to account.PushTarget, since time.Time) (bool, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		IndexName:              aws.String("GSI1"),
		KeyConditionExpression: aws.String("GSI1PK = :pk AND GSI1SK >= :since"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(pushDevicePK(to)), ":since": timeAttr(since),
		},
		Limit:                  aws.Int32(1),
		Select:                 types.SelectCount,
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return false, fmt.Errorf("look up used push tokens: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	return out.Count > 0, nil
}

// CreateRequestToken stores a new request token.
func (s *Store) CreateRequestToken(ctx context.Context, t *account.RequestToken) error {
	return s.putNew(ctx, merge(requestTokenKey(t.Token), map[string]types.AttributeValue{
		"type":       str("request_token"),
		"used":       boolean(false),
		"created_at": timeAttr(t.CreatedAt),
		"updated_at": timeAttr(t.UpdatedAt),
	}), "create request token")
}

// RequestTokenByValue reads a request token (strongly consistent).
func (s *Store) RequestTokenByValue(ctx context.Context, token string) (*account.RequestToken, error) {
	item, err := s.getItem(ctx, requestTokenKey(token), "load request token")
	if err != nil {
		return nil, err
	}
	return &account.RequestToken{
		Token: token, Used: getBool(item, "used"), ValidatedAt: getOptTime(item, "validated_at"),
		CreationToken: getS(item, "creation_token"),
		CreatedAt:     getTime(item, "created_at"), UpdatedAt: getTime(item, "updated_at"),
	}, nil
}

// ValidateRequestToken sets validated_at of an existing, unused token.
func (s *Store) ValidateRequestToken(ctx context.Context, token string, now time.Time) error {
	return s.conditional(ctx, types.TransactWriteItem{Update: &types.Update{
		TableName:                 &s.table,
		Key:                       requestTokenKey(token),
		UpdateExpression:          aws.String("SET validated_at = :now, updated_at = :now"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND used = :f"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": timeAttr(now), ":f": boolean(false)},
	}}, account.ErrTokenInvalid, "validate request token")
}

// ExchangeRequestToken marks the request token used (only if validated
// and unused) and stores the creation token, in one transaction.
func (s *Store) ExchangeRequestToken(ctx context.Context, request string, t *account.CreationToken) error {
	created := merge(creationTokenKey(t.Token), map[string]types.AttributeValue{
		"type": str("creation_token"), "used": boolean(false), "ip": str(t.IP), "user_agent": str(t.UserAgent),
		"created_at": timeAttr(t.CreatedAt), "updated_at": timeAttr(t.UpdatedAt),
	})
	err := s.transact(ctx, []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: requestTokenKey(request),
			UpdateExpression:    aws.String("SET used = :t, creation_token = :c, updated_at = :now"),
			ConditionExpression: aws.String("attribute_exists(PK) AND used = :f AND attribute_exists(validated_at)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":t": boolean(true), ":f": boolean(false), ":c": str(t.Token), ":now": timeAttr(t.CreatedAt),
			},
		}},
		put(s.table, created, "attribute_not_exists(PK)", nil),
	})
	var c *cancelled
	if errors.As(err, &c) && c.index == 0 {
		// Which condition failed decides the answer: read it.
		r, rerr := s.RequestTokenByValue(ctx, request)
		switch {
		case errors.Is(rerr, account.ErrNotFound), rerr == nil && r.Used:
			return account.ErrTokenInvalid
		case rerr != nil:
			return rerr
		case r.ValidatedAt == nil:
			return account.ErrNotValidated
		}
		return fmt.Errorf("exchange request token: %w", account.ErrAlreadyChanged)
	}
	if err != nil {
		return fmt.Errorf("exchange request token: %w", err)
	}
	return nil
}

// consumeToken marks a creation token used by an account, only if it is
// unused; a pushed token enters GSI1 (the send-by-push retry window).
func (s *Store) consumeToken(use account.TokenUse, accountID int64) types.TransactWriteItem {
	set := "SET used = :t, account_id = :id, updated_at = :now"
	vals := map[string]types.AttributeValue{
		":t": boolean(true), ":f": boolean(false), ":id": num(accountID), ":now": timeAttr(use.Now),
	}
	if use.Push != nil {
		set += ", GSI1PK = :dev, GSI1SK = :created"
		vals[":dev"], vals[":created"] = str(pushDevicePK(*use.Push)), timeAttr(use.PushCreatedAt)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: creationTokenKey(use.Token),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_exists(PK) AND used = :f"),
		ExpressionAttributeValues: vals,
	}}
}

func (s *Store) absent(k map[string]types.AttributeValue) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: k, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}
}

// CreateAccountWithToken creates the account and consumes the token in one
// transaction.
func (s *Store) CreateAccountWithToken(ctx context.Context, a *account.Account, emailUnique bool, use account.TokenUse) error {
	return s.createAccount(ctx, a, emailUnique, func(id int64) ([]types.TransactWriteItem, []error) {
		var extra []types.TransactWriteItem
		var errs []error
		if use.CheckPhone != "" {
			extra, errs = append(extra, s.absent(phoneKey(use.CheckPhone))), append(errs, account.ErrPhoneTaken)
		}
		if use.CheckEmail != "" && emailUnique {
			extra, errs = append(extra, s.absent(emailKey(use.CheckEmail))), append(errs, account.ErrEmailTaken)
		}
		extra, errs = append(extra, s.consumeToken(use, id)), append(errs, account.ErrTokenInvalid)
		// The account owns the token it used: deleting the account deletes
		// it, as FlexiAPI's foreign key cascade does.
		extra, errs = append(extra, s.ownedRefPut(id, creationTokenKey(use.Token))), append(errs, nil)
		return extra, errs
	})
}

// SetConfirmationKeyWithToken sets the account's confirmation key and
// consumes the token, in one transaction.
func (s *Store) SetConfirmationKeyWithToken(ctx context.Context, a *account.Account, key string, use account.TokenUse) error {
	err := s.transact(ctx, []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression:    aws.String("SET confirmation_key = :k, updated_at = :now"),
			ConditionExpression: aws.String("attribute_exists(PK) AND username = :user"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":k": str(key), ":now": timeAttr(use.Now), ":user": str(a.Username),
			},
		}},
		s.consumeToken(use, a.ID),
	})
	var c *cancelled
	switch {
	case errors.As(err, &c) && c.index == 1:
		return account.ErrTokenInvalid
	case errors.As(err, &c):
		return fmt.Errorf("set confirmation key of account %d: %w", a.ID, account.ErrAlreadyChanged)
	case err != nil:
		return fmt.Errorf("set confirmation key of account %d: %w", a.ID, err)
	}
	return nil
}

// ActivateWithKey activates the account and clears its key, only if the
// key is still the one given.
func (s *Store) ActivateWithKey(ctx context.Context, a *account.Account, key string, now time.Time) (*account.Account, error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       accountKey(a.ID),
		UpdateExpression:          aws.String("SET activated = :t, updated_at = :now REMOVE confirmation_key, GSI4PK, GSI4SK"),
		ConditionExpression:       aws.String("confirmation_key = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": boolean(true), ":now": timeAttr(now), ":k": str(key)},
		ReturnValues:              types.ReturnValueAllNew,
		ReturnConsumedCapacity:    totalCapacity,
	})
	if isConditionFailed(err) {
		meterFailedWrite(ctx)
		return nil, account.ErrAlreadyChanged
	}
	if err != nil {
		return nil, fmt.Errorf("activate account %d: %w", a.ID, err)
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return accountFromItem(out.Attributes), nil
}

// AccountByPhone reads the phone marker (the alias), then its account.
func (s *Store) AccountByPhone(ctx context.Context, phone string) (*account.Account, error) {
	item, err := s.getItem(ctx, phoneKey(phone), "load phone marker")
	if err != nil {
		return nil, err
	}
	return s.AccountByID(ctx, getN(item, "account_id"))
}
