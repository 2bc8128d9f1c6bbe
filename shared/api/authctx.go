package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Principal is the authenticated account, as the authorizer vouches for it.
type Principal struct {
	AccountID int64
	Username  string
	Domain    string
	Admin     bool
	Blocked   bool
	// Method is how the request authenticated: "digest", "api_key", "jwt".
	Method string
}

// Keys of the authorizer context (API Gateway passes them to the function
// in requestContext.authorizer, and to gateway responses as
// $context.authorizer.<key>).
const (
	CtxAccountID = "account_id"
	CtxUsername  = "username"
	CtxDomain    = "domain"
	CtxAdmin     = "admin"
	CtxBlocked   = "blocked"
	CtxMethod    = "method"
	// An Allow with an error: the function must answer with it (a 422 for
	// a missing From header, a 404 for an unknown account, a JWT 403...).
	CtxErrorStatus = "error_status"
	CtxErrorBody   = "error_body"
	// A Deny (401): the challenge header and the message of the body.
	CtxChallenge = "challenge"
	CtxMessage   = "message"
)

// PrincipalContext is the Allow context for an authenticated account.
func PrincipalContext(p Principal) map[string]string {
	return map[string]string{
		CtxAccountID: strconv.FormatInt(p.AccountID, 10),
		CtxUsername:  p.Username,
		CtxDomain:    p.Domain,
		CtxAdmin:     strconv.FormatBool(p.Admin),
		CtxBlocked:   strconv.FormatBool(p.Blocked),
		CtxMethod:    p.Method,
	}
}

// ErrorContext is the Allow context that makes the function answer err.
func ErrorContext(err *Error) map[string]string {
	return map[string]string{
		CtxErrorStatus: strconv.Itoa(err.Status),
		CtxErrorBody:   string(err.Response().Body),
	}
}

// StringContext turns API Gateway's requestContext.authorizer (whose values
// may be strings, numbers or booleans) into strings.
func StringContext(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case nil:
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

// Guard turns the authorizer context into the principal, or into the
// answer the request must get instead of reaching the handler: an error
// the authorizer asked for, 403 "Account blocked", 403 "Unauthorized area".
func Guard(route Route, ctx map[string]string) (*Principal, *Response) {
	if s := ctx[CtxErrorStatus]; s != "" {
		status, err := strconv.Atoi(s)
		if err != nil || status < 400 || status > 599 {
			return nil, Abort(http.StatusInternalServerError, "Server Error").Response()
		}
		body := []byte(ctx[CtxErrorBody])
		if !json.Valid(body) {
			body, _ = json.Marshal(map[string]string{"message": ""})
		}
		return nil, RawJSON(status, body)
	}
	id, err := strconv.ParseInt(ctx[CtxAccountID], 10, 64)
	if err != nil || id <= 0 {
		// A protected route reached without an authorizer verdict is a
		// deployment error, not a client one.
		return nil, Abort(http.StatusInternalServerError, "Server Error").Response()
	}
	p := &Principal{
		AccountID: id,
		Username:  ctx[CtxUsername],
		Domain:    ctx[CtxDomain],
		Admin:     ctx[CtxAdmin] == "true",
		Blocked:   ctx[CtxBlocked] == "true",
		Method:    ctx[CtxMethod],
	}
	if p.Blocked {
		return nil, Abort(http.StatusForbidden, MsgBlocked).Response()
	}
	if route.Access == Admin && !p.Admin {
		return nil, Abort(http.StatusForbidden, MsgUnauthorizedArea).Response()
	}
	return p, nil
}
