// Package streamgw adapts the DynamoDB stream events of the table to the
// projection for Flexisip: records in, account changes out, and the
// partial batch response back. With the flexisip-sync main, it is the only
// place that sees aws-lambda-go's stream event types.
package streamgw

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/flexisip"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

// Changes converts the records of an event, in order. Records that are not
// accounts are left out. A record that cannot be read stops the
// conversion: bad is its index in ev.Records (-1 when all were read) and
// err says why. seqs[i] is the sequence number of changes[i]'s record.
func Changes(ev events.DynamoDBEvent) (changes []flexisip.Change, seqs []string, bad int, err error) {
	for i, r := range ev.Records {
		keys, err1 := json.Marshal(r.Change.Keys)
		old, err2 := json.Marshal(r.Change.OldImage)
		nw, err3 := json.Marshal(r.Change.NewImage)
		if err := firstErr(err1, err2, err3); err != nil {
			return changes, seqs, i, fmt.Errorf("record %s: %w", r.Change.SequenceNumber, err)
		}
		c, ok, err := store.AccountChange(keys, old, nw)
		if err != nil {
			return changes, seqs, i, fmt.Errorf("record %s: %w", r.Change.SequenceNumber, err)
		}
		if ok {
			changes = append(changes, c)
			seqs = append(seqs, r.Change.SequenceNumber)
		}
	}
	return changes, seqs, -1, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// keep is the time an invocation keeps for itself after waiting for an
// unavailable database: to answer before Lambda's deadline.
const keep = 5 * time.Second

// Handler is the flexisip-sync function: it syncs the batch's accounts and
// names the first record it could not sync (the event source mapping
// retries from there, bisecting, and finally sends it to the failure
// queue). Records before it are done.
func Handler(s *flexisip.Syncer, log *slog.Logger) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		start := time.Now()
		changes, seqs, bad, decodeErr := Changes(ev)
		out := s.SyncChanges(ctx, changes, keep)
		var failedSeq string
		var failErr error
		switch {
		case out.Failed >= 0:
			failedSeq, failErr = seqs[out.Failed], out.Err
		case bad >= 0:
			failedSeq, failErr = ev.Records[bad].Change.SequenceNumber, decodeErr
		}
		attrs := []any{"records", len(ev.Records), "accounts_synced", out.Synced, "accounts_unchanged", out.Skipped,
			"duration_ms", time.Since(start).Milliseconds()}
		if len(ev.Records) > 0 {
			attrs = append(attrs, "first_sequence", ev.Records[0].Change.SequenceNumber)
		}
		if failErr != nil {
			log.Error("flexisip sync failed", append(attrs, "failed_sequence", failedSeq, "error", failErr.Error())...)
			return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: failedSeq}}}, nil
		}
		log.Info("flexisip sync", attrs...)
		return events.DynamoDBEventResponse{}, nil
	}
}
