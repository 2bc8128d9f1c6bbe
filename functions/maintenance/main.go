// Command maintenance is the scheduled Lambda (EventBridge, daily) for
// FlexiAPI's periodic jobs that DynamoDB's TTL does not cover.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

// Result is what one run did.
type Result struct {
	UnconfirmedDeleted int `json:"unconfirmed_deleted"`
}

func main() {
	fn := startup.Begin("maintenance")
	st := startup.Must(store.New(context.Background(), fn.Config.TableName))
	svc := account.NewService(st, fn.Config)
	lambda.Start(func(ctx context.Context, ev events.EventBridgeEvent) (Result, error) {
		ctx = logging.WithRequestID(ctx, ev.ID)
		n, err := svc.ClearUnconfirmed(ctx, fn.Config.UnconfirmedRetention)
		fn.Log.InfoContext(ctx, "clear unconfirmed accounts", "event_id", ev.ID, "deleted", n, "error", errString(err))
		return Result{UnconfirmedDeleted: n}, err
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
