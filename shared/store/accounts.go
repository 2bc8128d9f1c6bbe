package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

var _ account.Store = (*Store)(nil)

func accountItem(a *account.Account) map[string]types.AttributeValue {
	item := merge(accountKey(a.ID), map[string]types.AttributeValue{
		"type":       str("account"),
		"id":         num(a.ID),
		"username":   str(a.Username),
		"domain":     str(a.Domain),
		"activated":  boolean(a.Activated),
		"ip_address": str(a.IPAddress),
		"user_agent": str(a.UserAgent),
		"created_at": timeAttr(a.CreatedAt),
		"updated_at": timeAttr(a.UpdatedAt),
		"blocked":    boolean(a.Blocked),
		"passwords":  stringMap(a.Passwords),
		"admin":      boolean(a.Admin != nil),
		"GSI1PK":     str(pfxDomain + strings.ToLower(a.Domain)),
		"GSI1SK":     str(pfxAccount + padID(a.ID)),
		"GSI2PK":     str(allAccounts),
		"GSI2SK":     str(padID(a.ID)),
	})
	opt := func(name string, v *string) {
		if v != nil {
			item[name] = str(*v)
		}
	}
	opt("email", a.Email)
	opt("confirmation_key", a.ConfirmationKey)
	opt("display_name", a.DisplayName)
	opt("dtmf_protocol", a.DTMFProtocol)
	opt("phone", a.Phone)
	opt("provisioning_token", a.ProvisioningToken)
	if a.Email != nil {
		item["GSI3PK"] = str(pfxEmail + strings.ToLower(*a.Email))
		item["GSI3SK"] = str(padID(a.ID))
	}
	if !a.Activated {
		item["GSI4PK"], item["GSI4SK"] = unconfirmedKeys(a)
	}
	if len(a.Dictionary) > 0 {
		entries := make([]types.AttributeValue, len(a.Dictionary))
		for i, e := range a.Dictionary {
			entries[i] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": str(e.Key), "v": str(e.Value)}}
		}
		item["dictionary"] = &types.AttributeValueMemberL{Value: entries}
	}
	if a.Admin != nil {
		item["admin_created_at"] = timeAttr(a.Admin.CreatedAt)
		item["admin_updated_at"] = timeAttr(a.Admin.UpdatedAt)
	}
	if e := a.ActivationExpiration; e != nil {
		item["activation_expires"] = timeAttr(e.Expires)
		item["activation_created_at"] = timeAttr(e.CreatedAt)
		item["activation_updated_at"] = timeAttr(e.UpdatedAt)
		if e.ID != 0 {
			item["activation_id"] = num(e.ID)
		}
	}
	if a.APIKeyHash != "" {
		item["api_key_hash"] = str(a.APIKeyHash)
	}
	putResourceAttrs(item, a) // types, actions (account_resources.go)
	putSelfAttrs(item, a)     // pending changes, abuse events (self_attrs.go)
	return item
}

// unconfirmedKeys index an account that is not activated (GSI4, sparse).
func unconfirmedKeys(a *account.Account) (types.AttributeValue, types.AttributeValue) {
	return str(pfxUnconfirmed + strings.ToLower(a.Domain)), str(a.CreatedAt.UTC().Format(timeFormat) + "#" + padID(a.ID))
}

func accountFromItem(item map[string]types.AttributeValue) *account.Account {
	a := &account.Account{
		ID:                getN(item, "id"),
		Username:          getS(item, "username"),
		Domain:            getS(item, "domain"),
		Email:             getOptS(item, "email"),
		Activated:         getBool(item, "activated"),
		ConfirmationKey:   getOptS(item, "confirmation_key"),
		IPAddress:         getS(item, "ip_address"),
		UserAgent:         getS(item, "user_agent"),
		CreatedAt:         getTime(item, "created_at"),
		UpdatedAt:         getTime(item, "updated_at"),
		DisplayName:       getOptS(item, "display_name"),
		DTMFProtocol:      getOptS(item, "dtmf_protocol"),
		Blocked:           getBool(item, "blocked"),
		Phone:             getOptS(item, "phone"),
		ProvisioningToken: getOptS(item, "provisioning_token"),
		Passwords:         getStringMap(item, "passwords"),
		APIKeyHash:        getS(item, "api_key_hash"),
	}
	if l, ok := item["dictionary"].(*types.AttributeValueMemberL); ok {
		for _, e := range l.Value {
			if m, ok := e.(*types.AttributeValueMemberM); ok {
				a.Dictionary = append(a.Dictionary, account.DictionaryEntry{Key: getS(m.Value, "k"), Value: getS(m.Value, "v")})
			}
		}
	}
	if getBool(item, "admin") {
		a.Admin = &account.Role{CreatedAt: getTime(item, "admin_created_at"), UpdatedAt: getTime(item, "admin_updated_at")}
	}
	if t := getOptTime(item, "activation_expires"); t != nil {
		a.ActivationExpiration = &account.ActivationExpiration{ID: getN(item, "activation_id"), Expires: *t,
			CreatedAt: getTime(item, "activation_created_at"), UpdatedAt: getTime(item, "activation_updated_at")}
	}
	readResourceAttrs(item, a) // types, actions (account_resources.go)
	readSelfAttrs(item, a)     // pending changes, abuse events (self_attrs.go)
	return a
}

