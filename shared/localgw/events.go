package localgw

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Identifiers of the emulated deployment.
const (
	accountID    = "000000000000"
	apiID        = "local"
	defaultStage = "local" // the stage name events carry when Config.Stage is ""
)

// call is one request as the gateway has routed it, the common part of the
// authorizer and integration events.
type call struct {
	r         *http.Request
	requestID string
	extID     string
	start     time.Time
	sourceIP  string
	stage     string // stage name in events
	path      string // percent-encoded, without the stage prefix
	fullPath  string // as the client sent it, with the stage prefix
	resource  string // gateway resource path
	params    map[string]string
	body      []byte
	// The machine API's access log: the route key ("-" when no route
	// matched) and the integration's error message.
	routeKey         string
	integrationError string
}

// methodARN is what API Gateway asks the authorizer about:
// arn:aws:execute-api:region:account:api/stage/METHOD/path.
func (c *call) methodARN() string {
	return fmt.Sprintf("arn:aws:execute-api:us-east-1:%s:%s/%s/%s/%s",
		accountID, apiID, c.stage, c.r.Method, strings.TrimPrefix(c.path, "/"))
}

// headers are the request headers as API Gateway passes them on: the
// client's (Go has canonicalised the names), plus Host and the
// X-Forwarded-* headers API Gateway adds. Single-value map: last value.
func (c *call) headers() (map[string]string, map[string][]string) {
	multi := make(map[string][]string, len(c.r.Header)+4)
	for name, vs := range c.r.Header {
		multi[name] = append([]string(nil), vs...)
	}
	multi["Host"] = []string{c.r.Host}
	xff := c.sourceIP
	if prior := c.r.Header.Values("X-Forwarded-For"); len(prior) > 0 {
		xff = strings.Join(prior, ", ") + ", " + c.sourceIP
	}
	multi["X-Forwarded-For"] = []string{xff}
	proto := "http"
	if c.r.TLS != nil {
		proto = "https"
	}
	multi["X-Forwarded-Proto"] = []string{proto}
	if addr, ok := c.r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(addr.String()); err == nil {
			multi["X-Forwarded-Port"] = []string{port}
		}
	}
	single := make(map[string]string, len(multi))
	for name, vs := range multi {
		if len(vs) > 0 {
			single[name] = vs[len(vs)-1]
		}
	}
	return single, multi
}

// query is the decoded query string; nil maps when there is none, as in
// AWS's events. A malformed pair is skipped, the others are kept.
func (c *call) query() (map[string]string, map[string][]string) {
	values, _ := url.ParseQuery(c.r.URL.RawQuery)
	if len(values) == 0 {
		return nil, nil
	}
	single := make(map[string]string, len(values))
	for k, vs := range values {
		single[k] = vs[len(vs)-1]
	}
	return single, map[string][]string(values)
}

// pathParameters: nil when the resource has none, as in AWS's events.
func (c *call) pathParameters() map[string]string {
	if len(c.params) == 0 {
		return nil
	}
	return c.params
}

// authorizerEvent is the REQUEST authorizer's event. Its
// requestContext.path is the path the client used, stage prefix included.
func (c *call) authorizerEvent() events.APIGatewayCustomAuthorizerRequestTypeRequest {
	h, mh := c.headers()
	q, mq := c.query()
	return events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type:                            "REQUEST",
		MethodArn:                       c.methodARN(),
		Resource:                        c.resource,
		Path:                            c.path,
		HTTPMethod:                      c.r.Method,
		Headers:                         h,
		MultiValueHeaders:               mh,
		QueryStringParameters:           q,
		MultiValueQueryStringParameters: mq,
		PathParameters:                  c.pathParameters(),
		RequestContext: events.APIGatewayCustomAuthorizerRequestTypeRequestContext{
			Path:         c.fullPath,
			AccountID:    accountID,
			ResourceID:   resourceID(c.resource),
			Stage:        c.stage,
			RequestID:    c.requestID,
			Identity:     events.APIGatewayCustomAuthorizerRequestTypeRequestIdentity{SourceIP: c.sourceIP},
			ResourcePath: c.resource,
			HTTPMethod:   c.r.Method,
			APIID:        apiID,
		},
	}
}

