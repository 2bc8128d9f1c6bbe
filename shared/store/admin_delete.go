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

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// Deleting an account, without a scan (docs/access-patterns.md,
// "Deleting an account"):
//
//  1. One transaction removes the account item and everything it names:
//     the SIP identity, the email and phone markers, the current
//     provisioning token marker, the API key; it updates the counts and
//     writes the tombstone. Its condition on the account item decides
//     between two concurrent deletions.
//  2. Then one Query of the account's partition ACCOUNT#<id> finds its
//     child items (contacts, attached lists, or anything an area keeps per
//     account) and deletes them; a child carrying owned_pk/owned_sk also
//     deletes the item it names (for what an area must key elsewhere, such
//     as a token looked up by its value). This is the extension point: an
//     area that stores something an account owns puts it, or a reference
//     to it, in the account's partition, and deletion needs no change.
//  3. Then the cleanups registered with onAccountDeleted run, for what
//     refers to the account from elsewhere (the account as another
//     account's contact or list member, its statistics on an admin
//     deletion): each queries its own index.

// Attributes of a child item that names another item to delete with it.
const (
	ownedPK = "owned_pk"
	ownedSK = "owned_sk"
)

// ownedRefPut is the transaction item that makes an account own an item
// keyed elsewhere (step 2): put it in the transaction that writes that
// item, and deleting the account deletes both. For example the creation
// token an account was created with, which FlexiAPI deletes with it.
func (s *Store) ownedRefPut(accountID int64, owned map[string]types.AttributeValue) types.TransactWriteItem {
	opk, osk := getS(owned, schema.PartitionKey), getS(owned, schema.SortKey)
	ref := merge(key(pfxAccount+strconv.FormatInt(accountID, 10), "OWNS#"+opk+"#"+osk), map[string]types.AttributeValue{
		"type": str("owned_ref"), ownedPK: str(opk), ownedSK: str(osk),
	})
	return put(s.table, ref, "", nil)
}

// accountCleanup removes what refers to a deleted account from outside
// its partition. byAdmin is true for admin DELETE /accounts/{id}, whose
// FlexiAPI model event also deletes the account's statistics; self-deletion
// and the unconfirmed-account clean-up keep them, as FlexiAPI's bulk delete.
type accountCleanup func(ctx context.Context, s *Store, a *account.Account, byAdmin bool) error

var accountCleanups []accountCleanup

// onAccountDeleted registers a cleanup (from an init function of the area
// that owns the data: registration is an append, nothing slow at init).
func onAccountDeleted(f accountCleanup) { accountCleanups = append(accountCleanups, f) }

type deletion struct {
	tombstone       bool
	byAdmin         bool
	now             time.Time
	tombstoneExpiry time.Time
}

// DeleteAccountAsAdmin is admin DELETE /accounts/{id}.
func (s *Store) DeleteAccountAsAdmin(ctx context.Context, a *account.Account, now, tombstoneExpiry time.Time) error {
	return s.deleteAccount(ctx, a, deletion{tombstone: true, byAdmin: true, now: now, tombstoneExpiry: tombstoneExpiry})
}

func (s *Store) deleteAccount(ctx context.Context, a *account.Account, d deletion) error {
	if err := s.deleteAccountCore(ctx, a, d); err != nil {
		return err
	}
	if err := s.deleteAccountChildren(ctx, a.ID); err != nil {
		return fmt.Errorf("delete the items of account %d: %w", a.ID, err)
	}
	for _, cleanup := range accountCleanups {
		if err := cleanup(ctx, s, a, d.byAdmin); err != nil {
			return fmt.Errorf("clean up after account %d: %w", a.ID, err)
		}
	}
	return nil
}

// deleteAccountCore is step 1: one transaction.
func (s *Store) deleteAccountCore(ctx context.Context, a *account.Account, d deletion) error {
	err := s.deleteAccountItems(ctx, a, d, true)
	if errors.Is(err, errEmailMarkerNotOurs) {
		// Without ACCOUNT_EMAIL_UNIQUE two accounts may share an email, and
		// a marker written while it was on may be the other's: keep it.
		err = s.deleteAccountItems(ctx, a, d, false)
	}
	return err
}

// errEmailMarkerNotOurs: the email marker belongs to another account.
var errEmailMarkerNotOurs = errors.New("the email marker belongs to another account")

