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
)

// SIPAccountID reads the SIP identity item only (strongly consistent).
func (s *Store) SIPAccountID(ctx context.Context, username, domain string) (int64, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: sipKey(username, domain), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("account_id"), ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return 0, fmt.Errorf("load SIP identity: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return 0, account.ErrNotFound
	}
	return getN(out.Item, "account_id"), nil
}

// AccountsByEmail queries GSI3 (EMAIL#<lower email>), which is sorted by
// id and projects the domain: the scope is applied without reading the
// accounts.
func (s *Store) AccountsByEmail(ctx context.Context, email string) ([]account.AccountRef, error) {
	var refs []account.AccountRef
	var start map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 &s.table,
			IndexName:                 aws.String("GSI3"),
			KeyConditionExpression:    aws.String("GSI3PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkValue(pfxEmail + strings.ToLower(email)))},
			ProjectionExpression:      aws.String("id, #d"),
			ExpressionAttributeNames:  map[string]string{"#d": "domain"},
			ExclusiveStartKey:         start,
			ReturnConsumedCapacity:    totalCapacity,
		})
		if err != nil {
			return nil, fmt.Errorf("look up email: %w", err)
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		for _, it := range out.Items {
			refs = append(refs, account.AccountRef{ID: getN(it, "id"), Domain: getS(it, "domain")})
		}
		if start = out.LastEvaluatedKey; start == nil {
			return refs, nil
		}
	}
}

// condition is a growing ConditionExpression with its values.
type condition struct {
	parts []string
	vals  map[string]types.AttributeValue
	names map[string]string
}

// equals requires attr to hold v, or to be absent when v is nil.
func (c *condition) equals(attr, placeholder string, v *string) {
	name := "#" + strings.TrimPrefix(placeholder, ":")
	c.names[name] = attr
	if v == nil {
		c.parts = append(c.parts, "attribute_not_exists("+name+")")
		return
	}
	c.parts = append(c.parts, name+" = "+placeholder)
	c.vals[placeholder] = str(*v)
}

