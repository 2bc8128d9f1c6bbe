//go:build integration

package e2e

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// machineDo calls the machine API's clear-text port.
func (e *env) machineDo(method, path string, h header, body string) response {
	e.t.Helper()
	return doWith(e.t, http.DefaultClient, method, e.machineURL+path, http.Header(toHeader(h)), body)
}

func toHeader(h header) map[string][]string {
	out := map[string][]string{}
	for k, v := range h {
		out[http.CanonicalHeaderKey(k)] = []string{v}
	}
	return out
}

// doWith sends one request with exactly the given headers.
func doWith(t *testing.T, c *http.Client, method, url string, h http.Header, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 && c != http.DefaultClient {
		t.Fatalf("%s %s answered over %s, not HTTP/2", method, url, resp.Proto)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// hellos records what TLS clients offered: the SNI and the ALPN list.
type hellos struct {
	mu   sync.Mutex
	sni  []string
	alpn [][]string
}

// machineTLS serves the machine API over TLS with HTTP/2, as `make run`
// does (devstack.TLSConfig), recording each client hello.
func (e *env) machineTLS() (string, *hellos) {
	e.t.Helper()
	cfg, err := devstack.TLSConfig(e.t.TempDir())
	if err != nil {
		e.t.Fatal(err)
	}
	h := &hellos{}
	cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		h.mu.Lock()
		h.sni = append(h.sni, hello.ServerName)
		h.alpn = append(h.alpn, append([]string(nil), hello.SupportedProtos...))
		h.mu.Unlock()
		return nil, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	stop := devstack.ServeTLS(ln, e.machine, cfg)
	e.t.Cleanup(stop)
	return "https://" + ln.Addr().String(), h
}