// cardItem is the SIP identity marker, which also carries what Digest
// authentication and the guard need: one small eventually consistent
// read per Digest request (docs/access-patterns.md).
func cardItem(a *account.Account) map[string]types.AttributeValue {
	return merge(sipKey(a.Username, a.Domain), map[string]types.AttributeValue{
		"type":       str("sip"),
		"account_id": num(a.ID),
		"username":   str(a.Username),
		"domain":     str(a.Domain),
		"passwords":  stringMap(a.Passwords),
		"admin":      boolean(a.Admin != nil),
		"blocked":    boolean(a.Blocked),
	})
}

func markerItem(k map[string]types.AttributeValue, typ string, accountID int64) map[string]types.AttributeValue {
	return merge(k, map[string]types.AttributeValue{"type": str(typ), "account_id": num(accountID)})
}

// NextAccountID allocates FlexiAPI-style integer ids from a counter.
func (s *Store) NextAccountID(ctx context.Context) (int64, error) {
	return s.nextCounter(ctx, "account_id")
}

// CreateAccount writes an account with its markers in one transaction,
// with the id the account counter gives it in the same transaction (a.ID
// is set; a refused creation spends no id), or under a.ID when the caller
// gave one (an import, a test).
func (s *Store) CreateAccount(ctx context.Context, a *account.Account, emailUnique bool) error {
	return s.createAccount(ctx, a, emailUnique, nil)
}

// createAccount is CreateAccount with extra items in the same transaction
// (after the account's own, so its uniqueness errors come first), built
// for the new id; a failed condition on an extra item returns its error.
func (s *Store) createAccount(ctx context.Context, a *account.Account, emailUnique bool,
	extra func(id int64) ([]types.TransactWriteItem, []error)) error {
	now := num(time.Now().Unix())
	id, err := s.transactNewID(ctx, "account_id", a.ID, func(id int64) ([]types.TransactWriteItem, []error) {
		a.ID = id
		items := []types.TransactWriteItem{
			put(s.table, accountItem(a), "attribute_not_exists(PK)", nil),
			put(s.table, cardItem(a), "attribute_not_exists(PK)", nil),
			{ConditionCheck: &types.ConditionCheck{
				TableName: &s.table, Key: tombstoneKey(a.Username, a.Domain),
				// DynamoDB deletes expired items lazily: an expired tombstone
				// no longer counts.
				ConditionExpression:       aws.String("attribute_not_exists(PK) OR expires_at < :now"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":now": now},
			}},
		}
		// Which failed item means which taken field.
		taken := []error{errNewID, account.ErrUsernameTaken, account.ErrUsernameTaken}
		if emailUnique && a.Email != nil {
			items = append(items, put(s.table, markerItem(emailKey(*a.Email), "email", a.ID), "attribute_not_exists(PK)", nil))
			taken = append(taken, account.ErrEmailTaken)
		}
		if a.Phone != nil {
			items = append(items, put(s.table, markerItem(phoneKey(*a.Phone), "phone", a.ID), "attribute_not_exists(PK)", nil))
			taken = append(taken, account.ErrPhoneTaken)
		}
		if a.ProvisioningToken != nil {
			items = append(items, put(s.table, markerItem(provTokenKey(*a.ProvisioningToken), "provisioning_token", a.ID), "", nil))
			taken = append(taken, nil)
		}
		items = append(items, s.countUpdate(a.Domain, 1))
		taken = append(taken, nil)
		if extra != nil {
			more, errs := extra(id)
			items, taken = append(items, more...), append(taken, errs...)
		}
		return items, taken
	})
	if err != nil {
		a.ID = 0
		if errors.Is(err, account.ErrUsernameTaken) || errors.Is(err, account.ErrEmailTaken) ||
			errors.Is(err, account.ErrPhoneTaken) || errors.Is(err, account.ErrTokenInvalid) {
			return err
		}
		return fmt.Errorf("create account: %w", err)
	}
	a.ID = id
	return nil
}

