// Package apigw adapts API Gateway REST proxy events (payload 1.0) to the
// plain requests of shared/api and back. It is the only place, with the
// mains, where functions see aws-lambda-go's event types.
package apigw

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/capacity"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// ProxyHandler is the Lambda handler of a group: event in, event out.
func ProxyHandler(rt *api.Router) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		ctx, _ = capacity.With(ctx)
		req := Request(ctx, ev)
		resp := rt.Serve(ctx, ev.Resource, ev.PathParameters, req)
		return Response(resp), nil
	}
}

// GateOn says which gated routes the configuration enables.
func GateOn(cfg *config.Config) func(api.Gate) bool {
	return api.GatesOf(cfg)
}

// Request converts a proxy event.
func Request(ctx context.Context, ev events.APIGatewayProxyRequest) *api.Request {
	header := headerOf(ev.MultiValueHeaders, ev.Headers)
	query := url.Values{}
	for k, vs := range ev.MultiValueQueryStringParameters {
		query[k] = append(query[k], vs...)
	}
	for k, v := range ev.QueryStringParameters {
		if _, ok := query[k]; !ok {
			query.Set(k, v)
		}
	}
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		if dec, err := base64.StdEncoding.DecodeString(ev.Body); err == nil {
			body = dec
		}
	}
	requestID := ev.RequestContext.RequestID
	if lc, ok := lambdacontext.FromContext(ctx); ok && requestID == "" {
		requestID = lc.AwsRequestID
	}
	base, path := baseURL(ev, header)
	return &api.Request{
		Method:     ev.HTTPMethod,
		Path:       path,
		Query:      query,
		Header:     header,
		Body:       body,
		SourceIP:   ev.RequestContext.Identity.SourceIP,
		RequestID:  requestID,
		BaseURL:    base,
		Authorizer: api.StringContext(ev.RequestContext.Authorizer),
	}
}

// headerOf merges API Gateway's two header maps: the multi-value one
// wins, the single-value one fills what it lacks.
func headerOf(multi map[string][]string, single map[string]string) http.Header {
	h := http.Header{}
	for k, vs := range multi {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range single {
		if _, ok := h[http.CanonicalHeaderKey(k)]; !ok {
			h.Set(k, v)
		}
	}
	return h
}

// baseURL is the origin and prefix the client used, and the path below
// that prefix. The prefix is what API Gateway strips before matching the
// resource: the stage on the execute-api host (requestContext.path has it,
// path has not), nothing on a custom domain mapped at its root, the base
// path on a custom domain mapped under one (there path has it too). So the
// prefix is whatever precedes the segments the resource matched.
func baseURL(ev events.APIGatewayProxyRequest, h http.Header) (base, path string) {
	scheme := h.Get("X-Forwarded-Proto")
	if scheme == "" {
		scheme = "https"
	}
	host := h.Get("Host")
	if host == "" {
		host = ev.RequestContext.DomainName
	}
	full := ev.RequestContext.Path
	if full == "" {
		full = ev.Path
	}
	prefix, path := "", ev.Path
	if n, ok := resourceSegments(ev.Resource, ev.PathParameters); ok {
		segs := strings.Split(strings.Trim(full, "/"), "/")
		if strings.Trim(full, "/") == "" {
			segs = nil
		}
		if n <= len(segs) {
			prefix = "/" + strings.Join(segs[:len(segs)-n], "/")
			path = "/" + strings.Join(segs[len(segs)-n:], "/")
			if strings.HasSuffix(full, "/") && n > 0 {
				path += "/"
			}
		}
	} else if strings.HasSuffix(full, ev.Path) {
		prefix = strings.TrimSuffix(full, ev.Path)
	}
	return scheme + "://" + host + strings.TrimRight(prefix, "/"), path
}

// resourceSegments is how many path segments a request matched on its
// resource template: one per segment, a greedy {name+} as many as its
// value holds. False when the event names no resource.
func resourceSegments(resource string, params map[string]string) (int, bool) {
	if !strings.HasPrefix(resource, "/") {
		return 0, false
	}
	n := 0
	for _, seg := range strings.Split(strings.Trim(resource, "/"), "/") {
		switch {
		case seg == "":
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}"):
			v := strings.Trim(params[strings.TrimSuffix(strings.TrimPrefix(seg, "{"), "+}")], "/")
			if v == "" {
				return 0, false
			}
			n += strings.Count(v, "/") + 1
		default:
			n++
		}
	}
	return n, true
}

// Response converts an answer; a body that is not UTF-8 text goes base64.
func Response(r *api.Response) events.APIGatewayProxyResponse {
	out := events.APIGatewayProxyResponse{StatusCode: r.Status, MultiValueHeaders: map[string][]string{}}
	for k, vs := range r.Header {
		out.MultiValueHeaders[k] = vs
	}
	if utf8.Valid(r.Body) {
		out.Body = string(r.Body)
	} else {
		out.Body = base64.StdEncoding.EncodeToString(r.Body)
		out.IsBase64Encoded = true
	}
	return out
}