func (s *Store) deleteAccountItems(ctx context.Context, a *account.Account, d deletion, withEmail bool) error {
	id := map[string]types.AttributeValue{":id": num(a.ID)}
	items := []types.TransactWriteItem{
		del(s.table, accountKey(a.ID), "attribute_exists(PK)", nil),
		del(s.table, sipKey(a.Username, a.Domain), ownedBy, id),
		s.countUpdate(a.Domain, -1),
	}
	if d.tombstone {
		tomb := merge(tombstoneKey(a.Username, a.Domain), map[string]types.AttributeValue{
			"type": str("tombstone"), "username": str(a.Username), "domain": str(a.Domain), "created_at": timeAttr(d.now),
		})
		if !d.tombstoneExpiry.IsZero() {
			tomb[schema.TTLAttribute] = num(d.tombstoneExpiry.Unix())
		}
		items = append(items, put(s.table, tomb, "", nil))
	}
	emailIndex := -1
	if a.Email != nil && withEmail {
		emailIndex = len(items)
		items = append(items, del(s.table, emailKey(*a.Email), ownedBy, id))
	}
	if a.Phone != nil {
		items = append(items, del(s.table, phoneKey(*a.Phone), ownedBy, id))
	}
	if a.ProvisioningToken != nil {
		items = append(items, del(s.table, provTokenKey(*a.ProvisioningToken), ownedBy, id))
	}
	if a.APIKeyHash != "" {
		items = append(items, del(s.table, apiKeyKey(a.APIKeyHash), ownedBy, id))
	}
	err := s.transact(ctx, items)
	var c *cancelled
	if errors.As(err, &c) {
		switch c.index {
		case 0:
			return account.ErrNotFound
		case emailIndex:
			return errEmailMarkerNotOurs
		}
		return fmt.Errorf("delete account %d: %w", a.ID, account.ErrAlreadyChanged)
	}
	if err != nil {
		return fmt.Errorf("delete account %d: %w", a.ID, err)
	}
	return nil
}

// deleteAccountChildren is step 2: the account's partition, after the
// account item is gone (so nothing written before the deletion is missed).
func (s *Store) deleteAccountChildren(ctx context.Context, id int64) error {
	pk := accountKey(id)[schema.PartitionKey]
	var keys []map[string]types.AttributeValue
	var start map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 &s.table,
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": pk},
			ProjectionExpression:      aws.String("PK, SK, " + ownedPK + ", " + ownedSK),
			ConsistentRead:            aws.Bool(true),
			ExclusiveStartKey:         start,
			ReturnConsumedCapacity:    totalCapacity,
		})
		if err != nil {
			return err
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		for _, it := range out.Items {
			keys = append(keys, key(getS(it, schema.PartitionKey), getS(it, schema.SortKey)))
			if opk, osk := getS(it, ownedPK), getS(it, ownedSK); opk != "" && osk != "" {
				keys = append(keys, key(opk, osk))
			}
		}
		if start = out.LastEvaluatedKey; start == nil {
			break
		}
	}
	return s.batchDelete(ctx, keys)
}

// batchDelete deletes items by key, 25 per BatchWriteItem, retrying what
// DynamoDB leaves unprocessed.
func (s *Store) batchDelete(ctx context.Context, keys []map[string]types.AttributeValue) error {
	// A batch must not name an item twice (two children may name the same).
	seen := map[string]bool{}
	unique := keys[:0]
	for _, k := range keys {
		id := getS(k, schema.PartitionKey) + "\x00" + getS(k, schema.SortKey)
		if !seen[id] {
			seen[id] = true
			unique = append(unique, k)
		}
	}
	keys = unique
	for len(keys) > 0 {
		n := min(len(keys), 25)
		reqs := make([]types.WriteRequest, n)
		for i, k := range keys[:n] {
			reqs[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
		}
		keys = keys[n:]
		pending := map[string][]types.WriteRequest{s.table: reqs}
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 8 {
				return errors.New("batch delete: unprocessed items after retries")
			}
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending, ReturnConsumedCapacity: totalCapacity})
			if err != nil {
				return fmt.Errorf("batch delete: %w", err)
			}
			meterWrite(ctx, out.ConsumedCapacity...)
			pending = out.UnprocessedItems
			if len(pending) > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(time.Duration(20<<attempt) * time.Millisecond):
				}
			}
		}
	}
	return nil
}
