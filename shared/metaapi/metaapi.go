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
	"sync"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/openapi"
)

// serverPlaceholder stands for the server URL while the documentation is
// rendered; each request replaces it with its own base URL. It needs no
// escaping in JSON nor in HTML, so it appears verbatim in both outputs.
const serverPlaceholder = "https://flexiapi-server-url.invalid"

// Docs is the documentation, rendered once per process, on its first
// request (not at init: the meta function's cold start is ping's, and a
// few milliseconds of rendering would be paid by every ping cold start):
// the OpenAPI document and the HTML page, each cut around the server URL.
type Docs struct {
	once          sync.Once
	render        func() error
	err           error
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
	// What would make rendering fail is checked now, cheaply.
	for _, r := range t.Routes() {
		if _, ok := all[r.Body]; r.Body != "" && !ok {
			return nil, fmt.Errorf("metaapi: route %s: no request schema %q", r.ID(), r.Body)
		}
	}
	d := &Docs{fallbackURL: info.ServerURL}
	if d.fallbackURL == "" {
		d.fallbackURL = "/" // APP_URL unset: relative to the document's own URL
	}
	info.ServerURL = serverPlaceholder
	d.render = func() error {
		doc, page, err := openapi.Render(t, all, info)
		if err != nil {
			return err
		}
		d.openapi = bytes.Split(doc, []byte(serverPlaceholder))
		d.page = bytes.Split(page, []byte(serverPlaceholder))
		return nil
	}
	return d, nil
}

// rendered renders the documentation once.
func (d *Docs) rendered() error {
	d.once.Do(func() { d.err = d.render() })
	return d.err
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
func (d *Docs) OpenAPI(baseURL string) ([]byte, error) {
	if err := d.rendered(); err != nil {
		return nil, err
	}
	u, _ := json.Marshal(d.serverURL(baseURL)) // a string always marshals
	return bytes.Join(d.openapi, u[1:len(u)-1]), nil
}

// Page is the HTML page for a request's base URL.
func (d *Docs) Page(baseURL string) ([]byte, error) {
	if err := d.rendered(); err != nil {
		return nil, err
	}
	return bytes.Join(d.page, []byte(template.HTMLEscapeString(d.serverURL(baseURL)))), nil
}

// Handlers maps the meta group's handler names to code.
func Handlers(docs *Docs) map[string]api.Handler {
	return map[string]api.Handler{
		"Ping": func(context.Context, *api.Request) (*api.Response, error) {
			return api.Text(http.StatusOK, "pong"), nil
		},
		"OpenAPI": func(_ context.Context, r *api.Request) (*api.Response, error) {
			doc, err := docs.OpenAPI(r.BaseURL)
			if err != nil {
				return nil, err
			}
			return api.RawJSON(http.StatusOK, doc), nil
		},
		"Documentation": func(_ context.Context, r *api.Request) (*api.Response, error) {
			page, err := docs.Page(r.BaseURL)
			if err != nil {
				return nil, err
			}
			// text/html; charset=UTF-8, as Laravel answers its views.
			return api.Text(http.StatusOK, string(page)), nil
		},
	}
}
