package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CopyItemsBare is the import benchmark's baseline (make bench): every
// item of this table written into another with a bare BatchWriteItem
// loop (25 items a call, workers in parallel, unprocessed items retried),
// that is the items an import wrote, without a source to read, a
// condition or a transaction. It returns how many items it wrote and how
// long the writes took (the scan that reads them is not counted).
func (s *Store) CopyItemsBare(ctx context.Context, to *Store, workers int) (int, time.Duration, error) {
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: aws.String(s.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, 0, fmt.Errorf("scan %s: %w", s.table, err)
		}
		items = append(items, page.Items...)
	}
	start := time.Now()
	err := to.batchPutItems(ctx, items, workers)
	return len(items), time.Since(start), err
}
