// Package localesm is the event source mapping of `make run` and the
// tests: it reads the table's stream on DynamoDB Local through the
// DynamoDB Streams API (shards, iterators, records) and invokes a real
// bootstrap (shared/localgw's Runtime API harness) with
// events.DynamoDBEvent batches, as AWS's event source mapping does: the
// settings of shared/flexisip/mapping (batch size, event filter, bisection
// on error, retry attempts, maximum record age, partial batch responses),
// one batch at a time per shard, and an on-failure destination on SQS.
package localesm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/flexiapi-serverless/flexiapi/shared/flexisip/mapping"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

// Settings of a mapping; Defaults() are shared/flexisip/mapping's.
type Settings struct {
	BatchSize     int
	Bisect        bool
	RetryAttempts int
	MaxRecordAge  time.Duration
	// Filter is an event filter pattern (JSON); "" lets everything in.
	Filter string
	// PollInterval between reads of an idle shard (AWS: 4 per second).
	PollInterval time.Duration
	// RetryPause is the first pause before a failed batch is retried; it
	// doubles up to 5 s.
	RetryPause time.Duration
}

// Defaults are the deployed mapping's settings.
func Defaults() Settings {
	return Settings{
		BatchSize:     mapping.BatchSize,
		Bisect:        mapping.BisectOnError,
		RetryAttempts: mapping.RetryAttempts,
		MaxRecordAge:  mapping.MaxRecordAgeSeconds * time.Second,
		Filter:        mapping.FilterPattern,
		PollInterval:  250 * time.Millisecond,
		RetryPause:    200 * time.Millisecond,
	}
}

// Options wire a mapping.
type Options struct {
	Settings
	Function  *localgw.Function
	Streams   *dynamodbstreams.Client
	StreamARN string
	// SQS and FailureQueueURL are the on-failure destination.
	SQS             *sqs.Client
	FailureQueueURL string
	Logger          *slog.Logger
}

// Mapping is a running event source mapping.
type Mapping struct {
	o      Options
	filter any
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	started map[string]bool // shards with a reader
	done    map[string]bool // closed shards read to their end
	stats   Stats
}

// Stats count what the mapping did.
type Stats struct {
	Records, Filtered, Invocations, Discarded int
}

