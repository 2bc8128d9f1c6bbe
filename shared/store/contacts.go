package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// contactChild is a direct contact, in the account's partition, indexed
// by the contact (GSI1 CONTACTOF#<contact id>) for its deletion.
func contactChild(accountID, contactID int64) map[string]types.AttributeValue {
	return key(pfxAccount+idString(accountID), skContact+padID(contactID))
}

// AddContact writes the link if it is new and both accounts still exist.
func (s *Store) AddContact(ctx context.Context, accountID int64, c *account.Account) error {
	item := merge(contactChild(accountID, c.ID), map[string]types.AttributeValue{
		"type": str("contact"), "GSI1PK": str(pfxContactOf + idString(c.ID)), "GSI1SK": str(pfxAccount + padID(accountID)),
	})
	exists := func(id int64) types.TransactWriteItem {
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: accountKey(id),
			ConditionExpression: aws.String("attribute_exists(PK)")}}
	}
	items := []types.TransactWriteItem{put(s.table, item, "attribute_not_exists(PK)", nil), exists(accountID)}
	if c.ID != accountID { // an account may be its own contact; a transaction names an item once
		items = append(items, exists(c.ID))
	}
	return resLinkError(s.transact(ctx, items), []error{resource.ErrLinked, resource.ErrNotFound, resource.ErrNotFound}, "add contact")
}

// RemoveContact deletes the link (ErrNotLinked when there is none).
func (s *Store) RemoveContact(ctx context.Context, accountID, contactID int64) error {
	return s.deleteLink(ctx, contactChild(accountID, contactID), "remove contact")
}

// HasContact reads the link.
func (s *Store) HasContact(ctx context.Context, accountID, contactID int64) (bool, error) {
	it, err := s.resGetItem(ctx, contactChild(accountID, contactID))
	if err != nil {
		return false, fmt.Errorf("load contact: %w", err)
	}
	return it != nil, nil
}

// ContactSources reads the direct contacts and the attached lists of an
// account with one Query: both sort between "CLIST#" and "CONTACT$" in the
// account's partition (the account item, "ACCOUNT", and the types,
// "TYPE#", sort outside).
func (s *Store) ContactSources(ctx context.Context, accountID int64) (contactIDs, listIDs []int64, err error) {
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(pfxAccount + idString(accountID)), ":from": str(skListOfAcc), ":to": str(strings.TrimSuffix(skContact, "#") + "$"),
		},
		ProjectionExpression:   aws.String("SK"),
		ConsistentRead:         aws.Bool(true),
		ReturnConsumedCapacity: totalCapacity,
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, nil, fmt.Errorf("load contacts of %d: %w", accountID, err)
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		for _, it := range out.Items {
			sk := getS(it, schema.SortKey)
			switch {
			case strings.HasPrefix(sk, skContact):
				contactIDs = append(contactIDs, resIDAfter(sk, skContact))
			case strings.HasPrefix(sk, skListOfAcc):
				listIDs = append(listIDs, resIDAfter(sk, skListOfAcc))
			}
		}
		if in.ExclusiveStartKey = out.LastEvaluatedKey; in.ExclusiveStartKey == nil {
			return contactIDs, listIDs, nil
		}
	}
}

// The account's own children (its contacts, attached lists and types) go
// with its partition (admin_delete.go, step 2); what refers to it from
// elsewhere is removed here, with one GSI1 Query each: its place in other
// accounts' contacts, and its list memberships (and their counts).
func init() { onAccountDeleted(deleteAccountLinks) }

func deleteAccountLinks(ctx context.Context, s *Store, a *account.Account, _ bool) error {
	contactOf, err := s.resQueryKeys(ctx, "GSI1", pfxContactOf+idString(a.ID), "")
	if err != nil {
		return fmt.Errorf("find the contacts of account %d: %w", a.ID, err)
	}
	if len(contactOf) > 0 {
		if err := s.batchDelete(ctx, contactOf); err != nil {
			return err
		}
	}
	memberOf, err := s.resQueryKeys(ctx, "GSI1", pfxMemberOf+idString(a.ID), "")
	if err != nil {
		return fmt.Errorf("find the lists of account %d: %w", a.ID, err)
	}
	for _, k := range memberOf {
		listID := resIDAfter(getS(k, schema.PartitionKey), pfxList)
		err := s.transact(ctx, []types.TransactWriteItem{
			del(s.table, k, "attribute_exists(PK)", nil),
			{Update: s.listCount(listID, a.Domain, -1)},
		})
		if _, gone := err.(*cancelled); err != nil && !gone {
			return fmt.Errorf("remove account %d from list %d: %w", a.ID, listID, err)
		}
		if _, gone := err.(*cancelled); gone {
			// The list went first (its own deletion removes its members):
			// delete the membership alone, if it is still there.
			if err := s.batchDelete(ctx, []map[string]types.AttributeValue{k}); err != nil {
				return err
			}
		}
	}
	return nil
}
