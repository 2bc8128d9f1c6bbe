package main

import (
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"

	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// apiClient calls the local gateway over loopback with keep-alive
// connections, one per worker at most.
type apiClient struct {
	base string
	hc   *http.Client
}

func newAPIClient(base string, workers int) *apiClient {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        workers * 2,
		MaxIdleConnsPerHost: workers * 2,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &apiClient{base: base, hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (c *apiClient) close() { c.hc.CloseIdleConnections() }

type reply struct {
	status int
	header http.Header
	body   []byte
	id     string // API Gateway's request id (x-amzn-RequestId)
}

func (c *apiClient) do(ctx context.Context, method, path string, h map[string]string, body string) (reply, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "flexiapi-bench")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	id := resp.Header.Get("x-amzn-RequestId")
	if id == "" {
		id = resp.Header.Get("Apigw-Requestid") // the machine API (an HTTP API)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b, id: id}, nil
}

// want checks a status; the error names the request.
func want(r reply, status int, what string) error {
	if r.status != status {
		return fmt.Errorf("%s: status %d, want %d: %.200s", what, r.status, status, r.body)
	}
	return nil
}

// Expectations of the log lines of a request, by its access.
func public(r reply) expect  { return expect{id: r.id, function: true} }
func allowed(r reply) expect { return expect{id: r.id, authorizer: true, function: true} }
func denied(r reply) expect  { return expect{id: r.id, authorizer: true} }

// direct is a machine API request: no authorizer, the function's line.
func direct(r reply) expect { return expect{id: r.id, function: true} }

// The operations of the load phases.

func (c *apiClient) ping(ctx context.Context, _ int) ([]expect, error) {
	r, err := c.do(ctx, "GET", "/api/ping", nil, "")
	if err != nil {
		return nil, err
	}
	if err := want(r, 200, "GET /api/ping"); err != nil {
		return nil, err
	}
	return []expect{public(r)}, nil
}

// getWith is an authenticated GET with fixed headers (API key or JWT).
func (c *apiClient) getWith(path string, h map[string]string) op {
	return func(ctx context.Context, _ int) ([]expect, error) {
		r, err := c.do(ctx, "GET", path, h, "")
		if err != nil {
			return nil, err
		}
		if err := want(r, 200, "GET "+path); err != nil {
			return []expect{denied(r)}, err
		}
		return []expect{allowed(r)}, nil
	}
}

// digestRound is one Digest operation: the request without credentials,
// its 401 with one challenge, then the answer. The second reply is the
// endpoint's answer.
func (c *apiClient) digestRound(ctx context.Context, method, path, username, domain, password, body string) (reply, []expect, error) {
	h := map[string]string{"From": "sip:" + username + "@" + domain}
	first, err := c.do(ctx, method, path, h, body)
	if err != nil {
		return reply{}, nil, err
	}
	ids := []expect{denied(first)}
	if err := want(first, 401, "Digest challenge "+method+" "+path); err != nil {
		return first, ids, err
	}
	vs := first.header.Values("WWW-Authenticate")
	if len(vs) != 1 {
		return first, ids, fmt.Errorf("want one WWW-Authenticate field, got %q", vs)
	}
	ch, err := devstack.ParseChallenge(vs[0])
	if err != nil {
		return first, ids, err
	}
	h["Authorization"] = devstack.DigestAnswer(ch, method, path, username, password, devstack.NewCNonce(), "00000001")
	second, err := c.do(ctx, method, path, h, body)
	if err != nil {
		return reply{}, ids, err
	}
	if second.status == 401 || second.status == 403 {
		ids = append(ids, denied(second))
	} else {
		ids = append(ids, allowed(second))
	}
	return second, ids, nil
}

func (c *apiClient) digestMe(u creds, domain string) op {
	return func(ctx context.Context, _ int) ([]expect, error) {
		r, ids, err := c.digestRound(ctx, "GET", "/api/accounts/me", u.Username, domain, u.Password, "")
		if err != nil {
			return ids, err
		}
		return ids, want(r, 200, "Digest GET /api/accounts/me")
	}
}

// adminCreate posts accounts with unique usernames.
func (c *apiClient) adminCreate(adminKey, prefix string) op {
	var n atomic.Int64
	return func(ctx context.Context, _ int) ([]expect, error) {
		i := n.Add(1)
		body := fmt.Sprintf(`{"username":"%s%06d","password":"bench-Pa55","algorithm":"SHA-256","email":"%s%06d@example.org"}`, prefix, i, prefix, i)
		r, err := c.do(ctx, "POST", "/api/accounts", map[string]string{"X-Api-Key": adminKey}, body)
		if err != nil {
			return nil, err
		}
		if err := want(r, 200, "POST /api/accounts"); err != nil {
			return []expect{allowed(r)}, err
		}
		return []expect{allowed(r)}, nil
	}
}
