package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

func typeKey(id int64) map[string]types.AttributeValue { return key(pkTypes, skTypeOfAcc+padID(id)) }

func typeKeyMarker(k string) map[string]types.AttributeValue {
	return key(pfxTypeKey+strings.ToLower(k), "TYPEKEY")
}

// typeChild is the attachment of a type to an account, in the account's
// partition, indexed by type (GSI1) for renames and deletions.
func typeChild(accountID, typeID int64) map[string]types.AttributeValue {
	return key(pfxAccount+idString(accountID), skTypeOfAcc+padID(typeID))
}

func typeItem(t *resource.AccountType) map[string]types.AttributeValue {
	return merge(typeKey(t.ID), map[string]types.AttributeValue{
		"type": str("account_type"), "id": num(t.ID), "key": str(t.Key),
		"created_at": timeAttr(t.CreatedAt), "updated_at": timeAttr(t.UpdatedAt),
	})
}

func typeFromItem(it map[string]types.AttributeValue) resource.AccountType {
	return resource.AccountType{ID: getN(it, "id"), Key: getS(it, "key"),
		CreatedAt: getTime(it, "created_at"), UpdatedAt: getTime(it, "updated_at")}
}

// CreateType writes the type and its key marker in one transaction, with
// the id the type counter gives it (t.ID is set): a taken key spends no
// id.
func (s *Store) CreateType(ctx context.Context, t *resource.AccountType) error {
	id, err := s.transactNewID(ctx, "type_id", t.ID, func(id int64) ([]types.TransactWriteItem, []error) {
		t.ID = id
		return []types.TransactWriteItem{
			put(s.table, typeItem(t), "attribute_not_exists(PK)", nil),
			put(s.table, merge(typeKeyMarker(t.Key), map[string]types.AttributeValue{"type": str("type_key"), "type_id": num(id)}),
				"attribute_not_exists(PK)", nil),
		}, []error{errNewID, resource.ErrKeyTaken}
	})
	if err != nil {
		t.ID = 0
		if errors.Is(err, resource.ErrKeyTaken) {
			return err
		}
		return fmt.Errorf("create type: %w", err)
	}
	t.ID = id
	return nil
}

// Types reads the TYPES partition (ascending id).
func (s *Store) Types(ctx context.Context) ([]resource.AccountType, error) {
	items, err := s.resQueryItems(ctx, pkTypes, skTypeOfAcc)
	if err != nil {
		return nil, fmt.Errorf("list types: %w", err)
	}
	out := make([]resource.AccountType, len(items))
	for i, it := range items {
		out[i] = typeFromItem(it)
	}
	return out, nil
}

// TypeByID reads one type.
func (s *Store) TypeByID(ctx context.Context, id int64) (*resource.AccountType, error) {
	it, err := s.resGetItem(ctx, typeKey(id))
	if err != nil || it == nil {
		return nil, resNotFound(err, "load type")
	}
	t := typeFromItem(it)
	return &t, nil
}

// UpdateType renames a type: the item (conditioned on the old key), the
// key markers, then the copies on the accounts that have it (GSI1).
func (s *Store) UpdateType(ctx context.Context, prev, next *resource.AccountType) error {
	id := num(prev.ID)
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &s.table, Key: typeKey(prev.ID),
		UpdateExpression:          aws.String("SET #k = :k, updated_at = :u"),
		ConditionExpression:       aws.String("#k = :old"),
		ExpressionAttributeNames:  map[string]string{"#k": "key"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": str(next.Key), ":u": timeAttr(next.UpdatedAt), ":old": str(prev.Key)},
	}}}
	if !strings.EqualFold(prev.Key, next.Key) {
		items = append(items,
			del(s.table, typeKeyMarker(prev.Key), "attribute_not_exists(PK) OR type_id = :id", map[string]types.AttributeValue{":id": id}),
			put(s.table, merge(typeKeyMarker(next.Key), map[string]types.AttributeValue{"type": str("type_key"), "type_id": id}),
				"attribute_not_exists(PK)", nil))
	}
	err := s.transact(ctx, items)
	var c *cancelled
	switch {
	case errors.As(err, &c) && c.index == 2:
		return resource.ErrKeyTaken
	case errors.As(err, &c):
		return account.ErrAlreadyChanged
	case err != nil:
		return fmt.Errorf("update type %d: %w", prev.ID, err)
	}
	if prev.Key == next.Key {
		return nil
	}
	return s.eachTypedAccount(ctx, prev.ID, func(accountKey map[string]types.AttributeValue) error {
		return s.resUpdateIgnoringCondition(ctx, &dynamodb.UpdateItemInput{
			TableName: &s.table, Key: accountKey,
			UpdateExpression:          aws.String("SET #t.#id = :k ADD #v :one"),
			ConditionExpression:       aws.String("attribute_exists(#t.#id)"),
			ExpressionAttributeNames:  map[string]string{"#t": attrTypes, "#id": idString(prev.ID), "#v": attrVersion},
			ExpressionAttributeValues: map[string]types.AttributeValue{":k": str(next.Key), ":one": num(1)},
		})
	})
}

