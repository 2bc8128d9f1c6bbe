package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// A list item counts its members: "contacts_count" overall and
// "count:<domain>" per member domain (FlexiAPI's count is scoped).
const (
	attrListTotal  = "contacts_count"
	pfxListDomainN = "count:"
)

func listKey(id int64) map[string]types.AttributeValue { return key(pkLists, pfxList+padID(id)) }

func listTitleMarker(title string) map[string]types.AttributeValue {
	return key(pfxListTitle+resource.TitleKey(title), "CLISTTITLE")
}

func memberKey(listID, accountID int64) map[string]types.AttributeValue {
	return key(pfxList+idString(listID), skMember+padID(accountID))
}

// listChild is a list attached to an account, in the account's partition.
func listChild(accountID, listID int64) map[string]types.AttributeValue {
	return key(pfxAccount+idString(accountID), skListOfAcc+padID(listID))
}

func listFromItem(it map[string]types.AttributeValue) resource.ContactsList {
	l := resource.ContactsList{ID: getN(it, "id"), Title: getS(it, "title"), Description: getOptS(it, "description"),
		CreatedAt: getTime(it, "created_at"), UpdatedAt: getTime(it, "updated_at"), Total: getN(it, attrListTotal),
		ByDomain: map[string]int64{}}
	for name := range it {
		if d, ok := strings.CutPrefix(name, pfxListDomainN); ok {
			l.ByDomain[d] = getN(it, name)
		}
	}
	return l
}

func (s *Store) titleMarkerPut(title string, id int64) types.TransactWriteItem {
	return put(s.table, merge(listTitleMarker(title), map[string]types.AttributeValue{"type": str("list_title"), "list_id": num(id)}),
		"attribute_not_exists(PK)", nil)
}

// CreateList writes the list and its title marker in one transaction,
// with the id the list counter gives it (l.ID is set): a taken title
// spends no id.
func (s *Store) CreateList(ctx context.Context, l *resource.ContactsList) error {
	id, err := s.transactNewID(ctx, "contacts_list_id", l.ID, func(id int64) ([]types.TransactWriteItem, []error) {
		l.ID = id
		item := merge(listKey(id), map[string]types.AttributeValue{
			"type": str("contacts_list"), "id": num(id), "title": str(l.Title), attrListTotal: num(0),
			"created_at": timeAttr(l.CreatedAt), "updated_at": timeAttr(l.UpdatedAt),
		})
		if l.Description != nil {
			item["description"] = str(*l.Description)
		}
		return []types.TransactWriteItem{put(s.table, item, "attribute_not_exists(PK)", nil), s.titleMarkerPut(l.Title, id)},
			[]error{errNewID, resource.ErrTitleTaken}
	})
	if err != nil {
		l.ID = 0
		if errors.Is(err, resource.ErrTitleTaken) {
			return err
		}
		return fmt.Errorf("create contacts list: %w", err)
	}
	l.ID = id
	return nil
}

// Lists reads the CLISTS partition (ascending id).
func (s *Store) Lists(ctx context.Context) ([]resource.ContactsList, error) {
	items, err := s.resQueryItems(ctx, pkLists, pfxList)
	if err != nil {
		return nil, fmt.Errorf("list contacts lists: %w", err)
	}
	out := make([]resource.ContactsList, len(items))
	for i, it := range items {
		out[i] = listFromItem(it)
	}
	return out, nil
}

// ListByID reads one list.
func (s *Store) ListByID(ctx context.Context, id int64) (*resource.ContactsList, error) {
	it, err := s.resGetItem(ctx, listKey(id))
	if err != nil || it == nil {
		return nil, resNotFound(err, "load contacts list")
	}
	l := listFromItem(it)
	return &l, nil
}

// UpdateList writes title and description (conditioned on the old title)
// and moves the title marker when the title changes.
func (s *Store) UpdateList(ctx context.Context, prev, next *resource.ContactsList) error {
	vals := map[string]types.AttributeValue{":t": str(next.Title), ":u": timeAttr(next.UpdatedAt), ":old": str(prev.Title)}
	update := "SET title = :t, updated_at = :u"
	if next.Description != nil {
		vals[":d"] = str(*next.Description)
		update += ", description = :d"
	} else {
		update += " REMOVE description"
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &s.table, Key: listKey(prev.ID), UpdateExpression: aws.String(update),
		ConditionExpression: aws.String("title = :old"), ExpressionAttributeValues: vals,
	}}}
	if resource.TitleKey(prev.Title) != resource.TitleKey(next.Title) {
		items = append(items,
			del(s.table, listTitleMarker(prev.Title), "attribute_not_exists(PK) OR list_id = :id", map[string]types.AttributeValue{":id": num(prev.ID)}),
			s.titleMarkerPut(next.Title, prev.ID))
	}
	err := s.transact(ctx, items)
	var c *cancelled
	switch {
	case errors.As(err, &c) && c.index == 2:
		return resource.ErrTitleTaken
	case errors.As(err, &c):
		return account.ErrAlreadyChanged
	case err != nil:
		return fmt.Errorf("update contacts list %d: %w", prev.ID, err)
	}
	return nil
}

