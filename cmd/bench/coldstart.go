package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

// coldTarget is one binary and the cheap first event it answers.
type coldTarget struct {
	name  string
	path  string
	event string // what the first event is, for the document
	body  []byte
	check func(out []byte) error
	env   []string // extra environment of the first-event starts
	// db is a second kind of first event, one that makes the function's
	// first DynamoDB call: its first response also holds DynamoDB Local's
	// latency, which is not the binary's (reported beside the budget).
	db *coldTarget
}

type coldResult struct {
	name  string
	event string
	init  []time.Duration // process start → first `next` (Runtime API)
	first []time.Duration // process start → first response
	// firstDB: process start → first response to the event with a
	// DynamoDB call (nil when the target has none).
	firstDB []time.Duration
	dbEvent string
	err     error
	trace   initTrace
}

func (r *coldResult) firstMS() []float64 { return toMS(r.first) }
func (r *coldResult) initMS() []float64  { return toMS(r.init) }

func toMS(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = msf(d)
	}
	return out
}

// proxyEvent is a REST API proxy event (payload 1.0) shaped as the local
// gateway builds it.
func proxyEvent(method, resource, path, requestID string, headers map[string]string, authorizer map[string]any) []byte {
	h := map[string]string{"Accept": "application/json", "User-Agent": "flexiapi-bench", "Host": "127.0.0.1",
		"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "http", "X-Forwarded-Port": "80"}
	for k, v := range headers {
		h[k] = v
	}
	mh := map[string][]string{}
	for k, v := range h {
		mh[k] = []string{v}
	}
	now := time.Now()
	ev := events.APIGatewayProxyRequest{
		Resource: resource, Path: path, HTTPMethod: method, Headers: h, MultiValueHeaders: mh,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID: "000000000000", ResourceID: "abc123", Stage: "local", DomainName: "127.0.0.1",
			RequestID: requestID, Protocol: "HTTP/1.1",
			Identity:     events.APIGatewayRequestIdentity{SourceIP: "127.0.0.1", UserAgent: "flexiapi-bench"},
			ResourcePath: resource, Path: path, Authorizer: authorizer, HTTPMethod: method,
			RequestTime:      now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			RequestTimeEpoch: now.UnixMilli(), APIID: "local",
		},
	}
	b, _ := json.Marshal(ev)
	return b
}

func wantStatus(status int) func([]byte) error {
	return func(out []byte) error {
		var r events.APIGatewayProxyResponse
		if err := json.Unmarshal(out, &r); err != nil {
			return fmt.Errorf("not a proxy response: %.200s", out)
		}
		if r.StatusCode != status {
			return fmt.Errorf("status %d, want %d: %.200s", r.StatusCode, status, r.Body)
		}
		return nil
	}
}

func wantSubstring(s string) func([]byte) error {
	return func(out []byte) error {
		if !bytes.Contains(out, []byte(s)) {
			return fmt.Errorf("answer without %q: %.200s", s, out)
		}
		return nil
	}
}

