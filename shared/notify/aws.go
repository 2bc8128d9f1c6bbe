// Package notify implements the accounts domain's side channels on AWS:
// SMS through SNS (Publish to a phone number), email through SES v2 and
// account-creation push through SNS mobile push. Clients are built on
// first use, so a function that never sends pays nothing at cold start.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	smithylog "github.com/aws/smithy-go/logging"

	"github.com/flexiapi-serverless/flexiapi/shared/awsenv"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
)

// awsConfig loads the AWS configuration (shared/awsenv: region,
// credentials; AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL_SESV2 locally) once per process,
// on the first send, and shares it between the channels.
var awsConfig = sync.OnceValues(func() (aws.Config, error) {
	cfg, err := awsenv.Load(context.Background())
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	cfg.Logger = sdkLog
	return cfg, nil
})

// snsClient is the one SNS client of a process (SMS and push share it),
// built on the first send.
var snsClient = sync.OnceValues(func() (*sns.Client, error) {
	cfg, err := awsConfig()
	if err != nil {
		return nil, err
	}
	return sns.NewFromConfig(cfg, func(o *sns.Options) {
		o.BaseEndpoint = awsenv.Endpoint(cfg, "AWS_ENDPOINT_URL_SNS")
	}), nil
})

// sdkLog writes the AWS SDK's messages (its warnings) as JSON lines, not
// as the plain text of its default logger.
var sdkLog = smithylog.LoggerFunc(func(c smithylog.Classification, format string, v ...any) {
	level := slog.LevelInfo
	if c == smithylog.Warn {
		level = slog.LevelWarn
	}
	logging.Printf(context.Background(), level, "aws-sdk", format, v...)
})