// countUpdate keeps the totals that GET /accounts reports without counting
// the table: one per domain and one overall.
func (s *Store) countUpdate(domain string, delta int64) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 &s.table,
		Key:                       countsKey,
		UpdateExpression:          aws.String("ADD #t :d, #dom :d"),
		ExpressionAttributeNames:  map[string]string{"#t": "total", "#dom": "domain:" + strings.ToLower(domain)},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(delta)},
	}}
}

// AccountByID reads one account (strongly consistent).
func (s *Store) AccountByID(ctx context.Context, id int64) (*account.Account, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: accountKey(id), ConsistentRead: aws.Bool(true),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("load account %d: %w", id, err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return nil, account.ErrNotFound
	}
	return accountFromItem(out.Item), nil
}

// UsernameInAnyDomain queries the SIP identity partition of a username.
func (s *Store) UsernameInAnyDomain(ctx context.Context, username string) (bool, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkValue(pfxSIP + username))},
		Limit:                     aws.Int32(1),
		Select:                    types.SelectCount,
		ReturnConsumedCapacity:    totalCapacity,
	})
	if err != nil {
		return false, fmt.Errorf("look up username: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	return out.Count > 0, nil
}

// ListAccounts pages through the keys of the accounts of a domain (GSI1)
// or of every domain (GSI2), in id order, then reads the page's accounts
// with one BatchGetItem.
// Skipping to page N reads the keys of the earlier pages (Select COUNT):
// DynamoDB has no offset, and FlexiAPI's paginator needs one.
func (s *Store) ListAccounts(ctx context.Context, domain string, page, perPage int) ([]*account.Account, int, error) {
	total, err := s.accountCount(ctx, domain)
	if err != nil {
		return nil, 0, err
	}
	index, pk := "GSI2", allAccounts
	if domain != "" {
		index, pk = "GSI1", pfxDomain+strings.ToLower(domain)
	}
	pkAttr := index + "PK"
	q := dynamodb.QueryInput{
		TableName:                 &s.table,
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": pkAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
		ReturnConsumedCapacity:    totalCapacity,
	}
	skip := (page - 1) * perPage
	if skip >= total && total > 0 || (total == 0 && page > 1) {
		return nil, total, nil
	}
	var start map[string]types.AttributeValue
	for skip > 0 {
		in := q
		in.Select = types.SelectCount
		in.Limit = aws.Int32(int32(min(skip, 1000)))
		in.ExclusiveStartKey = start
		out, err := s.db.Query(ctx, &in)
		if err != nil {
			return nil, 0, fmt.Errorf("skip accounts: %w", err)
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		skip -= int(out.Count)
		start = out.LastEvaluatedKey
		if start == nil {
			return nil, total, nil
		}
	}
	var items []map[string]types.AttributeValue
	for len(items) < perPage {
		in := q
		in.Limit = aws.Int32(int32(perPage - len(items)))
		in.ExclusiveStartKey = start
		out, err := s.db.Query(ctx, &in)
		if err != nil {
			return nil, 0, fmt.Errorf("list accounts: %w", err)
		}
		meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
		items = append(items, out.Items...)
		start = out.LastEvaluatedKey
		if start == nil {
			break
		}
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i], _ = strconv.ParseInt(strings.TrimPrefix(getS(it, schema.PartitionKey), pfxAccount), 10, 64)
	}
	accounts, err := s.accountsByIDs(ctx, ids, false)
	return accounts, total, err
}

func (s *Store) accountCount(ctx context.Context, domain string) (int, error) {
	attr := "total"
	if domain != "" {
		attr = "domain:" + strings.ToLower(domain)
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: countsKey, ConsistentRead: aws.Bool(true),
		ProjectionExpression:     aws.String("#a"),
		ExpressionAttributeNames: map[string]string{"#a": attr},
		ReturnConsumedCapacity:   totalCapacity,
	})
	if err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	return int(getN(out.Item, attr)), nil
}