// coldTargets lists every bootstrap of the deployment and the reference,
// each with a cheap first event. user is an API-key account.
func coldTargets(local map[string]string, user creds) ([]coldTarget, []string) {
	principal := map[string]any{"principalId": fmt.Sprint(user.ID), "integrationLatency": 1}
	for k, v := range api.PrincipalContext(api.Principal{AccountID: user.ID, Username: user.Username, Domain: domain, Method: "api_key"}) {
		principal[k] = v
	}
	authz, _ := json.Marshal(events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type: "REQUEST", MethodArn: "arn:aws:execute-api:us-east-1:000000000000:local/local/GET/api/accounts/me",
		Resource: "/api/accounts/me", Path: "/api/accounts/me", HTTPMethod: "GET",
		Headers:           map[string]string{"X-Api-Key": user.Key, "Accept": "application/json"},
		MultiValueHeaders: map[string][]string{"X-Api-Key": {user.Key}, "Accept": {"application/json"}},
		RequestContext: events.APIGatewayCustomAuthorizerRequestTypeRequestContext{
			Path: "/api/accounts/me", AccountID: "000000000000", Stage: "local", RequestID: "cold-authorizer",
			ResourcePath: "/api/accounts/me", HTTPMethod: "GET", APIID: "local",
		},
	})
	scheduled, _ := json.Marshal(events.EventBridgeEvent{
		Version: "0", ID: "cold-maintenance", DetailType: "Scheduled Event", Source: "aws.events",
		AccountID: "000000000000", Time: time.Now().UTC(), Region: "us-east-1",
		Resources: []string{"arn:aws:events:us-east-1:000000000000:rule/maintenance"}, Detail: json.RawMessage(`{}`),
	})
	// The budget's first events need no DynamoDB round trip: a cold start
	// is the binary's (runtime, init, main's set-up, first invocation);
	// the db events add the function's usual first DynamoDB call.
	nonAdmin := map[string]any{"principalId": fmt.Sprint(user.ID), "integrationLatency": 1}
	for k, v := range principal {
		nonAdmin[k] = v
	}
	nonAdmin[api.CtxAdmin] = "false"
	noCreds, _ := json.Marshal(events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type: "REQUEST", MethodArn: "arn:aws:execute-api:us-east-1:000000000000:local/local/GET/api/accounts/me",
		Resource: "/api/accounts/me", Path: "/api/accounts/me", HTTPMethod: "GET",
		Headers:           map[string]string{"Accept": "application/json"},
		MultiValueHeaders: map[string][]string{"Accept": {"application/json"}},
		RequestContext: events.APIGatewayCustomAuthorizerRequestTypeRequestContext{
			Path: "/api/accounts/me", AccountID: "000000000000", Stage: "local", RequestID: "cold-authorizer",
			ResourcePath: "/api/accounts/me", HTTPMethod: "GET", APIID: "local",
		},
	})
	known := map[string]coldTarget{
		api.GroupMeta: {event: "proxy event GET /api/ping",
			body: proxyEvent("GET", "/api/ping", "/api/ping", "cold-meta", nil, nil), check: wantStatus(200)},
		api.GroupAccounts: {event: "proxy event GET /api/accounts by a non-admin (router and guard answer 403; no DynamoDB call)",
			body:  proxyEvent("GET", "/api/accounts", "/api/accounts", "cold-accounts", map[string]string{"X-Api-Key": user.Key}, nonAdmin),
			check: wantStatus(403),
			db: &coldTarget{event: "API-key GET /api/accounts/me with its authorizer context (1 GetItem)",
				body:  proxyEvent("GET", "/api/accounts/me", "/api/accounts/me", "cold-accounts", map[string]string{"X-Api-Key": user.Key}, principal),
				check: wantStatus(200)}},
		api.GroupResources: {event: "proxy event GET /api/account_types by a non-admin (router and guard answer 403; no DynamoDB call)",
			body:  proxyEvent("GET", "/api/account_types", "/api/account_types", "cold-resources", map[string]string{"X-Api-Key": user.Key}, nonAdmin),
			check: wantStatus(403),
			db: &coldTarget{event: "API-key GET /api/accounts/me/contacts with its authorizer context (1 Query of the account's partition)",
				body:  proxyEvent("GET", "/api/accounts/me/contacts", "/api/accounts/me/contacts", "cold-resources", map[string]string{"X-Api-Key": user.Key}, principal),
				check: wantStatus(200)}},
		devstack.Authorizer: {event: "REQUEST authorizer event without credentials nor From (Allow with the 422; no DynamoDB call)",
			body: noCreds, check: wantSubstring(`"error_status":"422"`),
			db: &coldTarget{event: "REQUEST authorizer event with an API key (1 GetItem)", body: authz, check: wantSubstring(`"Allow"`)}},
		devstack.Maintenance: {event: "EventBridge scheduled event with the clean-up off (ACCOUNTS_CLEAR_UNCONFIRMED_DAYS=0; no DynamoDB call)",
			body: scheduled, check: wantSubstring(`"unconfirmed_deleted":0`), env: []string{"ACCOUNTS_CLEAR_UNCONFIRMED_DAYS=0"},
			db: &coldTarget{event: "EventBridge scheduled event (1 GSI4 query, nothing to delete)", body: scheduled,
				check: wantSubstring(`"unconfirmed_deleted"`)}},
		api.GroupStatistics: {event: "proxy event POST /api/statistics/calls without a body by an admin (router answers 422; no DynamoDB call)",
			body:  proxyEvent("POST", "/api/statistics/calls", "/api/statistics/calls", "cold-statistics", map[string]string{"X-Api-Key": user.Key}, adminContext(principal)),
			check: wantStatus(422),
			db: &coldTarget{event: "proxy event POST /api/statistics/calls, Flexisip's call announcement (1 conditional PutItem)",
				body:  withBody(proxyEvent("POST", "/api/statistics/calls", "/api/statistics/calls", "cold-statistics", map[string]string{"X-Api-Key": user.Key, "Content-Type": "application/json"}, adminContext(principal)), coldCallBody),
				check: wantStatus(200)}},
		// The SIP stack is built on the first message, not at init: the
		// cold start of a validation answer is the binary's alone.
		api.GroupMessages: {event: "proxy event POST /api/messages without a body by an admin, SIP configured (router answers 422; no SIP traffic)",
			body:  proxyEvent("POST", "/api/messages", "/api/messages", "cold-messages", map[string]string{"X-Api-Key": user.Key}, adminContext(principal)),
			check: wantStatus(422),
			env:   []string{"SIP_PROXY=sip:127.0.0.1:9;transport=tcp", "SIP_SENDER_URI=sip:bench@sip.example.org"}},
		hello:                 {event: "any event (answers \"hello\")", body: []byte(`{}`), check: wantSubstring(`"hello"`)},
		devstack.FlexisipSync: flexisipColdTarget(), // flexisip.go
	}
	var out []coldTarget
	var unknown []string
	for _, name := range coldOrder(local) {
		t, ok := known[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		t.name, t.path = name, local[name]
		out = append(out, t)
	}
	return out, unknown
}