func optOf(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func sameFold(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return strings.EqualFold(*a, *b)
}

func sameString(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// UpdateAccount writes an admin update in one transaction (the item
// positions below map a failed condition to its meaning):
//
//	account      SET/REMOVE of the fields an update owns; other attributes
//	             (pending changes, dictionary, types, actions...) are kept;
//	             conditioned on prev's identity, flags, markers and key
//	SIP identity updated in place, or moved (old deleted, new put if absent)
//	API key      its copies of username, domain and admin
//	markers      email (when unique) and phone: new put if free or ours,
//	             old deleted if ours
//	counts       moved between domains
func (s *Store) UpdateAccount(ctx context.Context, prev, next *account.Account, emailUnique bool) (*account.Account, error) {
	next.APIKeyHash = prev.APIKeyHash
	keepOldEmailMarker := false
	for {
		items, meaning, keyIndex := s.updateItems(prev, next, emailUnique, keepOldEmailMarker)
		err := s.transact(ctx, items)
		var c *cancelled
		switch {
		case err == nil:
			return next, nil
		case errors.As(err, &c) && c.index == keyIndex:
			// The key item expired (TTL) while the account still names it:
			// drop the dangling reference and try again.
			next.APIKeyHash = ""
		case errors.As(err, &c) && c.index < len(meaning) && meaning[c.index] == errEmailMarkerNotOurs:
			// Without ACCOUNT_EMAIL_UNIQUE another account may hold the
			// marker of a shared email (written while it was on): keep it.
			keepOldEmailMarker = true
		case errors.As(err, &c) && c.index < len(meaning) && meaning[c.index] != nil:
			return nil, meaning[c.index]
		case errors.As(err, &c):
			return nil, fmt.Errorf("update account %d: %w", prev.ID, account.ErrAlreadyChanged)
		default:
			return nil, fmt.Errorf("update account %d: %w", prev.ID, err)
		}
	}
}

func (s *Store) updateItems(prev, next *account.Account, emailUnique, keepOldEmailMarker bool) (items []types.TransactWriteItem, meaning []error, keyIndex int) {
	id := num(prev.ID)
	add := func(it types.TransactWriteItem, m error) {
		items = append(items, it)
		meaning = append(meaning, m)
	}
	add(s.accountUpdate(prev, next), nil)

	sameSIP := prev.Username == next.Username && strings.EqualFold(prev.Domain, next.Domain)
	if sameSIP {
		add(types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: sipKey(prev.Username, prev.Domain),
			UpdateExpression:          aws.String("SET passwords = :p, #admin = :a, username = :u, #domain = :d"),
			ConditionExpression:       aws.String("account_id = :id"),
			ExpressionAttributeNames:  map[string]string{"#admin": "admin", "#domain": "domain"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": stringMap(next.Passwords), ":a": boolean(next.Admin != nil), ":u": str(next.Username), ":d": str(next.Domain), ":id": id}}}, nil)
	} else {
		add(del(s.table, sipKey(prev.Username, prev.Domain), "account_id = :id", map[string]types.AttributeValue{":id": id}), nil)
		add(put(s.table, cardItem(next), "attribute_not_exists(PK)", nil), account.ErrUsernameTaken)
	}

	keyIndex = -1
	if next.APIKeyHash != "" {
		keyIndex = len(items)
		add(types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: apiKeyKey(next.APIKeyHash),
			UpdateExpression:          aws.String("SET username = :u, #domain = :d, #admin = :a"),
			ConditionExpression:       aws.String("account_id = :id"),
			ExpressionAttributeNames:  map[string]string{"#admin": "admin", "#domain": "domain"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":u": str(next.Username), ":d": str(next.Domain), ":a": boolean(next.Admin != nil), ":id": id}}}, nil)
	}

	mine := map[string]types.AttributeValue{":id": id}
	const freeOrMine = "attribute_not_exists(PK) OR account_id = :id"
	if !sameFold(prev.Email, next.Email) {
		if emailUnique && next.Email != nil {
			add(put(s.table, markerItem(emailKey(*next.Email), "email", next.ID), freeOrMine, mine), account.ErrEmailTaken)
		}
		if prev.Email != nil && !keepOldEmailMarker {
			add(del(s.table, emailKey(*prev.Email), ownedBy, mine), errEmailMarkerNotOurs)
		}
	}
	if !sameString(prev.Phone, next.Phone) {
		if next.Phone != nil {
			add(put(s.table, markerItem(phoneKey(*next.Phone), "phone", next.ID), freeOrMine, mine), account.ErrPhoneTaken)
		}
		if prev.Phone != nil {
			add(del(s.table, phoneKey(*prev.Phone), ownedBy, mine), nil)
		}
	}
	if !strings.EqualFold(prev.Domain, next.Domain) {
		add(s.countMove(prev.Domain, next.Domain), nil)
	}
	return items, meaning, keyIndex
}

// accountUpdate sets what an admin update owns on the account item.
func (s *Store) accountUpdate(prev, next *account.Account) types.TransactWriteItem {
	vals := map[string]types.AttributeValue{
		":username": str(next.Username), ":domain": str(next.Domain), ":ua": str(next.UserAgent),
		":updated": timeAttr(next.UpdatedAt), ":passwords": stringMap(next.Passwords), ":admin": boolean(next.Admin != nil),
		":gsi1": str(pfxDomain + strings.ToLower(next.Domain)),
	}
	names := map[string]string{}
	set := []string{"username = :username", "#domain = :domain", "user_agent = :ua", "updated_at = :updated",
		"passwords = :passwords", "#admin = :admin", "GSI1PK = :gsi1"}
	names["#domain"], names["#admin"] = "domain", "admin"
	var remove []string
	opt := func(attr string, v *string) {
		if v == nil {
			remove = append(remove, attr)
			return
		}
		vals[":"+attr] = str(*v)
		set = append(set, attr+" = :"+attr)
	}
	opt("email", next.Email)
	opt("display_name", next.DisplayName)
	opt("dtmf_protocol", next.DTMFProtocol)
	opt("phone", next.Phone)
	if next.Email != nil {
		vals[":gsi3pk"], vals[":gsi3sk"] = str(pfxEmail+strings.ToLower(*next.Email)), str(padID(next.ID))
		set = append(set, "GSI3PK = :gsi3pk", "GSI3SK = :gsi3sk")
	} else {
		remove = append(remove, "GSI3PK", "GSI3SK")
	}
	if next.Admin != nil {
		vals[":admin_c"], vals[":admin_u"] = timeAttr(next.Admin.CreatedAt), timeAttr(next.Admin.UpdatedAt)
		set = append(set, "admin_created_at = :admin_c", "admin_updated_at = :admin_u")
	} else {
		remove = append(remove, "admin_created_at", "admin_updated_at")
	}
	if !next.Activated {
		vals[":gsi4pk"], vals[":gsi4sk"] = unconfirmedKeys(next)
		set = append(set, "GSI4PK = :gsi4pk", "GSI4SK = :gsi4sk")
	}
	if next.APIKeyHash == "" && prev.APIKeyHash != "" {
		remove = append(remove, "api_key_hash")
	}
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}

	// The condition pins what the other items were built from: the SIP
	// identity and key copies (username, domain, blocked, key) and the
	// markers (email, phone). A concurrent change of any of them cancels
	// the transaction, and the service retries from a fresh read.
	c := &condition{vals: vals, names: names}
	c.parts = append(c.parts, "attribute_exists(PK)")
	c.equals("username", ":c_username", &prev.Username)
	c.equals("domain", ":c_domain", &prev.Domain)
	c.equals("email", ":c_email", prev.Email)
	c.equals("phone", ":c_phone", prev.Phone)
	c.equals("api_key_hash", ":c_key", optOf(prev.APIKeyHash))
	c.parts = append(c.parts, "blocked = :c_blocked")
	vals[":c_blocked"] = boolean(prev.Blocked)
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: accountKey(prev.ID),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String(strings.Join(c.parts, " AND ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: vals,
	}}
}

// countMove moves one account between two domains' counts (one item, so
// one update: a transaction cannot touch an item twice).
func (s *Store) countMove(from, to string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 &s.table,
		Key:                       countsKey,
		UpdateExpression:          aws.String("ADD #from :minus, #to :plus"),
		ExpressionAttributeNames:  map[string]string{"#from": "domain:" + strings.ToLower(from), "#to": "domain:" + strings.ToLower(to)},
		ExpressionAttributeValues: map[string]types.AttributeValue{":minus": num(-1), ":plus": num(1)},
	}}
}
