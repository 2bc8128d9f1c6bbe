package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

var _ resource.Store = (*Store)(nil)

// Keys of the resources (docs/access-patterns.md, "Contacts, lists, types").
const (
	// Children in the account's partition ACCOUNT#<id>: deleting the
	// account deletes them (admin_delete.go, step 2). Each is also on GSI1
	// under the other end's id, for the reverse clean-ups.
	skContact   = "CONTACT#" // direct contact; GSI1 CONTACTOF#<contact id>
	skListOfAcc = "CLIST#"   // attached list; GSI1 CLISTOF#<list id>
	skTypeOfAcc = "TYPE#"    // attached type; GSI1 TYPEOF#<type id>

	pfxContactOf = "CONTACTOF#"
	pfxListOf    = "CLISTOF#"
	pfxTypeOf    = "TYPEOF#"
	pfxMemberOf  = "MEMBEROF#"

	pkLists      = "CLISTS"      // SK CLIST#<id>: the contacts lists
	pfxList      = "CLIST#"      // PK CLIST#<id>, SK MEMBER#<account id>: members
	skMember     = "MEMBER#"     //
	pfxListTitle = "CLISTTITLE#" // title marker (lower case)
	pkTypes      = "TYPES"       // SK TYPE#<id>: the account types
	pfxTypeKey   = "TYPEKEY#"    // key marker (lower case)

	attrTypes   = "types"   // account item: map type id → key
	attrActions = "actions" // account item: list of {id, key, code}
	attrVersion = "rv"      // account item: version of types, actions, dictionary
)

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// putResourceAttrs writes the account item's types and actions.
func putResourceAttrs(item map[string]types.AttributeValue, a *account.Account) {
	if len(a.Types) > 0 {
		item[attrTypes] = typesAttr(a.Types)
	}
	if len(a.Actions) > 0 {
		item[attrActions] = actionsAttr(a.Actions)
	}
	if a.ResourcesVersion > 0 {
		item[attrVersion] = num(a.ResourcesVersion)
	}
}

// readResourceAttrs reads them back, in ascending id order.
func readResourceAttrs(item map[string]types.AttributeValue, a *account.Account) {
	if m, ok := item[attrTypes].(*types.AttributeValueMemberM); ok {
		for k, v := range m.Value {
			id, err := strconv.ParseInt(k, 10, 64)
			if s, ok := v.(*types.AttributeValueMemberS); ok && err == nil {
				a.Types = append(a.Types, account.TypeRef{ID: id, Key: s.Value})
			}
		}
		slices.SortFunc(a.Types, func(x, y account.TypeRef) int { return cmp.Compare(x.ID, y.ID) })
	}
	if l, ok := item[attrActions].(*types.AttributeValueMemberL); ok {
		for _, e := range l.Value {
			if m, ok := e.(*types.AttributeValueMemberM); ok {
				a.Actions = append(a.Actions, account.Action{ID: getN(m.Value, "id"), Key: getS(m.Value, "key"), Code: getS(m.Value, "code")})
			}
		}
	}
	a.ResourcesVersion = getN(item, attrVersion)
}

func typesAttr(ts []account.TypeRef) types.AttributeValue {
	m := make(map[string]types.AttributeValue, len(ts))
	for _, t := range ts {
		m[idString(t.ID)] = str(t.Key)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func actionsAttr(xs []account.Action) types.AttributeValue {
	l := make([]types.AttributeValue, len(xs))
	for i, x := range xs {
		l[i] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"id": num(x.ID), "key": str(x.Key), "code": str(x.Code)}}
	}
	return &types.AttributeValueMemberL{Value: l}
}

func dictionaryAttr(entries []account.DictionaryEntry) types.AttributeValue {
	l := make([]types.AttributeValue, len(entries))
	for i, e := range entries {
		l[i] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": str(e.Key), "v": str(e.Value)}}
	}
	return &types.AttributeValueMemberL{Value: l}
}

