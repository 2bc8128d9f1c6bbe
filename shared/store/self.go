package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// The account's own endpoints: pending phone and email changes and the
// BlockingService's events live on the account item (the request reads it
// anyway); the SMS quota has one item per number and hour.

const pfxSMSQuota = "SMSQUOTA#"

// Attributes of the account item written here (self_attrs.go maps them).
const (
	attrPhoneChange = "phone_change"
	attrEmailChange = "email_change"
	attrAbuseEvents = "abuse_events"
)

func changeAttr(kind account.ChangeKind) string {
	if kind == account.ChangeEmail {
		return attrEmailChange
	}
	return attrPhoneChange
}

// AliasInUse reports whether a phone marker exists (eventually consistent:
// the confirmation's conditional write is what guarantees uniqueness).
func (s *Store) AliasInUse(ctx context.Context, phone string) (bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: phoneKey(phone), ProjectionExpression: aws.String("account_id"),
		ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return false, fmt.Errorf("load phone marker: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	return out.Item != nil, nil
}

// SetPendingChange writes a pending change and the abuse events with one
// conditional UpdateItem: the previous pending change and events must be
// those a was read with, else ErrAlreadyChanged (the caller re-reads).
func (s *Store) SetPendingChange(ctx context.Context, a *account.Account, kind account.ChangeKind, ch *account.PendingChange, events []time.Time) error {
	prev := a.PhoneChange
	if kind == account.ChangeEmail {
		prev = a.EmailChange
	}
	vals := map[string]types.AttributeValue{":ch": pendingChangeAttr(ch), ":ev": timeList(events), ":user": str(a.Username)}
	names := map[string]string{"#ch": changeAttr(kind), "#ev": attrAbuseEvents}
	cond := []string{"attribute_exists(PK)", "username = :user"}
	if prev == nil {
		cond = append(cond, "attribute_not_exists(#ch)")
	} else {
		cond = append(cond, "#ch.code = :prevcode", "#ch.created_at = :prevcreated")
		vals[":prevcode"], vals[":prevcreated"] = str(prev.Code), timeAttr(prev.CreatedAt)
	}
	if len(a.AbuseEvents) == 0 {
		cond = append(cond, "(attribute_not_exists(#ev) OR size(#ev) = :zero)")
		vals[":zero"] = num(0)
	} else {
		cond = append(cond, "#ev = :prevev")
		vals[":prevev"] = timeList(a.AbuseEvents)
	}
	what := fmt.Sprintf("pending %s change of account %d", kind, a.ID)
	return s.conditional(ctx, types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: accountKey(a.ID),
		UpdateExpression:          aws.String("SET #ch = :ch, #ev = :ev"),
		ConditionExpression:       aws.String(strings.Join(cond, " AND ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: vals,
	}}, fmt.Errorf("%s: %w", what, account.ErrAlreadyChanged), what)
}

// WrongChangeCode counts a wrong code on the pending change (conditioned
// on its code: a new code starts a new count), or removes the change when
// this was the last allowed wrong code. A concurrent change of the pending
// change is ErrAlreadyChanged.
func (s *Store) WrongChangeCode(ctx context.Context, a *account.Account, kind account.ChangeKind) error {
	ch := a.PhoneChange
	if kind == account.ChangeEmail {
		ch = a.EmailChange
	}
	if ch == nil {
		return account.ErrNotFound
	}
	update := "SET #ch.wrong_codes = :n"
	vals := map[string]types.AttributeValue{":code": str(ch.Code), ":n": num(int64(ch.WrongCodes + 1)), ":prev": num(int64(ch.WrongCodes))}
	if ch.WrongCodes+1 >= account.MaxWrongCodes {
		update = "REMOVE #ch"
		delete(vals, ":n")
	}
	what := fmt.Sprintf("wrong %s code of account %d", kind, a.ID)
	return s.conditional(ctx, types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: accountKey(a.ID),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("#ch.code = :code AND (attribute_not_exists(#ch.wrong_codes) OR #ch.wrong_codes = :prev)"),
		ExpressionAttributeNames:  map[string]string{"#ch": changeAttr(kind)},
		ExpressionAttributeValues: vals,
	}}, fmt.Errorf("%s: %w", what, account.ErrAlreadyChanged), what)
}

