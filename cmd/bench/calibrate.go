package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// calibration is one probe of DynamoDB Local's capacity accounting
// against AWS's documented rule for the same call.
type calibration struct {
	call     string
	reported float64
	aws      string
	matches  bool
	ruleOnly bool // AWS's figure depends on more than the rule says
	err      error
}

// calibrateDynamoDBLocal runs a few small calls on a scratch table of the
// same DynamoDB Local and compares the units it reports with AWS's rules,
// so that the capacity figures can be read for what they are.
func calibrateDynamoDBLocal(ctx context.Context, db *dynamodb.Client) ([]calibration, error) {
	const table = "bench-calibration"
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("G"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("GSIX"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("G"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("calibration table: %w", err)
	}
	defer db.DeleteTable(context.WithoutCancel(ctx), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	total := types.ReturnConsumedCapacityTotal
	units := func(cc ...types.ConsumedCapacity) float64 {
		var t float64
		for _, c := range cc {
			t += aws.ToFloat64(c.CapacityUnits)
		}
		return t
	}
	sized := func(pk string, gsi bool, bytes int) map[string]types.AttributeValue {
		m := map[string]types.AttributeValue{"PK": s(pk), "v": s("a small item" + strings.Repeat("x", bytes))}
		if gsi {
			m["G"] = s("g-" + pk)
		}
		return m
	}
	item := func(pk string, gsi bool) map[string]types.AttributeValue { return sized(pk, gsi, 0) }
	put := func(pk string, gsi bool) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: item(pk, gsi)}}
	}
	var out []calibration
	probe := func(call, awsRule string, want float64, f func() (float64, error)) {
		got, err := f()
		out = append(out, calibration{call: call, reported: got, aws: awsRule, matches: err == nil && got == want, ruleOnly: want < 0, err: err})
	}
	probe("PutItem, < 1 KB, no index key", "1", 1, func() (float64, error) {
		o, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("p1", false), ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(*o.ConsumedCapacity), nil
	})
	probe("PutItem, < 1 KB, sets one GSI's key", "2 (1 + 1 index write)", 2, func() (float64, error) {
		o, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("p2", true), ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(*o.ConsumedCapacity), nil
	})
	probe("UpdateItem changing that GSI key", "3 (1 + the index entry deleted and written)", 3, func() (float64, error) {
		o, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{"PK": s("p2")},
			UpdateExpression: aws.String("SET G = :g"), ExpressionAttributeValues: map[string]types.AttributeValue{":g": s("other")},
			ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(*o.ConsumedCapacity), nil
	})
	for n := 1; n <= 3; n++ {
		probe(fmt.Sprintf("TransactWriteItems, %d Put(s), < 1 KB, no index key", n), fmt.Sprint(2*n)+" (2 per item)", float64(2*n), func() (float64, error) {
			items := make([]types.TransactWriteItem, n)
			for i := range items {
				items[i] = put(fmt.Sprintf("t%d-%d", n, i), false)
			}
			o, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items, ReturnConsumedCapacity: total})
			if err != nil {
				return 0, err
			}
			return units(o.ConsumedCapacity...), nil
		})
	}
	probe("TransactWriteItems, 2 Puts of about 600 B each", "4 (2 per item)", 4, func() (float64, error) {
		items := []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(table), Item: sized("s1", false, 600)}},
			{Put: &types.Put{TableName: aws.String(table), Item: sized("s2", false, 600)}},
		}
		o, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items, ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(o.ConsumedCapacity...), nil
	})
	probe("TransactWriteItems, 1 Put setting one GSI's key", "2 for the table + the index write", -1, func() (float64, error) {
		o, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put("tg", true)}, ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(o.ConsumedCapacity...), nil
	})
	probe("GetItem, strongly consistent, < 4 KB", "1", 1, func() (float64, error) {
		o, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{"PK": s("p1")},
			ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(*o.ConsumedCapacity), nil
	})
	probe("GetItem, eventually consistent, < 4 KB", "0.5", 0.5, func() (float64, error) {
		o, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{"PK": s("p1")},
			ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(*o.ConsumedCapacity), nil
	})
	probe("Query of the GSI, one small item", "0.5", 0.5, func() (float64, error) {
		o, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), IndexName: aws.String("GSIX"),
			KeyConditionExpression: aws.String("G = :g"), ExpressionAttributeValues: map[string]types.AttributeValue{":g": s("other")},
			ReturnConsumedCapacity: total})
		if err != nil {
			return 0, err
		}
		return units(*o.ConsumedCapacity), nil
	})
	return out, nil
}
