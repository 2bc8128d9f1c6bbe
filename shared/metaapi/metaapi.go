// Package metaapi serves the meta group: ping, the API's own
// documentation, and (through the router's fallback) FlexiAPI's JSON 404
// and 405 for requests no route serves.
package metaapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/openapi"
)

// serverPlaceholder stands for the server URL while the documentation is
// rendered; each request replaces it with its own base URL. It needs no
// escaping in JSON nor in HTML, so it appears verbatim in both outputs.
const serverPlaceholder = "https://flexiapi-server-url.invalid"

// Docs is the documentation, rendered once per process (cold start): the
// OpenAPI document and the HTML page, each cut around the server URL.
type Docs struct {
	openapi, page [][]byte
	fallbackURL   string
}

// NewDocs renders the documentation of the table. info.ServerURL is the
// URL used when a request carries no base URL (APP_URL); schemas are the
// request bodies of every group, merged (a name declared twice is an
// error).
func NewDocs(t *api.Table, info openapi.Info, schemas ...api.Schemas) (*Docs, error) {
	all := api.Schemas{}
	for _, s := range schemas {
		for name, sc := range s {
			if _, dup := all[name]; dup {
				return nil, fmt.Errorf("metaapi: request schema %q declared twice", name)
			}
			all[name] = sc
		}
	}
	d := &Docs{fallbackURL: info.ServerURL}
	info.ServerURL = serverPlaceholder
	doc, page, err := openapi.Render(t, all, info)
	if err != nil {
		return nil, err
	}
	d.openapi = bytes.Split(doc, []byte(serverPlaceholder))
	d.page = bytes.Split(page, []byte(serverPlaceholder))
	return d, nil
}

// serverURL is the request's base URL when it is a plain http(s) URL (it
// comes from the Host and X-Forwarded-Proto headers), else APP_URL.
func (d *Docs) serverURL(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") &&
		u.Host != "" && u.User == nil && u.RawQuery == "" && u.Fragment == "" {
		return baseURL
	}
	return d.fallbackURL
}

// OpenAPI is the OpenAPI document for a request's base URL.
func (d *Docs) OpenAPI(baseURL string) []byte {
	u, _ := json.Marshal(d.serverURL(baseURL)) // a string always marshals
	return bytes.Join(d.openapi, u[1:len(u)-1])
}

// Page is the HTML page for a request's base URL.
func (d *Docs) Page(baseURL string) []byte {
	return bytes.Join(d.page, []byte(template.HTMLEscapeString(d.serverURL(baseURL))))
}

// Handlers maps the meta group's handler names to code.
func Handlers(docs *Docs) map[string]api.Handler {
	return map[string]api.Handler{
		"Ping": func(context.Context, *api.Request) (*api.Response, error) {
			return api.Text(http.StatusOK, "pong"), nil
		},
		"OpenAPI": func(_ context.Context, r *api.Request) (*api.Response, error) {
			return api.RawJSON(http.StatusOK, docs.OpenAPI(r.BaseURL)), nil
		},
		"Documentation": func(_ context.Context, r *api.Request) (*api.Response, error) {
			// text/html; charset=UTF-8, as Laravel answers its views.
			return api.Text(http.StatusOK, string(docs.Page(r.BaseURL))), nil
		},
	}
}
