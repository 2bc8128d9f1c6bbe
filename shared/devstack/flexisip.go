package devstack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/flexiapi-serverless/flexiapi/shared/flexisip/mapping"
	"github.com/flexiapi-serverless/flexiapi/shared/localesm"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

// FlexisipSyncOptions wire the projection for Flexisip locally.
type FlexisipSyncOptions struct {
	// Bootstrap is the built flexisip-sync binary.
	Bootstrap string
	// Env is the function's configuration on top of AWSEnv():
	// FLEXIAPI_TABLE, APP_SIP_DOMAIN, FLEXISIP_SQL_DSN.
	Env []string
	// StreamARN is the table's stream (store.StreamARN).
	StreamARN string
	// QueueName of the failure queue, created in moto when missing.
	QueueName string
	// Settings of the mapping; the zero value is the deployed one.
	Settings localesm.Settings
	Logger   *slog.Logger
	Output   io.Writer
}

// FlexisipProjection is the running projection: the event source mapping, the
// function it invokes and its failure queue.
type FlexisipProjection struct {
	*localesm.Mapping
	Function *localgw.Function
	SQS      *sqs.Client
	QueueURL string
}

// Close stops the mapping and the function's processes.
func (f *FlexisipProjection) Close() {
	f.Mapping.Close()
	f.Function.Close()
}

var queueNameRE = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// StartFlexisipSync starts the flexisip-sync bootstrap behind a local event
// source mapping on the table's stream, as the stack deploys it.
func StartFlexisipSync(ctx context.Context, o FlexisipSyncOptions) (*FlexisipProjection, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	q := sqs.NewFromConfig(cfg)
	name := queueNameRE.ReplaceAllString(o.QueueName, "-")
	if name == "" {
		name = mapping.Function + "-failures"
	}
	out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &name})
	if err != nil {
		return nil, fmt.Errorf("failure queue %s: %w", name, err)
	}
	fn := &localgw.Function{
		Name: mapping.Function, Path: o.Bootstrap, Env: append(AWSEnv(), o.Env...),
		Timeout: mapping.TimeoutSeconds * time.Second, MemoryMB: mapping.MemoryMB,
		Logger: o.Logger, Output: o.Output,
	}
	m, err := localesm.Start(localesm.Options{
		Settings: o.Settings, Function: fn, Streams: dynamodbstreams.NewFromConfig(cfg), StreamARN: o.StreamARN,
		SQS: q, FailureQueueURL: *out.QueueUrl, Logger: o.Logger,
	})
	if err != nil {
		fn.Close()
		return nil, err
	}
	return &FlexisipProjection{Mapping: m, Function: fn, SQS: q, QueueURL: *out.QueueUrl}, nil
}
