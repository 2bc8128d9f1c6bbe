// Package extauthapi serves GET /api/flexisip/auth, the check Flexisip's
// ExternalAuthentication plugin calls (shared/extauth), in the plugin's
// answer format: HTTP 200, text/plain, "Key: value" lines.
package extauthapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/extauth"
)

// Handlers maps the group's handler names to code.
func Handlers(c *extauth.Checker) map[string]api.Handler {
	return map[string]api.Handler{
		"FlexisipAuthCheck": func(ctx context.Context, r *api.Request) (*api.Response, error) {
			out, err := c.Check(ctx, extauth.ParamsFrom(r.Query))
			if err != nil {
				return nil, domainError(err)
			}
			resp := Answer(out)
			resp.Log = []any{"sip_status", out.Status, "outcome", out.Why}
			if out.AccountID != 0 {
				resp.Log = append(resp.Log, "account_id", out.AccountID)
			}
			return resp, nil
		},
	}
}

// ContentType is the answer's media type.
const ContentType = "text/plain; charset=utf-8"

// Answer renders an outcome as the plugin parses it
// (ExternalAuthModule::parseHttpBody): one "Key: value" line each, ended
// by "\n" (a "\r" would stay in the value), no empty value (the plugin
// refuses one), Status first.
func Answer(o extauth.Outcome) *api.Response {
	var b strings.Builder
	line := func(k, v string) {
		if v = oneLine(v); v != "" {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	line("Status", strconv.Itoa(o.Status))
	line("Phrase", o.Phrase)
	line("Reason", o.Reason)
	line("P-Asserted-Identity", o.Identity)
	return &api.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {ContentType}}, Body: []byte(b.String())}
}

// oneLine keeps a value on its line.
func oneLine(v string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v))
}
