package apigw

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// serveALB answers an Application Load Balancer's event (the optional
// Flexisip load balancer in front of the statistics and SIP check
// functions, for the Flexisip versions the HTTP API cannot serve). A load
// balancer routes nothing
// itself: the machine API's routes are matched here, on its path as the
// client sent it, and it passes the query string undecoded.
func serveALB(ctx context.Context, rt *api.Router, ev Event) ProxyResponse {
	p := ev.APIGatewayProxyRequest
	query := map[string][]string{}
	for k, vs := range p.MultiValueQueryStringParameters {
		for _, v := range vs {
			query[unescape(k)] = append(query[unescape(k)], unescape(v))
		}
	}
	for k, v := range p.QueryStringParameters {
		if _, ok := query[unescape(k)]; !ok {
			query[unescape(k)] = []string{unescape(v)}
		}
	}
	p.QueryStringParameters, p.MultiValueQueryStringParameters = nil, query
	req := Request(ctx, p)
	req.API, req.Authorizer = api.Machine, nil
	// The client is the last address the load balancer appended.
	if xff := req.Header.Get("X-Forwarded-For"); xff != "" {
		parts := strings.Split(xff, ",")
		req.SourceIP = strings.TrimSpace(parts[len(parts)-1])
	}
	// No route: the router answers the machine API's 404 (and logs it).
	var resource string
	var params map[string]string
	if m, merr := api.Routes.On(api.Machine).Match(p.HTTPMethod, p.Path); merr == nil {
		resource, params = m.Resource, m.GatewayParams
	}
	resp := rt.Serve(ctx, resource, params, req)
	out := ProxyResponse{APIGatewayProxyResponse: Response(resp),
		StatusDescription: strconv.Itoa(resp.Status) + " " + http.StatusText(resp.Status)}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}
