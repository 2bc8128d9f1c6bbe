// Command authorizer is a test REQUEST authorizer for the local gateway:
// the X-Auth header picks its answer. Its Allow context reports what it
// received, so that tests can check the authorizer event.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Challenge is the Digest challenge of the "deny" answer.
const Challenge = `Digest realm="sip.example.org",qop="auth",algorithm=MD5,nonce="bm9uY2U",opaque="b3BhcXVl"`

func policy(effect, resource string) events.APIGatewayCustomAuthorizerPolicy {
	return events.APIGatewayCustomAuthorizerPolicy{
		Version: "2012-10-17",
		Statement: []events.IAMPolicyStatement{
			{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{resource}},
		},
	}
}

func handle(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	params, _ := json.Marshal(req.PathParameters)
	query, _ := json.Marshal(req.MultiValueQueryStringParameters)
	seen := map[string]any{
		"account_id":      "42",
		"admin":           true,
		"blocked":         false,
		"level":           7,
		"seen_type":       req.Type,
		"seen_method_arn": req.MethodArn,
		"seen_resource":   req.Resource,
		"seen_path":       req.Path,
		"seen_method":     req.HTTPMethod,
		"seen_params":     string(params),
		"seen_query":      string(query),
		"seen_rc_path":    req.RequestContext.Path,
		"seen_source_ip":  req.RequestContext.Identity.SourceIP,
		"seen_stage":      req.RequestContext.Stage,
	}
	deny := map[string]any{"challenge": Challenge, "message": "Unauthenticated."}
	switch req.Headers["X-Auth"] {
	case "allow":
		return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "user-42", PolicyDocument: policy("Allow", req.MethodArn), Context: seen}, nil
	case "allow-wildcard":
		return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "user-42",
			PolicyDocument: policy("Allow", "arn:aws:execute-api:*:*:local/*/*/api/*"), Context: seen}, nil
	case "deny-and-allow":
		p := policy("Allow", "*")
		p.Statement = append(p.Statement, policy("Deny", req.MethodArn).Statement...)
		return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "anonymous", PolicyDocument: p, Context: deny}, nil
	case "no-match":
		return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "user-42",
			PolicyDocument: policy("Allow", "arn:aws:execute-api:us-east-1:000000000000:other/*"), Context: seen}, nil
	case "malformed":
		return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "user-42", PolicyDocument: policy("Allow", req.MethodArn),
			Context: map[string]any{"nested": map[string]any{"a": 1}}}, nil
	case "unauthorized":
		return events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized")
	case "error":
		return events.APIGatewayCustomAuthorizerResponse{}, errors.New("database unreachable")
	case "crash":
		os.Exit(2)
	}
	return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "anonymous", PolicyDocument: policy("Deny", req.MethodArn), Context: deny}, nil
}

func main() { lambda.Start(handle) }