// Start reads the stream from its oldest record (TRIM_HORIZON) until
// Close.
func Start(o Options) (*Mapping, error) {
	if o.Function == nil || o.Streams == nil || o.StreamARN == "" || o.SQS == nil || o.FailureQueueURL == "" {
		return nil, errors.New("localesm: function, streams client, stream ARN and failure queue are required")
	}
	if o.BatchSize <= 0 {
		o.Settings = Defaults()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	m := &Mapping{o: o, started: map[string]bool{}, done: map[string]bool{}}
	if o.Filter != "" {
		if err := json.Unmarshal([]byte(o.Filter), &m.filter); err != nil {
			return nil, fmt.Errorf("localesm: filter pattern: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.wg.Add(1)
	go m.discover(ctx)
	return m, nil
}

// Close stops reading (an invocation in flight is abandoned).
func (m *Mapping) Close() {
	m.cancel()
	m.wg.Wait()
}

// Stats returns the counts so far.
func (m *Mapping) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

func (m *Mapping) count(f func(*Stats)) {
	m.mu.Lock()
	f(&m.stats)
	m.mu.Unlock()
}

// discover lists the stream's shards every few seconds and starts a reader
// for each new one whose parent is read to its end (a child's records come
// after its parent's).
func (m *Mapping) discover(ctx context.Context) {
	defer m.wg.Done()
	for {
		shards, err := m.shards(ctx)
		if err != nil && ctx.Err() == nil {
			m.o.Logger.Warn("stream: describe", "error", err.Error())
		}
		for _, sh := range shards {
			id := aws.ToString(sh.ShardId)
			parent := aws.ToString(sh.ParentShardId)
			m.mu.Lock()
			ready := !m.started[id] && (parent == "" || m.done[parent] || !known(shards, parent))
			if ready {
				m.started[id] = true
			}
			m.mu.Unlock()
			if ready {
				m.wg.Add(1)
				go m.readShard(ctx, id)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

func known(shards []types.Shard, id string) bool {
	for _, s := range shards {
		if aws.ToString(s.ShardId) == id {
			return true
		}
	}
	return false
}

func (m *Mapping) shards(ctx context.Context) ([]types.Shard, error) {
	var out []types.Shard
	var start *string
	for {
		d, err := m.o.Streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &m.o.StreamARN, ExclusiveStartShardId: start})
		if err != nil {
			return out, err
		}
		out = append(out, d.StreamDescription.Shards...)
		start = d.StreamDescription.LastEvaluatedShardId
		if start == nil {
			return out, nil
		}
	}
}

// readShard reads one shard in order, one batch at a time.
func (m *Mapping) readShard(ctx context.Context, shard string) {
	defer m.wg.Done()
	var iter *string
	var last string // sequence number of the last record read
	newIterator := func() error {
		in := &dynamodbstreams.GetShardIteratorInput{StreamArn: &m.o.StreamARN, ShardId: &shard, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
		if last != "" {
			in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(last)
		}
		out, err := m.o.Streams.GetShardIterator(ctx, in)
		if err != nil {
			return err
		}
		iter = out.ShardIterator
		return nil
	}
	if err := newIterator(); err != nil {
		if ctx.Err() == nil {
			m.o.Logger.Warn("stream: shard iterator", "shard", shard, "error", err.Error())
			m.mu.Lock()
			delete(m.started, shard) // discover tries again
			m.mu.Unlock()
		}
		return
	}
	var pending []record
	for ctx.Err() == nil {
		if len(pending) < m.o.BatchSize && iter != nil {
			out, err := m.o.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(1000)})
			var expired *types.ExpiredIteratorException
			switch {
			case errors.As(err, &expired):
				if err := newIterator(); err != nil && ctx.Err() == nil {
					m.o.Logger.Warn("stream: shard iterator", "shard", shard, "error", err.Error())
					sleep(ctx, time.Second)
				}
				continue
			case err != nil:
				if ctx.Err() == nil {
					m.o.Logger.Warn("stream: get records", "shard", shard, "error", err.Error())
					sleep(ctx, time.Second)
				}
				continue
			}
			iter = out.NextShardIterator
			now := time.Now()
			for _, r := range out.Records {
				raw, err := eventRecord(r, m.o.StreamARN)
				if err != nil {
					m.o.Logger.Warn("stream: record", "shard", shard, "error", err.Error())
					continue
				}
				rec := record{seq: aws.ToString(r.Dynamodb.SequenceNumber), json: raw, fetched: now, matching: true}
				if t := r.Dynamodb.ApproximateCreationDateTime; t != nil {
					rec.arrival = *t
				}
				if m.filter != nil {
					var v any
					_ = json.Unmarshal(raw, &v)
					rec.matching = matches(m.filter, v)
				}
				last = rec.seq
				m.count(func(s *Stats) { s.Records++ })
				if !rec.matching {
					m.count(func(s *Stats) { s.Filtered++ })
					continue
				}
				pending = append(pending, rec)
			}
		}
		if len(pending) == 0 {
			if iter == nil {
				m.mu.Lock()
				m.done[shard] = true
				m.mu.Unlock()
				return
			}
			sleep(ctx, m.o.PollInterval)
			continue
		}
		n := min(m.o.BatchSize, len(pending))
		batch := pending[:n]
		pending = pending[n:]
		m.process(ctx, shard, batch, 0)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// process invokes the function with a batch until it succeeds, bisecting a
// failing batch and retrying a failing single record up to RetryAttempts
// times; what still fails (or grows older than MaxRecordAge) goes to the
// failure queue, and the shard moves on.
func (m *Mapping) process(ctx context.Context, shard string, batch []record, attempts int) {
	pause := m.o.RetryPause
	for ctx.Err() == nil {
		if m.o.MaxRecordAge > 0 && time.Since(batch[0].fetched) > m.o.MaxRecordAge {
			m.discard(ctx, shard, batch, "RecordAgeExceeded", attempts, "")
			return
		}
		failed, fnError := m.invoke(ctx, batch)
		if failed < 0 {
			return
		}
		if ctx.Err() != nil {
			return
		}
		batch = batch[failed:] // the records before the first failure are done
		if m.o.Bisect && len(batch) > 1 {
			half := len(batch) / 2
			m.process(ctx, shard, batch[:half], attempts)
			m.process(ctx, shard, batch[half:], attempts)
			return
		}
		attempts++
		if attempts > m.o.RetryAttempts {
			m.discard(ctx, shard, batch, "RetryAttemptsExhausted", attempts, fnError)
			return
		}
		sleep(ctx, pause)
		pause = min(pause*2, 5*time.Second)
	}
}

// invoke sends one batch. It returns -1 when the batch succeeded, else the
// index of the first record to retry (0 for a failed invocation), and the
// function error's type, if any.
func (m *Mapping) invoke(ctx context.Context, batch []record) (failed int, fnError string) {
	recs := make([]json.RawMessage, len(batch))
	for i, r := range batch {
		recs[i] = r.json
	}
	payload, _ := json.Marshal(map[string]any{"Records": recs})
	m.count(func(s *Stats) { s.Invocations++ })
	body, fnErr, err := m.o.Function.Invoke(ctx, payload)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			m.o.Logger.Warn("stream: invocation failed", "function", m.o.Function.Name, "records", len(batch), "error", err.Error())
		}
		return 0, "Unhandled"
	case fnErr != nil:
		m.o.Logger.Warn("stream: function error", "function", m.o.Function.Name, "records", len(batch), "error", fnErr.Error())
		return 0, "Unhandled"
	}
	var resp struct {
		BatchItemFailures []struct {
			ItemIdentifier *string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if len(body) == 0 || string(body) == "null" {
		return -1, ""
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return -1, "" // not a batch response: Lambda takes it as success
	}
	if len(resp.BatchItemFailures) == 0 {
		return -1, ""
	}
	// The lowest sequence number reported is the checkpoint; an empty or
	// unknown identifier fails the whole batch.
	lowest := len(batch)
	for _, f := range resp.BatchItemFailures {
		i := -1
		for j, r := range batch {
			if f.ItemIdentifier != nil && r.seq == *f.ItemIdentifier {
				i = j
			}
		}
		if i < 0 {
			return 0, ""
		}
		lowest = min(lowest, i)
	}
	return lowest, ""
}

// discard sends a batch's description to the failure queue, as Lambda's
// on-failure destination does for a stream: where the records are, not
// the records (they stay readable in the stream for 24 hours).
func (m *Mapping) discard(ctx context.Context, shard string, batch []record, condition string, attempts int, fnError string) {
	first, last := batch[0], batch[len(batch)-1]
	msg := map[string]any{
		"requestContext": map[string]any{
			"requestId":              newID(),
			"functionArn":            "arn:aws:lambda:us-east-1:000000000000:function:" + m.o.Function.Name,
			"condition":              condition,
			"approximateInvokeCount": attempts,
		},
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": fnError},
		"version":         "1.0",
		"timestamp":       time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		"DDBStreamBatchInfo": map[string]any{
			"shardId":                         shard,
			"startSequenceNumber":             first.seq,
			"endSequenceNumber":               last.seq,
			"approximateArrivalOfFirstRecord": first.arrival.UTC().Format(time.RFC3339),
			"approximateArrivalOfLastRecord":  last.arrival.UTC().Format(time.RFC3339),
			"batchSize":                       len(batch),
			"streamArn":                       m.o.StreamARN,
		},
	}
	body, _ := json.Marshal(msg)
	m.count(func(s *Stats) { s.Discarded += len(batch) })
	m.o.Logger.Error("stream: records sent to the failure queue", "function", m.o.Function.Name, "condition", condition,
		"start_sequence", first.seq, "end_sequence", last.seq, "records", len(batch))
	for attempt := 0; ctx.Err() == nil; attempt++ {
		_, err := m.o.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &m.o.FailureQueueURL, MessageBody: aws.String(string(body))})
		if err == nil {
			return
		}
		m.o.Logger.Warn("stream: failure queue", "error", err.Error())
		sleep(ctx, time.Second)
	}
}
