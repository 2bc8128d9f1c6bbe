package apigw

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/capacity"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
)

// ErrUnauthorized is the error API Gateway turns into its UNAUTHORIZED
// gateway response (our 401 "Invalid API Key"): the message must be
// exactly "Unauthorized".
var ErrUnauthorized = errors.New("Unauthorized")

// AuthorizerHandler adapts the authenticator to a REQUEST authorizer.
func AuthorizerHandler(a *authn.Authenticator, log *slog.Logger) func(context.Context, events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	return func(ctx context.Context, ev events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		start := time.Now()
		ctx, meter := capacity.With(ctx)
		ctx = logging.WithRequestID(ctx, ev.RequestContext.RequestID)
		actx, cancel := api.AnswerContext(ctx)
		d, err := a.Authenticate(actx, AuthRequest(ev))
		cancel()
		read, write, _ := meter.Units()
		attrs := []any{"request_id", ev.RequestContext.RequestID, "resource", ev.Resource, "method", ev.HTTPMethod,
			"auth", d.Method, "reason", d.Reason, "rcu", read, "wcu", write,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000}
		if err != nil && (api.DependencyFailed(err) || actx.Err() != nil) {
			// The table did not answer in time: an Allow carrying a 503
			// that the function answers without running the handler,
			// rather than API Gateway's 500 for a failed authorizer.
			log.Error("authorizer dependency failed", append(attrs, "error", err.Error())...)
			return policy(authn.Decision{PrincipalID: "anonymous", Context: api.ErrorContext(api.Unavailable())}, "Allow", ev.MethodArn), nil
		}
		if err != nil {
			log.Error("authorizer failure", append(attrs, "error", err.Error())...)
			return events.APIGatewayCustomAuthorizerResponse{}, err
		}
		switch d.Effect {
		case authn.Unauthorized:
			log.Info("unauthorized", attrs...)
			return events.APIGatewayCustomAuthorizerResponse{}, ErrUnauthorized
		case authn.Deny:
			log.Info("deny", attrs...)
			return policy(d, "Deny", ev.MethodArn), nil
		}
		log.Info("allow", append(attrs, "principal", d.PrincipalID)...)
		return policy(d, "Allow", ev.MethodArn), nil
	}
}

// AuthRequest converts the authorizer event.
func AuthRequest(ev events.APIGatewayCustomAuthorizerRequestTypeRequest) authn.Request {
	return authn.Request{Method: ev.HTTPMethod, Path: ev.Path, Header: headerOf(ev.MultiValueHeaders, ev.Headers)}
}

func policy(d authn.Decision, effect, methodArn string) events.APIGatewayCustomAuthorizerResponse {
	ctx := make(map[string]interface{}, len(d.Context))
	for k, v := range d.Context {
		ctx[k] = v
	}
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: d.PrincipalID,
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Version: "2012-10-17",
			Statement: []events.IAMPolicyStatement{{
				Action:   []string{"execute-api:Invoke"},
				Effect:   effect,
				Resource: []string{methodArn},
			}},
		},
		Context: ctx,
	}
}