// DeleteList removes the list and its title marker, then its members
// (its partition) and the attachments to accounts (GSI1 CLISTOF#<id>).
func (s *Store) DeleteList(ctx context.Context, l *resource.ContactsList) error {
	err := s.transact(ctx, []types.TransactWriteItem{
		del(s.table, listKey(l.ID), "attribute_exists(PK)", nil),
		del(s.table, listTitleMarker(l.Title), "attribute_not_exists(PK) OR list_id = :id", map[string]types.AttributeValue{":id": num(l.ID)}),
	})
	var c *cancelled
	if errors.As(err, &c) {
		return resource.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("delete contacts list %d: %w", l.ID, err)
	}
	members, err := s.resQueryKeys(ctx, "", pfxList+idString(l.ID), skMember)
	if err != nil {
		return fmt.Errorf("delete the members of list %d: %w", l.ID, err)
	}
	attached, err := s.resQueryKeys(ctx, "GSI1", pfxListOf+idString(l.ID), "")
	if err != nil {
		return fmt.Errorf("detach list %d: %w", l.ID, err)
	}
	if keys := append(members, attached...); len(keys) > 0 {
		return s.batchDelete(ctx, keys)
	}
	return nil
}

// listCount adds delta to a list's counts, if the list exists.
func (s *Store) listCount(listID int64, domain string, delta int64) *types.Update {
	return &types.Update{
		TableName: &s.table, Key: listKey(listID),
		UpdateExpression:          aws.String("ADD #t :d, #dom :d"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  map[string]string{"#t": attrListTotal, "#dom": pfxListDomainN + strings.ToLower(domain)},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(delta)},
	}
}

// AddMember: one transaction of the list's counts (the list exists), the
// member item (not yet a member) and a check that the account exists.
func (s *Store) AddMember(ctx context.Context, listID int64, member *account.Account) error {
	item := merge(memberKey(listID, member.ID), map[string]types.AttributeValue{
		"type": str("list_member"), "domain": str(member.Domain),
		"GSI1PK": str(pfxMemberOf + idString(member.ID)), "GSI1SK": str(pfxList + padID(listID)),
	})
	err := s.transact(ctx, []types.TransactWriteItem{
		{Update: s.listCount(listID, member.Domain, 1)},
		put(s.table, item, "attribute_not_exists(PK)", nil),
		{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: accountKey(member.ID), ConditionExpression: aws.String("attribute_exists(PK)")}},
	})
	return resLinkError(err, []error{resource.ErrNotFound, resource.ErrLinked, resource.ErrNotFound}, "add list member")
}

// RemoveMember: the list exists (404), the account is a member (403).
func (s *Store) RemoveMember(ctx context.Context, listID, accountID int64) error {
	it, err := s.resGetItem(ctx, memberKey(listID, accountID))
	if err != nil {
		return fmt.Errorf("load list member: %w", err)
	}
	if it == nil {
		if _, err := s.ListByID(ctx, listID); err != nil {
			return err
		}
		return resource.ErrNotLinked
	}
	err = s.transact(ctx, []types.TransactWriteItem{
		{Update: s.listCount(listID, getS(it, "domain"), -1)},
		del(s.table, memberKey(listID, accountID), "attribute_exists(PK)", nil),
	})
	return resLinkError(err, []error{resource.ErrNotFound, resource.ErrNotLinked}, "remove list member")
}

// MemberIDs reads the members of a list (its partition).
func (s *Store) MemberIDs(ctx context.Context, listID int64) ([]int64, error) {
	keys, err := s.resQueryKeys(ctx, "", pfxList+idString(listID), skMember)
	if err != nil {
		return nil, fmt.Errorf("list members of %d: %w", listID, err)
	}
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = resIDAfter(getS(k, schema.SortKey), skMember)
	}
	return ids, nil
}

// AttachList: the attachment (not yet attached), the list exists, the
// account exists, in one transaction, in FlexiAPI's check order.
func (s *Store) AttachList(ctx context.Context, accountID, listID int64) error {
	child := merge(listChild(accountID, listID), map[string]types.AttributeValue{
		"type": str("list_link"), "GSI1PK": str(pfxListOf + idString(listID)), "GSI1SK": str(pfxAccount + padID(accountID)),
	})
	err := s.transact(ctx, []types.TransactWriteItem{
		put(s.table, child, "attribute_not_exists(PK)", nil),
		{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: listKey(listID), ConditionExpression: aws.String("attribute_exists(PK)")}},
		{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: accountKey(accountID), ConditionExpression: aws.String("attribute_exists(PK)")}},
	})
	return resLinkError(err, []error{resource.ErrLinked, resource.ErrNotFound, resource.ErrNotFound}, "attach list")
}

// DetachList deletes the attachment (ErrNotLinked when there is none).
func (s *Store) DetachList(ctx context.Context, accountID, listID int64) error {
	return s.deleteLink(ctx, listChild(accountID, listID), "detach list")
}

// deleteLink deletes an item that must exist (ErrNotLinked otherwise).
func (s *Store) deleteLink(ctx context.Context, k map[string]types.AttributeValue, what string) error {
	return s.conditional(ctx, del(s.table, k, "attribute_exists(PK)", nil), resource.ErrNotLinked, what)
}