// proxyEvent is the Lambda proxy integration event (REST API, payload
// format 1.0). Path stays percent-encoded, as in AWS; path parameters and
// the query string are decoded.
func (c *call) proxyEvent(authorizer map[string]any) events.APIGatewayProxyRequest {
	h, mh := c.headers()
	q, mq := c.query()
	ev := events.APIGatewayProxyRequest{
		Resource:                        c.resource,
		Path:                            c.path,
		HTTPMethod:                      c.r.Method,
		Headers:                         h,
		MultiValueHeaders:               mh,
		QueryStringParameters:           q,
		MultiValueQueryStringParameters: mq,
		PathParameters:                  c.pathParameters(),
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID:         accountID,
			ResourceID:        resourceID(c.resource),
			Stage:             c.stage,
			DomainName:        c.r.Host,
			RequestID:         c.requestID,
			ExtendedRequestID: c.extID,
			Protocol:          c.r.Proto,
			Identity: events.APIGatewayRequestIdentity{
				SourceIP:  c.sourceIP,
				UserAgent: c.r.UserAgent(),
			},
			ResourcePath:     c.resource,
			Path:             c.fullPath,
			Authorizer:       authorizer,
			HTTPMethod:       c.r.Method,
			RequestTime:      c.start.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			RequestTimeEpoch: c.start.UnixMilli(),
			APIID:            apiID,
		},
	}
	if len(c.body) > 0 {
		if utf8.Valid(c.body) {
			ev.Body = string(c.body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(c.body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// resourceID is a stable short id per resource, as API Gateway has one.
func resourceID(resource string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(resource); i++ {
		h = (h ^ uint32(resource[i])) * 16777619
	}
	return fmt.Sprintf("%06x", h&0xffffff)
}

// remapped are the integration response headers API Gateway (REST) does
// not pass through but renames to x-amzn-Remapped-<name>: a function
// cannot send a Digest challenge (the authorizer does) or override the
// gateway's own.
var remapped = map[string]string{
	"authorization":    "Authorization",
	"connection":       "Connection",
	"content-md5":      "Content-MD5",
	"date":             "Date",
	"expect":           "Expect",
	"host":             "Host",
	"max-forwards":     "Max-Forwards",
	"server":           "Server",
	"trailer":          "Trailer",
	"upgrade":          "Upgrade",
	"user-agent":       "User-Agent",
	"via":              "Via",
	"www-authenticate": "WWW-Authenticate",
}

// dropped are recomputed by the gateway.
var dropped = map[string]bool{"content-length": true, "transfer-encoding": true}

type proxyResponse struct {
	status int
	header http.Header // may hold non-canonical x-amzn-Remapped-* names
	body   []byte
}

var errMalformed = errors.New("malformed Lambda proxy response")

// convertResponse turns the function's result into the HTTP answer, or
// fails as API Gateway's "Malformed Lambda proxy response" (502). The
// REST API renames the headers it reserves (remap); the HTTP API does not.
func convertResponse(raw []byte, remap bool) (*proxyResponse, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	// API Gateway rejects a response with keys it does not know.
	dec.DisallowUnknownFields()
	var res events.APIGatewayProxyResponse
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the JSON object", errMalformed)
	}
	if res.StatusCode < 200 || res.StatusCode > 599 {
		return nil, fmt.Errorf("%w: statusCode %d", errMalformed, res.StatusCode)
	}
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(res.Body)
		if err != nil {
			return nil, fmt.Errorf("%w: body is not base64: %v", errMalformed, err)
		}
		body = b
	}
	return &proxyResponse{status: res.StatusCode, header: mergeHeaders(res.Headers, res.MultiValueHeaders, remap), body: body}, nil
}

// mergeHeaders: a name in multiValueHeaders replaces the same name in
// headers, as API Gateway merges them; then the remapping.
func mergeHeaders(single map[string]string, multi map[string][]string, remap bool) http.Header {
	merged := http.Header{}
	for name, v := range single {
		merged[http.CanonicalHeaderKey(name)] = []string{v}
	}
	fromMulti := map[string]bool{}
	names := make([]string, 0, len(multi))
	for name := range multi {
		names = append(names, name)
	}
	sort.Strings(names) // deterministic when two spellings collide
	for _, name := range names {
		key := http.CanonicalHeaderKey(name)
		if !fromMulti[key] {
			merged[key] = nil
			fromMulti[key] = true
		}
		merged[key] = append(merged[key], multi[name]...)
	}
	out := http.Header{}
	for key, vs := range merged {
		lower := strings.ToLower(key)
		switch {
		case dropped[lower] || len(vs) == 0:
		case remap && remapped[lower] != "":
			out["x-amzn-Remapped-"+remapped[lower]] = vs
		default:
			out[key] = vs
		}
	}
	return out
}
