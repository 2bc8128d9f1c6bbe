package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

var (
	_ flexisip.Source = (*Store)(nil)
	_ flexisip.Lister = (*Store)(nil)
)

// AccountChange reads one record of the table's stream, its key and
// images in DynamoDB's JSON form ({"S": "..."}), as an account change.
// ok is false for any item that is not an account (markers, tokens,
// statistics...).
func AccountChange(keys, oldImage, newImage []byte) (c flexisip.Change, ok bool, err error) {
	k, err := decodeImage(keys)
	if err != nil {
		return c, false, fmt.Errorf("stream record keys: %w", err)
	}
	pk, sk := getS(k, schema.PartitionKey), getS(k, schema.SortKey)
	if sk != "ACCOUNT" || !strings.HasPrefix(pk, pfxAccount) {
		return c, false, nil
	}
	c.AccountID, err = strconv.ParseInt(strings.TrimPrefix(pk, pfxAccount), 10, 64)
	if err != nil || c.AccountID <= 0 {
		return c, false, fmt.Errorf("stream record of %q: not an account id", pk)
	}
	for _, img := range []struct {
		raw []byte
		to  **account.Account
	}{{oldImage, &c.Old}, {newImage, &c.New}} {
		if len(img.raw) == 0 || string(img.raw) == "null" {
			continue
		}
		item, err := decodeImage(img.raw)
		if err != nil {
			return c, false, fmt.Errorf("stream record of account %d: %w", c.AccountID, err)
		}
		if len(item) > 0 {
			*img.to = accountFromItem(item)
		}
	}
	return c, true, nil
}

// decodeImage parses an item in DynamoDB's JSON form.
func decodeImage(raw []byte) (map[string]types.AttributeValue, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not an item: %w", err)
	}
	out := make(map[string]types.AttributeValue, len(m))
	for name, v := range m {
		av, err := decodeValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		out[name] = av
	}
	return out, nil
}

func decodeValue(raw json.RawMessage) (types.AttributeValue, error) {
	var tagged map[string]json.RawMessage
	if err := json.Unmarshal(raw, &tagged); err != nil || len(tagged) != 1 {
		return nil, errors.New("not a typed value")
	}
	for tag, v := range tagged {
		switch tag {
		case "S":
			var s string
			err := json.Unmarshal(v, &s)
			return &types.AttributeValueMemberS{Value: s}, err
		case "N":
			var s string
			err := json.Unmarshal(v, &s)
			return &types.AttributeValueMemberN{Value: s}, err
		case "B":
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			b, err := base64.StdEncoding.DecodeString(s)
			return &types.AttributeValueMemberB{Value: b}, err
		case "BOOL":
			var b bool
			err := json.Unmarshal(v, &b)
			return &types.AttributeValueMemberBOOL{Value: b}, err
		case "NULL":
			return &types.AttributeValueMemberNULL{Value: true}, nil
		case "SS", "NS":
			var ss []string
			if err := json.Unmarshal(v, &ss); err != nil {
				return nil, err
			}
			if tag == "SS" {
				return &types.AttributeValueMemberSS{Value: ss}, nil
			}
			return &types.AttributeValueMemberNS{Value: ss}, nil
		case "BS":
			var ss []string
			if err := json.Unmarshal(v, &ss); err != nil {
				return nil, err
			}
			bs := make([][]byte, len(ss))
			for i, s := range ss {
				b, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					return nil, err
				}
				bs[i] = b
			}
			return &types.AttributeValueMemberBS{Value: bs}, nil
		case "M":
			var m map[string]json.RawMessage
			if err := json.Unmarshal(v, &m); err != nil {
				return nil, err
			}
			out := make(map[string]types.AttributeValue, len(m))
			for k, e := range m {
				av, err := decodeValue(e)
				if err != nil {
					return nil, err
				}
				out[k] = av
			}
			return &types.AttributeValueMemberM{Value: out}, nil
		case "L":
			var l []json.RawMessage
			if err := json.Unmarshal(v, &l); err != nil {
				return nil, err
			}
			out := make([]types.AttributeValue, len(l))
			for i, e := range l {
				av, err := decodeValue(e)
				if err != nil {
					return nil, err
				}
				out[i] = av
			}
			return &types.AttributeValueMemberL{Value: out}, nil
		default:
			return nil, fmt.Errorf("unknown type %q", tag)
		}
	}
	return nil, errors.New("not a typed value")
}

// AccountsAfter pages through every account by id (GSI2), reading each
// page's items strongly consistently: the projection's rebuild compares
// them with Flexisip's rows.
func (s *Store) AccountsAfter(ctx context.Context, after int64, limit int) ([]*account.Account, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.table,
		IndexName:                 aws.String("GSI2"),
		KeyConditionExpression:    aws.String("GSI2PK = :pk AND GSI2SK > :after"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(allAccounts), ":after": str(padID(after))},
		Limit:                     aws.Int32(int32(limit)),
		ReturnConsumedCapacity:    totalCapacity,
	})
	if err != nil {
		return nil, fmt.Errorf("list accounts after %d: %w", after, err)
	}
	meterRead(ctx, ptrCC(out.ConsumedCapacity)...)
	ids := make([]int64, 0, len(out.Items))
	for _, it := range out.Items {
		id, err := strconv.ParseInt(strings.TrimPrefix(getS(it, schema.PartitionKey), pfxAccount), 10, 64)
		if err == nil {
			ids = append(ids, id)
		}
	}
	accounts, err := s.accountsByIDs(ctx, ids, true)
	if err != nil {
		return nil, err
	}
	// An account deleted between the index and the read leaves the page
	// short: keep the page full-length in its id range so that the caller
	// does not take it for the last one.
	if len(out.Items) == limit && len(accounts) < limit && out.LastEvaluatedKey != nil {
		more, err := s.AccountsAfter(ctx, ids[len(ids)-1], limit-len(accounts))
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, more...)
	}
	return accounts, nil
}