// activation is the part of an update that activates an account: FlexiAPI
// saves the account only when activated changes, so updated_at moves only
// then.
func activation(a *account.Account, now time.Time, set []string, remove []string, vals map[string]types.AttributeValue, next *account.Account) ([]string, []string) {
	if a.Activated {
		return set, remove
	}
	next.Activated = true
	next.UpdatedAt = now
	vals[":act"], vals[":now"] = boolean(true), timeAttr(now)
	return append(set, "activated = :act", "updated_at = :now"), append(remove, "GSI4PK", "GSI4SK")
}

func updateExpr(set, remove []string) *string {
	e := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		e += " REMOVE " + strings.Join(remove, ", ")
	}
	return aws.String(e)
}

// ConfirmPhoneChange moves the account's alias to the pending phone in one
// transaction: the account (phone, activated, pending change consumed, on
// the condition that it is still the one read), the new phone marker (not
// another account's: ErrPhoneTaken) and the old marker deleted.
func (s *Store) ConfirmPhoneChange(ctx context.Context, a *account.Account, now time.Time) (*account.Account, error) {
	ch := a.PhoneChange
	if ch == nil {
		return nil, account.ErrNotFound
	}
	next := *a
	next.PhoneChange = nil
	next.Phone = &ch.Value
	vals := map[string]types.AttributeValue{":p": str(ch.Value), ":code": str(ch.Code), ":user": str(a.Username)}
	set, remove := activation(a, now, []string{"phone = :p"}, []string{attrPhoneChange}, vals, &next)
	id := map[string]types.AttributeValue{":id": num(a.ID)}
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression:          updateExpr(set, remove),
			ConditionExpression:       aws.String("attribute_exists(PK) AND username = :user AND phone_change.code = :code AND phone_change.#v = :p"),
			ExpressionAttributeNames:  map[string]string{"#v": "value"},
			ExpressionAttributeValues: vals}},
		put(s.table, markerItem(phoneKey(ch.Value), "phone", a.ID), "attribute_not_exists(PK) OR account_id = :id", id),
	}
	if a.Phone != nil && *a.Phone != ch.Value {
		items = append(items, del(s.table, phoneKey(*a.Phone), ownedBy, id))
	}
	if err := s.confirmTransaction(ctx, a, items, account.ErrPhoneTaken); err != nil {
		return nil, err
	}
	return &next, nil
}

// ConfirmEmailChange is ConfirmPhoneChange for the email: the account's
// email and its GSI3 entry, and the uniqueness markers when emailUnique.
func (s *Store) ConfirmEmailChange(ctx context.Context, a *account.Account, emailUnique bool, now time.Time) (*account.Account, error) {
	ch := a.EmailChange
	if ch == nil {
		return nil, account.ErrNotFound
	}
	next := *a
	next.EmailChange = nil
	next.Email = &ch.Value
	vals := map[string]types.AttributeValue{":e": str(ch.Value), ":code": str(ch.Code), ":user": str(a.Username),
		":g3pk": str(pfxEmail + strings.ToLower(ch.Value)), ":g3sk": str(padID(a.ID))}
	set, remove := activation(a, now, []string{"email = :e", "GSI3PK = :g3pk", "GSI3SK = :g3sk"}, []string{attrEmailChange}, vals, &next)
	id := map[string]types.AttributeValue{":id": num(a.ID)}
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression:          updateExpr(set, remove),
			ConditionExpression:       aws.String("attribute_exists(PK) AND username = :user AND email_change.code = :code AND email_change.#v = :e"),
			ExpressionAttributeNames:  map[string]string{"#v": "value"},
			ExpressionAttributeValues: vals}},
	}
	if emailUnique {
		items = append(items, put(s.table, markerItem(emailKey(ch.Value), "email", a.ID), "attribute_not_exists(PK) OR account_id = :id", id))
		if a.Email != nil && !strings.EqualFold(*a.Email, ch.Value) {
			items = append(items, del(s.table, emailKey(*a.Email), ownedBy, id))
		}
	}
	if err := s.confirmTransaction(ctx, a, items, account.ErrEmailTaken); err != nil {
		return nil, err
	}
	return &next, nil
}

