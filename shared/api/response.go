package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Response is what a handler answers, free of any AWS type.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Log adds key-value pairs to the request's log line (an outcome the
	// status does not show); never a secret.
	Log []any
}

// Content types FlexiAPI answers with.
const (
	ContentJSON = "application/json"
	// ContentText is what Laravel sends for a bare string or an empty body.
	ContentText = "text/html; charset=UTF-8"
)

// JSON answers a value as JSON. A value implementing json.Marshaler (the
// account renderer) is written as it marshals itself.
func JSON(status int, v any) *Response {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a programming error gets here: values are built by us.
		panic(fmt.Sprintf("api.JSON: %v", err))
	}
	return RawJSON(status, body)
}

// RawJSON answers bytes that already are JSON.
func RawJSON(status int, body []byte) *Response {
	return &Response{Status: status, Header: http.Header{"Content-Type": {ContentJSON}}, Body: body}
}

// Text answers a bare string the way Laravel does (text/html).
func Text(status int, s string) *Response {
	return &Response{Status: status, Header: http.Header{"Content-Type": {ContentText}}, Body: []byte(s)}
}

// Empty is Laravel's answer for a handler that returns nothing: 200, no body.
func Empty() *Response { return Text(http.StatusOK, "") }

// Error is an error with its HTTP answer: {"message": ...}, or the 422
// validation shape when Errors is set.
type Error struct {
	Status  int
	Message string
	Errors  *validate.Errors
	Header  http.Header
}

func (e *Error) Error() string {
	if e.Errors != nil {
		return fmt.Sprintf("%d %s", e.Status, e.Errors.Message())
	}
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

// Response renders the error.
func (e *Error) Response() *Response {
	var body []byte
	if e.Errors != nil {
		body, _ = e.Errors.MarshalJSON()
	} else {
		body, _ = json.Marshal(map[string]string{"message": e.Message})
	}
	r := RawJSON(e.Status, body)
	for k, vs := range e.Header {
		r.Header[k] = vs
	}
	return r
}

// Abort is Laravel's abort(status, message).
func Abort(status int, msg string) *Error { return &Error{Status: status, Message: msg} }

// MissingElements is the message of a failed "find or fail" lookup.
const MissingElements = "Missing elements to perform the request"

// NotFound is FlexiAPI's 404 for a record that does not exist.
func NotFound() *Error { return Abort(http.StatusNotFound, MissingElements) }

// MsgUnavailable is Laravel's message of a 503.
const MsgUnavailable = "Service Unavailable"

// Unavailable is the 503 of a dependency that failed or did not answer in
// time: the client may try again, nothing was half-done.
func Unavailable() *Error { return Abort(http.StatusServiceUnavailable, MsgUnavailable) }

// Invalid is the 422 answer for validation errors.
func Invalid(errs *validate.Errors) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Errors: errs}
}

// InvalidField is a 422 with one message on one field.
func InvalidField(field, msg string) *Error { return Invalid(validate.Single(field, msg)) }

// Messages of the guard (FlexiAPI's exact texts).
const (
	MsgBlocked          = "Account blocked"
	MsgUnauthorizedArea = "Unauthorized area"
	// MsgForbidden answers a Secret route's wrong or missing secret.
	MsgForbidden = "Forbidden"
	// MsgNoCredentials answers a machine route called without an API key
	// (FlexiAPI's message for a request without credentials).
	MsgNoCredentials = "Unauthenticated request"
)
