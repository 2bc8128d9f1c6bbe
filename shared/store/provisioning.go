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
)

// These methods implement provisioning.Store (asserted in the tests: the
// store does not import the provisioning package, whose QR code library
// the authorizer need not link).

// ProvisioningTokenOwner reads a token marker (strongly consistent: a new
// token is used seconds after it is issued). Only an account's current
// token has a marker: renewal and consumption delete the old one.
func (s *Store) ProvisioningTokenOwner(ctx context.Context, token string) (int64, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: provTokenKey(token), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("account_id"), ReturnConsumedCapacity: totalCapacity,
	})
	if err != nil {
		return 0, fmt.Errorf("load provisioning token: %w", err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	if out.Item == nil {
		return 0, account.ErrNotFound
	}
	return getN(out.Item, "account_id"), nil
}

// ConsumeProvisioningToken activates the account and burns its token in
// one transaction whose conditions make the download single-use: the
// account must still name this token, and the marker must still be its.
// With passwords, the account's and the SIP card's passwords are replaced
// in the same transaction (?reset_password).
func (s *Store) ConsumeProvisioningToken(ctx context.Context, a *account.Account, token string, passwords map[string]string, now time.Time) (*account.Account, error) {
	next := *a
	next.ProvisioningToken = nil
	next.Activated = true
	vals := map[string]types.AttributeValue{":t": str(token), ":user": str(a.Username), ":yes": boolean(true)}
	set := []string{"activated = :yes"}
	remove := []string{"provisioning_token", "GSI4PK", "GSI4SK"}
	if !a.Activated || passwords != nil {
		next.UpdatedAt = now
		set = append(set, "updated_at = :u")
		vals[":u"] = timeAttr(now)
	}
	if passwords != nil {
		next.Passwords = passwords
		set = append(set, "passwords = :p")
		vals[":p"] = stringMap(passwords)
	}
	id := map[string]types.AttributeValue{":id": num(a.ID)}
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression:          aws.String("SET " + strings.Join(set, ", ") + " REMOVE " + strings.Join(remove, ", ")),
			ConditionExpression:       aws.String("provisioning_token = :t AND username = :user"),
			ExpressionAttributeValues: vals}},
		del(s.table, provTokenKey(token), "account_id = :id", id),
	}
	if passwords != nil {
		items = append(items, types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: sipKey(a.Username, a.Domain),
			UpdateExpression:          aws.String("SET passwords = :p"),
			ConditionExpression:       aws.String("account_id = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": vals[":p"], ":id": id[":id"]}}})
	}
	if err := s.transact(ctx, items); err != nil {
		var c *cancelled
		if errors.As(err, &c) {
			return nil, fmt.Errorf("consume provisioning token of account %d: %w", a.ID, account.ErrAlreadyChanged)
		}
		return nil, fmt.Errorf("consume provisioning token of account %d: %w", a.ID, err)
	}
	return &next, nil
}

// ReplaceProvisioningToken makes token the account's current one: the
// account names it, its marker is written (with the request's IP and user
// agent, as FlexiAPI's row) and the previous marker deleted, in one
// transaction conditioned on the account still naming the previous token.
func (s *Store) ReplaceProvisioningToken(ctx context.Context, a *account.Account, token, ip, userAgent string, now time.Time) (*account.Account, error) {
	next := *a
	next.ProvisioningToken = &token
	vals := map[string]types.AttributeValue{":t": str(token), ":user": str(a.Username)}
	cond := "attribute_exists(PK) AND username = :user AND "
	if a.ProvisioningToken != nil {
		cond += "provisioning_token = :old"
		vals[":old"] = str(*a.ProvisioningToken)
	} else {
		cond += "attribute_not_exists(provisioning_token)"
	}
	marker := merge(markerItem(provTokenKey(token), "provisioning_token", a.ID), map[string]types.AttributeValue{
		"ip": str(ip), "user_agent": str(userAgent), "created_at": timeAttr(now),
	})
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.table, Key: accountKey(a.ID),
			UpdateExpression:          aws.String("SET provisioning_token = :t"),
			ConditionExpression:       aws.String(cond),
			ExpressionAttributeValues: vals}},
		put(s.table, marker, "attribute_not_exists(PK)", nil),
	}
	if a.ProvisioningToken != nil {
		items = append(items, del(s.table, provTokenKey(*a.ProvisioningToken), ownedBy, map[string]types.AttributeValue{":id": num(a.ID)}))
	}
	if err := s.transact(ctx, items); err != nil {
		var c *cancelled
		if errors.As(err, &c) {
			// Item 1 failing means a Random(13) collision: as unlikely as
			// a lost race, and retried the same way.
			return nil, fmt.Errorf("renew provisioning token of account %d: %w", a.ID, account.ErrAlreadyChanged)
		}
		return nil, fmt.Errorf("renew provisioning token of account %d: %w", a.ID, err)
	}
	return &next, nil
}