// confirmTransaction runs a confirmation: item 0 is the account (a
// concurrent change: ErrAlreadyChanged), item 1 the new marker (taken).
func (s *Store) confirmTransaction(ctx context.Context, a *account.Account, items []types.TransactWriteItem, taken error) error {
	err := s.transact(ctx, items)
	var c *cancelled
	switch {
	case err == nil:
		return nil
	case errors.As(err, &c) && c.index == 1:
		return taken
	case errors.As(err, &c):
		return fmt.Errorf("confirm change of account %d: %w", a.ID, account.ErrAlreadyChanged)
	}
	return fmt.Errorf("confirm change of account %d: %w", a.ID, err)
}

// ChangePassword replaces the passwords of the account and of its SIP
// identity, and activates the account, in one transaction, on the
// condition that the passwords are still those a was read with (the old
// password was checked against them).
func (s *Store) ChangePassword(ctx context.Context, a *account.Account, passwords map[string]string, now time.Time) (*account.Account, error) {
	next := *a
	next.Passwords = passwords
	vals := map[string]types.AttributeValue{":p": stringMap(passwords), ":user": str(a.Username)}
	cond := "attribute_exists(PK) AND username = :user"
	if len(a.Passwords) == 0 {
		cond += " AND (attribute_not_exists(passwords) OR size(passwords) = :zero)"
		vals[":zero"] = num(0)
	} else {
		cond += " AND passwords = :old"
		vals[":old"] = stringMap(a.Passwords)
	}
	set, remove := activation(a, now, []string{"passwords = :p"}, nil, vals, &next)
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression: updateExpr(set, remove), ConditionExpression: aws.String(cond),
			ExpressionAttributeValues: vals}},
		{Update: &types.Update{TableName: &s.table, Key: sipKey(a.Username, a.Domain),
			UpdateExpression:          aws.String("SET passwords = :p"),
			ConditionExpression:       aws.String("account_id = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": vals[":p"], ":id": num(a.ID)}}},
	}
	if err := s.transact(ctx, items); err != nil {
		var c *cancelled
		if errors.As(err, &c) {
			return nil, fmt.Errorf("change password of account %d: %w", a.ID, account.ErrAlreadyChanged)
		}
		return nil, fmt.Errorf("change password of account %d: %w", a.ID, err)
	}
	return &next, nil
}

// TakeSMSQuota counts one SMS to phone in its hour with one conditional
// ADD; the item expires an hour after its hour ends (TTL).
func (s *Store) TakeSMSQuota(ctx context.Context, phone string, hour time.Time, max int) error {
	return s.conditional(ctx, types.TransactWriteItem{Update: &types.Update{
		TableName:                &s.table,
		Key:                      key(pfxSMSQuota+phone, hour.UTC().Format("2006-01-02T15")),
		UpdateExpression:         aws.String("ADD #c :one SET #ttl = :ttl"),
		ConditionExpression:      aws.String("attribute_not_exists(#c) OR #c < :max"),
		ExpressionAttributeNames: map[string]string{"#c": "count", "#ttl": schema.TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": num(1), ":max": num(int64(max)), ":ttl": num(hour.Add(2 * time.Hour).Unix()),
		},
	}}, account.ErrSMSQuota, "count SMS quota")
}

// ReleaseSMSQuota gives back one SMS counted in its hour (a send that
// failed): one conditional ADD of -1, never below 0; a count already at 0
// or gone (expired) is left alone.
func (s *Store) ReleaseSMSQuota(ctx context.Context, phone string, hour time.Time) error {
	err := s.conditional(ctx, types.TransactWriteItem{Update: &types.Update{
		TableName:                &s.table,
		Key:                      key(pfxSMSQuota+phone, hour.UTC().Format("2006-01-02T15")),
		UpdateExpression:         aws.String("ADD #c :minus"),
		ConditionExpression:      aws.String("#c > :zero"),
		ExpressionAttributeNames: map[string]string{"#c": "count"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":minus": num(-1), ":zero": num(0),
		},
	}}, errNothingToRelease, "give back SMS quota")
	if errors.Is(err, errNothingToRelease) {
		return nil
	}
	return err
}

var errNothingToRelease = errors.New("no SMS counted")