// ownedBy lets a marker be deleted only if it still belongs to the account.
const ownedBy = "attribute_not_exists(PK) OR account_id = :id"

// DeleteAccount removes an account and everything it owns, and writes the
// tombstone (unless tombstone is false): self-deletion and the
// unconfirmed-account clean-up. See admin_delete.go.
func (s *Store) DeleteAccount(ctx context.Context, a *account.Account, tombstone bool, now, tombstoneExpiry time.Time) error {
	return s.deleteAccount(ctx, a, deletion{tombstone: tombstone, now: now, tombstoneExpiry: tombstoneExpiry})
}

// SetAccountFlags updates activated/blocked on the account and blocked on
// the copies authentication reads (SIP card, API key), in one transaction.
func (s *Store) SetAccountFlags(ctx context.Context, a *account.Account, activated, blocked *bool, now time.Time) (*account.Account, error) {
	next := *a
	if activated != nil {
		next.Activated = *activated
	}
	if blocked != nil {
		next.Blocked = *blocked
	}
	if next.Activated == a.Activated && next.Blocked == a.Blocked {
		return &next, nil // nothing changes: FlexiAPI does not touch updated_at
	}
	next.UpdatedAt = now
	for {
		items, keyIndex := s.flagItems(a, &next)
		err := s.transact(ctx, items)
		var c *cancelled
		switch {
		case err == nil:
			return &next, nil
		case errors.As(err, &c) && c.index == 0:
			return nil, account.ErrNotFound
		case errors.As(err, &c) && c.index == keyIndex && next.APIKeyHash != "":
			// The key item expired (TTL) while the account still names it:
			// drop the dangling reference and try again.
			next.APIKeyHash = ""
			continue
		case errors.As(err, &c):
			return nil, fmt.Errorf("update account %d: %w", a.ID, account.ErrAlreadyChanged)
		default:
			return nil, fmt.Errorf("update account %d: %w", a.ID, err)
		}
	}
}

// flagItems builds SetAccountFlags' transaction; keyIndex is the position
// of the API key update (-1 when there is none).
func (s *Store) flagItems(a, next *account.Account) ([]types.TransactWriteItem, int) {
	vals := map[string]types.AttributeValue{
		":a": boolean(next.Activated), ":b": boolean(next.Blocked), ":u": timeAttr(next.UpdatedAt),
		":user": str(a.Username),
	}
	set := []string{"activated = :a", "blocked = :b", "updated_at = :u"}
	var remove []string
	if next.Activated {
		remove = append(remove, "GSI4PK", "GSI4SK")
	} else {
		set = append(set, "GSI4PK = :upk", "GSI4SK = :usk")
		vals[":upk"], vals[":usk"] = unconfirmedKeys(a)
	}
	if next.APIKeyHash == "" && a.APIKeyHash != "" {
		remove = append(remove, "api_key_hash")
	}
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &s.table, Key: accountKey(a.ID),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(PK) AND username = :user"),
		ExpressionAttributeValues: vals,
	}}}
	keyIndex := -1
	if next.Blocked != a.Blocked {
		items = append(items, s.setBlocked(sipKey(a.Username, a.Domain), next.Blocked, a.ID))
		if next.APIKeyHash != "" {
			keyIndex = len(items)
			items = append(items, s.setBlocked(apiKeyKey(next.APIKeyHash), next.Blocked, a.ID))
		}
	}
	return items, keyIndex
}

func (s *Store) setBlocked(k map[string]types.AttributeValue, blocked bool, id int64) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: k,
		UpdateExpression:          aws.String("SET blocked = :b"),
		ConditionExpression:       aws.String("account_id = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":b": boolean(blocked), ":id": num(id)},
	}}
}

// AccountBySIP finds an account by username and domain (any domain).
func (s *Store) AccountBySIP(ctx context.Context, username, domain string) (*account.Account, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: sipKey(username, domain), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("account_id"), ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("load SIP identity: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return nil, account.ErrNotFound
	}
	return s.AccountByID(ctx, getN(out.Item, "account_id"))
}