// DeleteType removes the type and its marker, then detaches it from every
// account (GSI1 TYPEOF#<id>: no scan).
func (s *Store) DeleteType(ctx context.Context, t *resource.AccountType) error {
	err := s.transact(ctx, []types.TransactWriteItem{
		del(s.table, typeKey(t.ID), "attribute_exists(PK)", nil),
		del(s.table, typeKeyMarker(t.Key), "attribute_not_exists(PK) OR type_id = :id", map[string]types.AttributeValue{":id": num(t.ID)}),
	})
	var c *cancelled
	if errors.As(err, &c) {
		return resource.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("delete type %d: %w", t.ID, err)
	}
	var children []map[string]types.AttributeValue
	err = s.eachTypedAccount(ctx, t.ID, func(accountKey map[string]types.AttributeValue) error {
		children = append(children, typeChild(resIDAfter(getS(accountKey, schema.PartitionKey), pfxAccount), t.ID))
		return s.resUpdateIgnoringCondition(ctx, &dynamodb.UpdateItemInput{
			TableName: &s.table, Key: accountKey,
			UpdateExpression:          aws.String("REMOVE #t.#id ADD #v :one"),
			ConditionExpression:       aws.String("attribute_exists(#t.#id)"),
			ExpressionAttributeNames:  map[string]string{"#t": attrTypes, "#id": idString(t.ID), "#v": attrVersion},
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1)},
		})
	})
	if err != nil {
		return fmt.Errorf("detach type %d: %w", t.ID, err)
	}
	if len(children) == 0 {
		return nil
	}
	return s.batchDelete(ctx, children)
}

// eachTypedAccount calls f with the key of each account that has the type.
func (s *Store) eachTypedAccount(ctx context.Context, typeID int64, f func(map[string]types.AttributeValue) error) error {
	keys, err := s.resQueryKeys(ctx, "GSI1", pfxTypeOf+idString(typeID), "")
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := f(key(getS(k, schema.PartitionKey), "ACCOUNT")); err != nil {
			return err
		}
	}
	return nil
}

// AttachType adds the type to the account item and writes the child
// item, if the type still exists.
func (s *Store) AttachType(ctx context.Context, prev *account.Account, t resource.AccountType) error {
	next := *prev
	next.Types = append(append([]account.TypeRef(nil), prev.Types...), account.TypeRef{ID: t.ID, Key: t.Key})
	child := merge(typeChild(prev.ID, t.ID), map[string]types.AttributeValue{
		"type": str("account_type_link"), "GSI1PK": str(pfxTypeOf + idString(t.ID)), "GSI1SK": str(pfxAccount + padID(prev.ID)),
	})
	err := s.transact(ctx, []types.TransactWriteItem{
		{Update: s.resourcesUpdate(prev, &next)},
		put(s.table, child, "attribute_not_exists(PK)", nil),
		{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: typeKey(t.ID), ConditionExpression: aws.String("attribute_exists(PK)")}},
	})
	return resLinkError(err, []error{account.ErrAlreadyChanged, resource.ErrLinked, resource.ErrNotFound}, "attach type")
}

// DetachType removes the type from the account item and the child item.
func (s *Store) DetachType(ctx context.Context, prev *account.Account, typeID int64) error {
	next := *prev
	next.Types = nil
	for _, t := range prev.Types {
		if t.ID != typeID {
			next.Types = append(next.Types, t)
		}
	}
	err := s.transact(ctx, []types.TransactWriteItem{
		{Update: s.resourcesUpdate(prev, &next)},
		del(s.table, typeChild(prev.ID, typeID), "", nil),
	})
	return resLinkError(err, []error{account.ErrAlreadyChanged}, "detach type")
}

// resLinkError maps a cancelled transaction to the meaning of the item that
// failed.
func resLinkError(err error, meaning []error, what string) error {
	var c *cancelled
	switch {
	case err == nil:
		return nil
	case errors.As(err, &c) && c.index < len(meaning):
		return meaning[c.index]
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// getItem reads one item (strongly consistent); nil when absent.
func (s *Store) resGetItem(ctx context.Context, k map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: k, ConsistentRead: aws.Bool(true),
		ReturnConsumedCapacity: totalCapacity})
	if err != nil {
		return nil, err
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	return out.Item, nil
}

func resNotFound(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return resource.ErrNotFound
}

// resQueryItems reads a whole partition of the table (strongly consistent),
// with an optional sort key prefix.
func (s *Store) resQueryItems(ctx context.Context, pk, skPrefix string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkValue(pk)), ":sk": str(skPrefix)},
		ConsistentRead:            aws.Bool(true),
		ReturnConsumedCapacity:    totalCapacity,
	}
	var items []map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		items = append(items, out.Items...)
		if in.ExclusiveStartKey = out.LastEvaluatedKey; in.ExclusiveStartKey == nil {
			return items, nil
		}
	}
}

// resUpdateIgnoringCondition runs an update whose failed condition means
// "nothing to do" (the item went away or was already changed).
func (s *Store) resUpdateIgnoringCondition(ctx context.Context, in *dynamodb.UpdateItemInput) error {
	in.ReturnConsumedCapacity = totalCapacity
	out, err := s.db.UpdateItem(ctx, in)
	if isConditionFailed(err) {
		meterFailedWrite(ctx)
		return nil
	}
	if err != nil {
		return err
	}
	meterWrite(ctx, ptrCC(out.ConsumedCapacity)...)
	return nil
}
