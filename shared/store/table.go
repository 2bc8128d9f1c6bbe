package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// CreateTableInput is the table as schema describes it (on-demand).
func CreateTableInput(name string) *dynamodb.CreateTableInput {
	attrs := map[string]bool{schema.PartitionKey: true, schema.SortKey: true}
	var gsis []types.GlobalSecondaryIndex
	for _, ix := range schema.Indexes {
		attrs[ix.PartitionKey], attrs[ix.SortKey] = true, true
		proj := &types.Projection{ProjectionType: types.ProjectionType(ix.Projection)}
		if len(ix.NonKeyAttributes) > 0 {
			proj.NonKeyAttributes = ix.NonKeyAttributes
		}
		gsis = append(gsis, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
			},
			Projection: proj,
		})
	}
	var defs []types.AttributeDefinition
	for _, a := range []string{schema.PartitionKey, schema.SortKey} {
		defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
	}
	for _, ix := range schema.Indexes {
		for _, a := range []string{ix.PartitionKey, ix.SortKey} {
			defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
		}
	}
	return &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(schema.PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(schema.SortKey), KeyType: types.KeyTypeRange},
		},
		AttributeDefinitions:   defs,
		GlobalSecondaryIndexes: gsis,
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(schema.StreamViewType),
		},
	}
}

// EnsureTable creates the table if it does not exist, waits until it is
// active, turns its stream on (a table made before the stream existed, a
// developer's .local/dynamodb-data) and TTL. It is idempotent. created is
// false when the table already existed.
func EnsureTable(ctx context.Context, db *dynamodb.Client, name string) (created bool, err error) {
	_, err = db.CreateTable(ctx, CreateTableInput(name))
	var inUse *types.ResourceInUseException
	switch {
	case err == nil:
		created = true
	case errors.As(err, &inUse):
	default:
		return false, fmt.Errorf("create table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
		return created, fmt.Errorf("wait for table %s: %w", name, err)
	}
	if err := ensureStream(ctx, db, name); err != nil {
		return created, err
	}
	ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err == nil && ttl.TimeToLiveDescription != nil &&
		ttl.TimeToLiveDescription.TimeToLiveStatus == types.TimeToLiveStatusEnabled {
		return created, nil
	}
	_, err = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(schema.TTLAttribute), Enabled: aws.Bool(true),
		},
	})
	if err != nil {
		return created, fmt.Errorf("enable TTL on %s: %w", name, err)
	}
	return created, nil
}

// ensureStream enables the table's stream with the schema's view type.
func ensureStream(ctx context.Context, db *dynamodb.Client, name string) error {
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if spec := out.Table.StreamSpecification; spec != nil && aws.ToBool(spec.StreamEnabled) {
		if spec.StreamViewType == types.StreamViewType(schema.StreamViewType) {
			return nil
		}
		return fmt.Errorf("table %s has a %s stream; the projection for Flexisip needs %s: disable the stream and run again",
			name, spec.StreamViewType, schema.StreamViewType)
	}
	_, err = db.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName: aws.String(name),
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(schema.StreamViewType),
		},
	})
	if err != nil {
		return fmt.Errorf("enable the stream of %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	return w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute)
}

// StreamARN is the table's current stream (the local event source mapping
// of make run and the tests reads it); "" when the table has none.
func (s *Store) StreamARN(ctx context.Context) (string, error) {
	out, err := s.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
	if err != nil {
		return "", fmt.Errorf("describe table %s: %w", s.table, err)
	}
	return aws.ToString(out.Table.LatestStreamArn), nil
}

// CheckTable fails, in one line, when the table does not exist.
func (s *Store) CheckTable(ctx context.Context) error {
	_, err := s.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return fmt.Errorf("the table %s does not exist: create it first (flexiapi-admin create-table)", s.table)
	}
	if err != nil {
		return fmt.Errorf("describe the table %s: %w", s.table, err)
	}
	return nil
}

// DropTable deletes the table (the benchmark's scratch tables).
func (s *Store) DropTable(ctx context.Context) error {
	_, err := s.db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(s.table)})
	return err
}
