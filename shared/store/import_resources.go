package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/importer"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// ImportTypes writes each type with its key marker in one transaction
// (as CreateType); a type already there under its id is Existing when
// its key is the same.
func (s *Store) ImportTypes(ctx context.Context, ts []resource.AccountType, o importer.WriteOptions) ([]importer.Result, error) {
	res := make([]importer.Result, len(ts))
	err := parallel(ctx, o.Workers, len(ts), func(ctx context.Context, i int) error {
		t := ts[i]
		marker := merge(typeKeyMarker(t.Key), map[string]types.AttributeValue{"type": str("type_key"), "type_id": num(t.ID)})
		r, err := s.importWithMarker(ctx, typeItem(&t), marker, "key", t.Key, "type_id", o.DryRun)
		if err != nil {
			return fmt.Errorf("import account type %d: %w", t.ID, err)
		}
		if r.Status == importer.Conflict && r.Reason == "" {
			r.Reason = fmt.Sprintf("its key %q is another type's in the table", t.Key)
		}
		res[i] = r
		return nil
	})
	return res, err
}

// ImportLists writes each list (no members yet: ImportLinks adds them
// with the counts) with its title marker in one transaction.
func (s *Store) ImportLists(ctx context.Context, ls []resource.ContactsList, o importer.WriteOptions) ([]importer.Result, error) {
	res := make([]importer.Result, len(ls))
	err := parallel(ctx, o.Workers, len(ls), func(ctx context.Context, i int) error {
		l := ls[i]
		item := merge(listKey(l.ID), map[string]types.AttributeValue{
			"type": str("contacts_list"), "id": num(l.ID), "title": str(l.Title), attrListTotal: num(0),
			"created_at": timeAttr(l.CreatedAt), "updated_at": timeAttr(l.UpdatedAt),
		})
		if l.Description != nil {
			item["description"] = str(*l.Description)
		}
		marker := merge(listTitleMarker(l.Title), map[string]types.AttributeValue{"type": str("list_title"), "list_id": num(l.ID)})
		r, err := s.importWithMarker(ctx, item, marker, "title", l.Title, "list_id", o.DryRun)
		if err != nil {
			return fmt.Errorf("import contacts list %d: %w", l.ID, err)
		}
		if r.Status == importer.Conflict && r.Reason == "" {
			r.Reason = fmt.Sprintf("its title %q is another list's in the table", l.Title)
		}
		res[i] = r
		return nil
	})
	return res, err
}

// importWithMarker writes an item and its uniqueness marker together.
// The item there already with the same name (attr) is Existing; with
// another name, or the marker another's, a Conflict.
func (s *Store) importWithMarker(ctx context.Context, item, marker map[string]types.AttributeValue, attr, name, ownerAttr string, dry bool) (importer.Result, error) {
	existing := func() (importer.Result, error) {
		it, err := s.resGetItem(ctx, keyOf(item))
		if err != nil {
			return importer.Result{}, err
		}
		switch {
		case it == nil:
			return importer.Result{Status: importer.Conflict}, nil // the marker is another's
		case strings.EqualFold(getS(it, attr), name):
			return importer.Result{Status: importer.Existing}, nil
		default:
			return importer.Result{Status: importer.Conflict, Reason: fmt.Sprintf("id %d is %q in the table", getN(item, "id"), getS(it, attr))}, nil
		}
	}
	if dry {
		r, err := existing()
		if err != nil || r.Status != importer.Conflict || r.Reason != "" {
			return r, err
		}
		m, err := s.resGetItem(ctx, keyOf(marker))
		if err != nil || m == nil || getN(m, ownerAttr) == getN(item, "id") {
			return importer.Result{Status: importer.New}, err
		}
		return importer.Result{Status: importer.Conflict}, nil
	}
	err := s.transact(ctx, []types.TransactWriteItem{
		put(s.table, item, "attribute_not_exists(PK)", nil),
		put(s.table, marker, "attribute_not_exists(PK)", nil),
	})
	var c *cancelled
	switch {
	case err == nil:
		return importer.Result{Status: importer.New}, nil
	case errors.As(err, &c):
		return existing()
	default:
		return importer.Result{}, err
	}
}

// linkItem is the item the API writes for a pivot row.
func linkItem(table importer.LinkTable, l importer.TargetLink) map[string]types.AttributeValue {
	switch table {
	case importer.Contacts:
		return merge(contactChild(l.Account, l.Other), map[string]types.AttributeValue{
			"type": str("contact"), "GSI1PK": str(pfxContactOf + idString(l.Other)), "GSI1SK": str(pfxAccount + padID(l.Account)),
		})
	case importer.AttachedLists:
		return merge(listChild(l.Account, l.Other), map[string]types.AttributeValue{
			"type": str("list_link"), "GSI1PK": str(pfxListOf + idString(l.Other)), "GSI1SK": str(pfxAccount + padID(l.Account)),
		})
	default: // a list member: Account is the member, Other the list
		return merge(memberKey(l.Other, l.Account), map[string]types.AttributeValue{
			"type": str("list_member"), "domain": str(l.Domain),
			"GSI1PK": str(pfxMemberOf + idString(l.Account)), "GSI1SK": str(pfxList + padID(l.Other)),
		})
	}
}

