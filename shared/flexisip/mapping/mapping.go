// Package mapping holds the settings of the event source mapping that
// feeds the flexisip-sync function from the table's stream, as plain data:
// the CDK stack deploys them and the local event source mapping of `make
// run` and the tests (shared/localesm) applies the same, so the two cannot
// disagree. It imports nothing.
package mapping

// Function is the name of the Lambda program (functions/flexisip-sync).
const Function = "flexisip-sync"

const (
	// BatchSize is the largest batch of stream records per invocation.
	BatchSize = 100
	// MaxBatchingWindowSeconds: records are sent as soon as they come (a
	// password change must reach Flexisip within seconds).
	MaxBatchingWindowSeconds = 0
	// BisectOnError splits a failing batch in two, again and again, so a
	// record that keeps failing ends alone in the failure queue.
	BisectOnError = true
	// RetryAttempts per batch (and per half) before its records go to the
	// failure queue. With the function's own patience while the database
	// is unreachable (it waits up to its timeout), an outage of about
	// (RetryAttempts+1) × TimeoutSeconds delays records without losing
	// them; docs/flexisip.md says what to do after a longer one.
	RetryAttempts = 10
	// MaxRecordAgeSeconds: older records go to the failure queue (the
	// stream keeps 24 hours).
	MaxRecordAgeSeconds = 6 * 3600
	// ReportBatchItemFailures: the function names the first record it
	// could not sync; the ones before it are done.
	ReportBatchItemFailures = true
	// ParallelizationFactor 1: one batch at a time per shard, so the
	// changes of one account are synced in order.
	ParallelizationFactor = 1
	// StartingPosition TRIM_HORIZON: a new mapping replays what the stream
	// still holds (24 hours): syncing is idempotent.
	StartingPosition = "TRIM_HORIZON"

	// TimeoutSeconds and MemoryMB of the function.
	TimeoutSeconds = 300
	MemoryMB       = 128
)

// FilterPattern lets only account items through (event filtering: the
// other items' writes never invoke the function, and cost nothing).
const FilterPattern = `{"dynamodb":{"Keys":{"SK":{"S":["ACCOUNT"]}}}}`