// coldOrder: the reference first, then the deployment's binaries sorted.
func coldOrder(local map[string]string) []string {
	names := append([]string{hello}, api.Groups...)
	names = append(names, devstack.Authorizer, devstack.Maintenance)
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	for n := range local {
		if !seen[n] {
			names = append(names, n)
		}
	}
	var out []string
	for _, n := range names {
		if _, ok := local[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// measureColdStarts starts each binary afresh trials times, in rounds
// (every binary once per round, the order rotating) so that the machine's
// noise falls on all of them alike. One untimed start per binary first
// brings it into the page cache.
func measureColdStarts(ctx context.Context, targets []coldTarget, env []string, trials int, progress func(string)) ([]*coldResult, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	results := make([]*coldResult, len(targets))
	for i, t := range targets {
		results[i] = &coldResult{name: t.name, event: t.event}
		if t.db != nil {
			results[i].dbEvent = t.db.event
			t.db.name, t.db.path = t.name, t.path
		}
	}
	once := func(t coldTarget) (localgw.ColdStart, error) {
		f := &localgw.Function{Name: t.name, Path: t.path, Env: append(append([]string(nil), env...), t.env...), Logger: quiet, Output: io.Discard,
			MaxInstances: 1, Timeout: 30 * time.Second}
		defer f.Close()
		out, fnErr, err := f.Invoke(ctx, t.body)
		switch {
		case err != nil:
			return localgw.ColdStart{}, err
		case fnErr != nil:
			return localgw.ColdStart{}, fnErr
		}
		if err := t.check(out); err != nil {
			return localgw.ColdStart{}, err
		}
		cs := f.ColdStarts()
		if len(cs) != 1 {
			return localgw.ColdStart{}, fmt.Errorf("%d cold starts recorded, want 1", len(cs))
		}
		return cs[0], nil
	}
	for _, t := range targets {
		if _, err := once(t); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			for _, r := range results {
				if r.name == t.name {
					r.err = err
				}
			}
		}
	}
	for i, t := range targets {
		if results[i].err == nil {
			results[i].trace = traceInits(ctx, t, env)
		}
	}
	for round := range trials {
		progress(fmt.Sprintf("cold starts: round %d/%d", round+1, trials))
		for k := range targets {
			i := (k + round) % len(targets)
			r := results[i]
			if r.err != nil {
				continue
			}
			cs, err := once(targets[i])
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if err != nil {
				r.err = err
				continue
			}
			r.init = append(r.init, cs.Init)
			r.first = append(r.first, cs.FirstResponse)
			if db := targets[i].db; db != nil {
				cs, err := once(*db)
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				if err != nil {
					r.err = fmt.Errorf("first event with a DynamoDB call: %w", err)
					continue
				}
				r.firstDB = append(r.firstDB, cs.FirstResponse)
			}
		}
	}
	return results, nil
}

// pkgInit is one package's init() as GODEBUG=inittrace=1 reports it.
type pkgInit struct {
	pkg string
	ms  float64
}

type initTrace struct {
	totalMS float64
	top     []pkgInit // the largest first
	err     error
}

var initTraceRE = regexp.MustCompile(`init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock`)

// traceInits starts the binary once more with GODEBUG=inittrace=1: how
// much of its init is the packages' init() functions (the rest is the
// runtime's start and main's own set-up before lambda.Start).
func traceInits(ctx context.Context, t coldTarget, env []string) initTrace {
	var out devstack.LogBuffer
	f := &localgw.Function{Name: t.name, Path: t.path, Env: append(append(append([]string(nil), env...), t.env...), "GODEBUG=inittrace=1"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Output: &out, MaxInstances: 1, Timeout: 30 * time.Second}
	_, _, err := f.Invoke(ctx, t.body)
	f.Close()
	if err != nil {
		return initTrace{err: err}
	}
	var tr initTrace
	for _, m := range initTraceRE.FindAllStringSubmatch(out.String(), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		tr.totalMS += v
		tr.top = append(tr.top, pkgInit{pkg: m[1], ms: v})
	}
	sort.SliceStable(tr.top, func(i, j int) bool { return tr.top[i].ms > tr.top[j].ms })
	if len(tr.top) > 2 {
		tr.top = tr.top[:2]
	}
	return tr
}
