package api

import (
	"regexp"
	"strings"
	"sync"
)

// GatewayResponse is an API Gateway gateway response of the stack: what
// API Gateway answers by itself, without calling a function. The CDK stack
// declares exactly these, and the local gateway renders them the same way.
type GatewayResponse struct {
	// Type is API Gateway's response type (ACCESS_DENIED, ...).
	Type   string
	Status int
	// Headers maps a header name to its source: a context variable such as
	// "context.authorizer.challenge", or a quoted static value "'v'".
	Headers map[string]string
	// Template is the application/json body template; it may use
	// $context.authorizer.<key> and $context.error.messageString.
	Template string
}

// Gateway response types used by the stack.
const (
	GWAccessDenied     = "ACCESS_DENIED"
	GWUnauthorized     = "UNAUTHORIZED"
	GWAuthorizerFailed = "AUTHORIZER_FAILURE"
	GWAuthorizerConfig = "AUTHORIZER_CONFIGURATION_ERROR"
	GWThrottled        = "THROTTLED"
	GWMissingAuthToken = "MISSING_AUTHENTICATION_TOKEN"
	GWIntegrationTO    = "INTEGRATION_TIMEOUT"
	GWDefault4XX       = "DEFAULT_4XX"
	GWDefault5XX       = "DEFAULT_5XX"
)

// MsgInvalidAPIKey is FlexiAPI's answer to an unknown API key.
const MsgInvalidAPIKey = "Invalid API Key"

// GatewayResponses are the stack's gateway responses.
//
//   - A Digest 401 is the authorizer's Deny: ACCESS_DENIED is overridden to
//     401 and carries exactly one WWW-Authenticate challenge from the
//     authorizer context (a function cannot send one: API Gateway renames
//     it), with a JSON body.
//   - An unknown API key is the authorizer's "Unauthorized" error:
//     UNAUTHORIZED, 401, no challenge, FlexiAPI's message.
//   - Everything else API Gateway answers by itself is JSON too: every
//     error under /api is JSON, whatever Accept says.
var GatewayResponses = []GatewayResponse{
	{Type: GWAccessDenied, Status: 401,
		Headers:  map[string]string{"WWW-Authenticate": "context.authorizer.challenge"},
		Template: `{"message":"$context.authorizer.message"}`},
	{Type: GWUnauthorized, Status: 401,
		Template: `{"message":"` + MsgInvalidAPIKey + `"}`},
	{Type: GWAuthorizerFailed, Status: 500, Template: `{"message":"Server Error"}`},
	{Type: GWAuthorizerConfig, Status: 500, Template: `{"message":"Server Error"}`},
	{Type: GWThrottled, Status: 429, Template: `{"message":"Too Many Attempts."}`},
	{Type: GWMissingAuthToken, Status: 404, Template: `{"message":"The route could not be found."}`},
	{Type: GWIntegrationTO, Status: 504, Template: `{"message":"Endpoint request timed out"}`},
	{Type: GWDefault4XX, Template: `{"message":$context.error.messageString}`},
	{Type: GWDefault5XX, Template: `{"message":$context.error.messageString}`},
}

// GatewayResponseFor returns the stack's gateway response of a type.
func GatewayResponseFor(typ string) (GatewayResponse, bool) {
	for _, g := range GatewayResponses {
		if g.Type == typ {
			return g, true
		}
	}
	return GatewayResponse{}, false
}

// ctxVar is compiled on first use: only the local gateway renders.
var ctxVar = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$context\.(authorizer\.[A-Za-z0-9_]+|error\.messageString)`)
})

// Render produces the status, headers and body API Gateway would send for
// this gateway response, given the authorizer context and the error message
// (for the defaults). A header whose source resolves to nothing is omitted.
func (g GatewayResponse) Render(authorizer map[string]string, errorMessage string, defaultStatus int) (int, map[string]string, string) {
	status := g.Status
	if status == 0 {
		status = defaultStatus
	}
	headers := map[string]string{}
	for name, src := range g.Headers {
		var v string
		switch {
		case strings.HasPrefix(src, "'") && strings.HasSuffix(src, "'") && len(src) >= 2:
			v = src[1 : len(src)-1]
		case strings.HasPrefix(src, "context.authorizer."):
			v = authorizer[strings.TrimPrefix(src, "context.authorizer.")]
		}
		if v != "" {
			headers[name] = v
		}
	}
	body := ctxVar().ReplaceAllStringFunc(g.Template, func(m string) string {
		key := strings.TrimPrefix(m, "$context.")
		if key == "error.messageString" {
			return jsonQuote(errorMessage)
		}
		return authorizer[strings.TrimPrefix(key, "authorizer.")]
	})
	return status, headers, body
}

func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		default:
			if r < 0x20 {
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
