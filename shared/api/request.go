package api

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Request is an HTTP request as the handlers see it, free of any AWS type.
type Request struct {
	Method string
	// Path is the request path without the API Gateway stage.
	Path   string
	Route  Route
	Params map[string]string // path parameters, by the route's names
	Query  url.Values
	Header http.Header
	Body   []byte

	SourceIP  string
	RequestID string
	// BaseURL is the scheme, host and stage prefix the client used
	// ("https://api.example.org/prod"), for absolute URLs in answers.
	BaseURL string

	// API is the front door that delivered the request: REST (also "")
	// or Machine, where no authorizer ran.
	API API

	// Authorizer is the context the authorizer returned (protected routes
	// of the REST API).
	Authorizer map[string]string
	// Principal is the authenticated account, set by the guard.
	Principal *Principal

	input    *validate.Input
	inputErr error
}

// LinkBase is the base of the absolute URLs an answer hands out (the
// validation page, provisioning links, QR code targets, the vCard list):
// APP_URL when the deployment sets one, else the URL the request came in
// on, so that a first deploy, a custom domain or the local gateway need no
// setting.
func (r *Request) LinkBase(appURL string) string {
	if appURL != "" {
		return appURL
	}
	return r.BaseURL
}

// MaxUserAgent bounds a stored User-Agent: FlexiAPI's narrowest
// user_agent column is varchar(255) (the tokens'; accounts' is 256), and
// MySQL cuts a longer value there. Unbounded, a huge header would be
// stored whole (and past DynamoDB's item size, fail the write).
const MaxUserAgent = 255

// UserAgent is the request's User-Agent header, cut to MaxUserAgent
// characters (docs/compatibility.md).
func (r *Request) UserAgent() string {
	ua := r.Header.Get("User-Agent")
	if len(ua) <= MaxUserAgent {
		return ua
	}
	n := 0
	for i := range ua {
		if n == MaxUserAgent {
			return ua[:i]
		}
		n++
	}
	return ua
}

// Param returns a path parameter.
func (r *Request) Param(name string) string { return r.Params[name] }

// IntParam parses a numeric path parameter (a positive integer id).
func (r *Request) IntParam(name string) (int64, bool) {
	s := r.Params[name]
	if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// Input decodes the request's input once: the query string merged with the
// body (JSON when the Content-Type says JSON or is absent, form-encoded
// otherwise), cleaned as Laravel does. A body that is not valid JSON, or
// JSON that is not an object, is a 400.
func (r *Request) Input() (validate.Input, error) {
	if r.input != nil || r.inputErr != nil {
		if r.inputErr != nil {
			return validate.Input{}, r.inputErr
		}
		return *r.input, nil
	}
	raw := map[string]any{}
	for k, vs := range r.Query {
		if len(vs) > 0 {
			raw[k] = vs[len(vs)-1]
		}
	}
	if body := bytes.TrimSpace(r.Body); len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case mt == "application/x-www-form-urlencoded":
			form, err := url.ParseQuery(string(body))
			if err != nil {
				r.inputErr = Abort(http.StatusBadRequest, "Invalid form body: "+err.Error())
				return validate.Input{}, r.inputErr
			}
			for k, vs := range form {
				raw[k] = vs[len(vs)-1]
			}
		case mt == "" || strings.Contains(mt, "json"):
			var obj map[string]any
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&obj); err != nil {
				r.inputErr = Abort(http.StatusBadRequest, "Invalid JSON: "+jsonReason(err))
				return validate.Input{}, r.inputErr
			}
			if dec.More() {
				r.inputErr = Abort(http.StatusBadRequest, "Invalid JSON: unexpected data after the top-level value")
				return validate.Input{}, r.inputErr
			}
			for k, v := range obj {
				raw[k] = v
			}
		default:
			r.inputErr = Abort(http.StatusUnsupportedMediaType, "Unsupported Content-Type: send application/json")
			return validate.Input{}, r.inputErr
		}
	}
	in := validate.NewInput(raw)
	r.input = &in
	return in, nil
}

func jsonReason(err error) string {
	var ute *json.UnmarshalTypeError
	if e, ok := err.(*json.UnmarshalTypeError); ok {
		ute = e
	}
	if ute != nil {
		return "the body must be a JSON object"
	}
	return err.Error()
}