// ImportLinks writes the pivot rows that are missing. Contacts and
// attached lists go by BatchWriteItem; list members with their list's
// counts, in one transaction per list and up to 98 members (as AddMember,
// several at once), so that a list's counts always match its members.
func (s *Store) ImportLinks(ctx context.Context, table importer.LinkTable, links []importer.TargetLink, o importer.WriteOptions) ([]importer.Result, error) {
	items := make([]map[string]types.AttributeValue, len(links))
	keys := make([]map[string]types.AttributeValue, len(links))
	for i, l := range links {
		items[i] = linkItem(table, l)
		keys[i] = keyOf(items[i])
	}
	res, err := s.missing(ctx, keys, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	if table != importer.ListMemberships {
		return res, s.putMissing(ctx, items, res, o)
	}
	if o.DryRun {
		return res, nil
	}
	byList := map[int64][]int{}
	for i, l := range links {
		if res[i].Status == importer.New {
			byList[l.Other] = append(byList[l.Other], i)
		}
	}
	lists := make([]int64, 0, len(byList))
	for id := range byList {
		lists = append(lists, id)
	}
	sort.Slice(lists, func(a, b int) bool { return lists[a] < lists[b] })
	err = parallel(ctx, o.Workers, len(lists), func(ctx context.Context, j int) error {
		id := lists[j]
		members := byList[id]
		for len(members) > 0 {
			n := min(len(members), 98)
			if err := s.addMembers(ctx, id, members[:n], links, items, res); err != nil {
				return err
			}
			members = members[n:]
		}
		return nil
	})
	return res, err
}

// addMembers writes members of one list and adds them to its counts in
// one transaction; if one appeared meanwhile, member by member.
func (s *Store) addMembers(ctx context.Context, listID int64, members []int, links []importer.TargetLink, items []map[string]types.AttributeValue, res []importer.Result) error {
	tx := func(idx []int) error {
		domains := map[string]int64{}
		var puts []types.TransactWriteItem
		for _, i := range idx {
			domains[strings.ToLower(links[i].Domain)]++
			puts = append(puts, put(s.table, items[i], "attribute_not_exists(PK)", nil))
		}
		return s.transact(ctx, append([]types.TransactWriteItem{{Update: s.listCountsAdd(listID, domains)}}, puts...))
	}
	err := tx(members)
	var c *cancelled
	switch {
	case err == nil:
		return nil
	case errors.As(err, &c) && c.index == 0:
		for _, i := range members {
			res[i] = importer.Result{Status: importer.Conflict, Reason: fmt.Sprintf("contacts list %d is no longer in the table", listID)}
		}
		return nil
	case errors.As(err, &c) && len(members) > 1:
		for _, i := range members {
			if err := s.addMembers(ctx, listID, []int{i}, links, items, res); err != nil {
				return err
			}
		}
		return nil
	case errors.As(err, &c):
		res[members[0]].Status = importer.Existing
		return nil
	default:
		return fmt.Errorf("add members to contacts list %d: %w", listID, err)
	}
}

// listCountsAdd is listCount for several member domains at once.
func (s *Store) listCountsAdd(listID int64, byDomain map[string]int64) *types.Update {
	names := map[string]string{"#t": attrListTotal}
	vals := map[string]types.AttributeValue{}
	domains := make([]string, 0, len(byDomain))
	for d := range byDomain {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	var total int64
	adds := []string{"#t :t"}
	for i, d := range domains {
		total += byDomain[d]
		names[fmt.Sprintf("#d%d", i)] = pfxListDomainN + d
		vals[fmt.Sprintf(":d%d", i)] = num(byDomain[d])
		adds = append(adds, fmt.Sprintf("#d%d :d%d", i, i))
	}
	vals[":t"] = num(total)
	return &types.Update{TableName: &s.table, Key: listKey(listID), UpdateExpression: aws.String("ADD " + strings.Join(adds, ", ")),
		ConditionExpression: aws.String("attribute_exists(PK)"), ExpressionAttributeNames: names, ExpressionAttributeValues: vals}
}

// ImportTombstones writes the missing tombstones (as deleteAccountItems
// does), with their expiry.
func (s *Store) ImportTombstones(ctx context.Context, ts []importer.TargetTombstone, o importer.WriteOptions) ([]importer.Result, error) {
	items := make([]map[string]types.AttributeValue, len(ts))
	keys := make([]map[string]types.AttributeValue, len(ts))
	for i, t := range ts {
		items[i] = merge(tombstoneKey(t.Username, t.Domain), map[string]types.AttributeValue{
			"type": str("tombstone"), "username": str(t.Username), "domain": str(t.Domain), "created_at": timeAttr(t.CreatedAt),
		})
		if !t.Expires.IsZero() {
			items[i][schema.TTLAttribute] = num(t.Expires.Unix())
		}
		keys[i] = keyOf(items[i])
	}
	res, err := s.missing(ctx, keys, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("read tombstones: %w", err)
	}
	return res, s.putMissing(ctx, items, res, o)
}