// resourcesUpdate rewrites the account item's types, actions and
// dictionary as next has them, conditioned on prev's version: concurrent
// writers of these attributes cannot lose each other's changes.
func (s *Store) resourcesUpdate(prev, next *account.Account) *types.Update {
	vals := map[string]types.AttributeValue{":nv": num(prev.ResourcesVersion + 1)}
	names := map[string]string{"#v": attrVersion}
	set := []string{"#v = :nv"}
	var remove []string
	field := func(name string, empty bool, v types.AttributeValue) {
		names["#"+name] = name
		if empty {
			remove = append(remove, "#"+name)
			return
		}
		vals[":"+name] = v
		set = append(set, "#"+name+" = :"+name)
	}
	field(attrTypes, len(next.Types) == 0, typesAttr(next.Types))
	field(attrActions, len(next.Actions) == 0, actionsAttr(next.Actions))
	field("dictionary", len(next.Dictionary) == 0, dictionaryAttr(next.Dictionary))
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	cond := "attribute_exists(PK) AND attribute_not_exists(#v)"
	if prev.ResourcesVersion > 0 {
		cond = "attribute_exists(PK) AND #v = :ov"
		vals[":ov"] = num(prev.ResourcesVersion)
	}
	return &types.Update{TableName: &s.table, Key: accountKey(prev.ID), UpdateExpression: aws.String(update),
		ConditionExpression: aws.String(cond), ExpressionAttributeNames: names, ExpressionAttributeValues: vals}
}

// SetAccountResources writes next's types, actions and dictionary.
func (s *Store) SetAccountResources(ctx context.Context, prev, next *account.Account) error {
	err := s.transact(ctx, []types.TransactWriteItem{{Update: s.resourcesUpdate(prev, next)}})
	var c *cancelled
	if errors.As(err, &c) {
		return fmt.Errorf("update account %d: %w", prev.ID, account.ErrAlreadyChanged)
	}
	if err != nil {
		return fmt.Errorf("update account %d: %w", prev.ID, err)
	}
	return nil
}

// NextResourceID allocates an id from a counter.
func (s *Store) NextResourceID(ctx context.Context, counter string) (int64, error) {
	return s.nextCounter(ctx, counter)
}

// AccountsByIDs reads accounts with BatchGetItem, 100 keys per call.
func (s *Store) AccountsByIDs(ctx context.Context, ids []int64) ([]*account.Account, error) {
	var out []*account.Account
	for len(ids) > 0 {
		n := min(len(ids), 100)
		page, err := s.accountsByIDs(ctx, ids[:n], false)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		ids = ids[n:]
	}
	return out, nil
}

// resQueryKeys reads the table keys of a partition of the table (index "")
// or of GSI1, every page: the sort key condition is optional.
func (s *Store) resQueryKeys(ctx context.Context, index, pk, skPrefix string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": schema.PartitionKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkValue(pk))},
		ReturnConsumedCapacity:    totalCapacity,
	}
	if index != "" {
		in.IndexName = aws.String(index)
		in.ExpressionAttributeNames["#pk"] = index + "PK"
	} else {
		in.ConsistentRead = aws.Bool(true)
		in.ProjectionExpression = aws.String("PK, SK")
	}
	if skPrefix != "" {
		in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :sk)")
		in.ExpressionAttributeNames["#sk"] = schema.SortKey
		in.ExpressionAttributeValues[":sk"] = str(skPrefix)
	}
	var keys []map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		for _, it := range out.Items {
			keys = append(keys, key(getS(it, schema.PartitionKey), getS(it, schema.SortKey)))
		}
		if in.ExclusiveStartKey = out.LastEvaluatedKey; in.ExclusiveStartKey == nil {
			return keys, nil
		}
	}
}

// resIDAfter parses the id at the end of a key value ("MEMBER#000000000012").
func resIDAfter(v, prefix string) int64 {
	id, _ := strconv.ParseInt(strings.TrimPrefix(v, prefix), 10, 64)
	return id
}
