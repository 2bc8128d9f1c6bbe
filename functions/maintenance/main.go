// Command maintenance is the scheduled Lambda (EventBridge, daily) for
// FlexiAPI's periodic jobs that DynamoDB's TTL does not cover.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

// Result is what one run did.
type Result struct {
	UnconfirmedDeleted int `json:"unconfirmed_deleted"`
}

func main() {
	log := logging.New("maintenance")
	cfg := config.MustLoad()
	st, err := store.New(context.Background(), cfg.TableName)
	if err != nil {
		log.Error("store", "error", err.Error())
		panic(err)
	}
	svc := account.NewService(st, cfg)
	lambda.Start(func(ctx context.Context, ev events.EventBridgeEvent) (Result, error) {
		n, err := svc.ClearUnconfirmed(ctx, cfg.UnconfirmedRetention)
		log.Info("clear unconfirmed accounts", "event_id", ev.ID, "deleted", n, "error", errString(err))
		return Result{UnconfirmedDeleted: n}, err
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