// SetPasswords replaces the password rows of an account and of its SIP
// card (what Digest reads) in one transaction.
func (s *Store) SetPasswords(ctx context.Context, a *account.Account, passwords map[string]string, now time.Time) (*account.Account, error) {
	next := *a
	next.Passwords = passwords
	next.UpdatedAt = now
	vals := map[string]types.AttributeValue{":p": stringMap(passwords), ":u": timeAttr(now), ":user": str(a.Username), ":id": num(a.ID)}
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression:          aws.String("SET passwords = :p, updated_at = :u"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND username = :user"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": vals[":p"], ":u": vals[":u"], ":user": vals[":user"]}}},
		{Update: &types.Update{TableName: &s.table, Key: sipKey(a.Username, a.Domain),
			UpdateExpression:          aws.String("SET passwords = :p"),
			ConditionExpression:       aws.String("account_id = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": vals[":p"], ":id": vals[":id"]}}},
	}
	if err := s.transact(ctx, items); err != nil {
		var c *cancelled
		if errors.As(err, &c) {
			return nil, fmt.Errorf("set passwords of account %d: %w", a.ID, account.ErrAlreadyChanged)
		}
		return nil, fmt.Errorf("set passwords of account %d: %w", a.ID, err)
	}
	return &next, nil
}

// SetAdmin grants or removes the admin role, on the account and on the
// copies authentication reads.
func (s *Store) SetAdmin(ctx context.Context, a *account.Account, admin bool, now time.Time) (*account.Account, error) {
	next := *a
	if admin == a.IsAdmin() {
		return &next, nil
	}
	next.UpdatedAt = now
	next.Admin = nil
	if admin {
		next.Admin = &account.Role{CreatedAt: now, UpdatedAt: now}
	}
	vals := map[string]types.AttributeValue{":a": boolean(admin), ":u": timeAttr(now), ":user": str(a.Username)}
	copyItem := func(k map[string]types.AttributeValue) types.TransactWriteItem {
		return types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: k,
			UpdateExpression:          aws.String("SET admin = :a"),
			ConditionExpression:       aws.String("account_id = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": boolean(admin), ":id": num(a.ID)}}}
	}
	for {
		set := []string{"admin = :a", "updated_at = :u"}
		var remove []string
		if admin {
			set = append(set, "admin_created_at = :u", "admin_updated_at = :u")
		} else {
			remove = append(remove, "admin_created_at", "admin_updated_at")
		}
		if next.APIKeyHash == "" && a.APIKeyHash != "" {
			remove = append(remove, "api_key_hash")
		}
		update := "SET " + strings.Join(set, ", ")
		if len(remove) > 0 {
			update += " REMOVE " + strings.Join(remove, ", ")
		}
		items := []types.TransactWriteItem{
			{Update: &types.Update{TableName: &s.table, Key: accountKey(a.ID),
				UpdateExpression:          aws.String(update),
				ConditionExpression:       aws.String("attribute_exists(PK) AND username = :user"),
				ExpressionAttributeValues: vals}},
			copyItem(sipKey(a.Username, a.Domain)),
		}
		if next.APIKeyHash != "" {
			items = append(items, copyItem(apiKeyKey(next.APIKeyHash)))
		}
		err := s.transact(ctx, items)
		var c *cancelled
		switch {
		case err == nil:
			return &next, nil
		case errors.As(err, &c) && c.index == 2 && next.APIKeyHash != "":
			next.APIKeyHash = "" // the key item expired: forget it
		case errors.As(err, &c) && c.index == 0:
			return nil, account.ErrNotFound
		case errors.As(err, &c):
			return nil, fmt.Errorf("set admin of account %d: %w", a.ID, account.ErrAlreadyChanged)
		default:
			return nil, fmt.Errorf("set admin of account %d: %w", a.ID, err)
		}
	}
}

// UnconfirmedAccounts lists the ids of the accounts of a domain that are
// not activated and were created before a time (GSI4, oldest first).
func (s *Store) UnconfirmedAccounts(ctx context.Context, domain string, before time.Time, limit int) ([]int64, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		IndexName:              aws.String("GSI4"),
		KeyConditionExpression: aws.String("GSI4PK = :pk AND GSI4SK < :before"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(pfxUnconfirmed + strings.ToLower(domain)), ":before": str(before.UTC().Format(timeFormat)),
		},
		Limit:                  aws.Int32(int32(limit)),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("list unconfirmed accounts: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	ids := make([]int64, 0, len(out.Items))
	for _, it := range out.Items {
		id, _ := strconv.ParseInt(strings.TrimPrefix(getS(it, schema.PartitionKey), pfxAccount), 10, 64)
		ids = append(ids, id)
	}
	return ids, nil
}
