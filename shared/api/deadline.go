package api

import (
	"context"
	"errors"
	"net"
	"time"
)

// maxAnswerMargin is the most kept between a handler's deadline and the
// function's own: a dependency that does not answer in time fails the
// handler first, and the function still answers (a JSON 503) before
// Lambda stops it or API Gateway gives up.
const maxAnswerMargin = time.Second

// AnswerContext is ctx with a deadline a margin before ctx's (a quarter
// of the time left, at most maxAnswerMargin), for the work that must
// leave time to answer. Without a deadline it is ctx.
func AnswerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	margin := min(maxAnswerMargin, time.Until(dl)/4)
	return context.WithDeadline(ctx, dl.Add(-margin))
}

// DependencyFailed reports whether err is a dependency that failed or did
// not answer in time (DynamoDB, SNS, SES, the registrar): a network error,
// or a context that ended. Such a request gets a 503, not a 500.
func DependencyFailed(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.As(err, &netErr)
}
