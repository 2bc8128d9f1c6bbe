package localgw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// verdict is what API Gateway makes of the authorizer's answer.
type verdict string

const (
	verdictAllow        verdict = "allow"
	verdictDeny         verdict = "deny"         // ACCESS_DENIED, rendered with the context
	verdictUnauthorized verdict = "unauthorized" // the function failed with "Unauthorized"
	verdictFailure      verdict = "failure"      // AUTHORIZER_FAILURE
)

type authResult struct {
	verdict     verdict
	principalID string
	context     map[string]string // values stringified, as API Gateway passes them on
	latency     time.Duration
	reason      string // why a failure, for the log
}

// authorize runs the REQUEST authorizer. API Gateway's contract: the
// error "Unauthorized" (exactly) means 401 UNAUTHORIZED; any other error,
// crash or malformed answer is AUTHORIZER_FAILURE; otherwise the policy
// decides for the methodArn, an explicit Deny winning over an Allow.
func (g *Gateway) authorize(ctx context.Context, c *call) authResult {
	start := time.Now()
	payload, err := json.Marshal(c.authorizerEvent())
	if err != nil {
		return authResult{verdict: verdictFailure, reason: "marshal event: " + err.Error()}
	}
	out, fnErr, err := g.Authorizer.Invoke(ctx, payload)
	latency := time.Since(start)
	switch {
	case err != nil:
		return authResult{verdict: verdictFailure, latency: latency, reason: err.Error()}
	case fnErr != nil && fnErr.Message == "Unauthorized":
		return authResult{verdict: verdictUnauthorized, latency: latency}
	case fnErr != nil:
		return authResult{verdict: verdictFailure, latency: latency, reason: "function error: " + fnErr.Error()}
	}
	res, err := evaluate(out, c.methodARN())
	if err != nil {
		return authResult{verdict: verdictFailure, latency: latency, reason: err.Error()}
	}
	res.latency = latency
	return res
}

type authorizerOutput struct {
	PrincipalID    *string         `json:"principalId"`
	PolicyDocument *policyDocument `json:"policyDocument"`
	Context        map[string]any  `json:"context"`
}

type policyDocument struct {
	Version   string        `json:"Version"`
	Statement statementList `json:"Statement"`
}

type statement struct {
	Effect   string     `json:"Effect"`
	Action   stringList `json:"Action"`
	Resource stringList `json:"Resource"`
}

// statementList and stringList accept IAM's two spellings: one value or
// an array of them.
type statementList []statement

func (l *statementList) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		var s statement
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = statementList{s}
		return nil
	}
	return json.Unmarshal(b, (*[]statement)(l))
}

type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// evaluate decodes the authorizer's answer and applies its policy to the
// methodArn.
func evaluate(raw []byte, methodARN string) (authResult, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // "42" stays "42" in the context
	var out authorizerOutput
	if err := dec.Decode(&out); err != nil {
		return authResult{}, fmt.Errorf("invalid authorizer response: %w", err)
	}
	if out.PrincipalID == nil {
		return authResult{}, errors.New("invalid authorizer response: no principalId")
	}
	if out.PolicyDocument == nil || len(out.PolicyDocument.Statement) == 0 {
		return authResult{}, errors.New("invalid authorizer response: no policy statement")
	}
	ctx := make(map[string]string, len(out.Context))
	for k, v := range out.Context {
		switch x := v.(type) {
		case string:
			ctx[k] = x
		case json.Number:
			ctx[k] = x.String()
		case bool:
			ctx[k] = fmt.Sprint(x)
		case nil:
		default:
			// API Gateway refuses objects and arrays in the context.
			return authResult{}, fmt.Errorf("invalid authorizer response: context %q is not a string, number or boolean", k)
		}
	}
	allowed, denied := false, false
	for _, s := range out.PolicyDocument.Statement {
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return authResult{}, fmt.Errorf("invalid authorizer response: Effect %q", s.Effect)
		}
		if !anyMatch(s.Action, "execute-api:Invoke", true) || !anyMatch(s.Resource, methodARN, false) {
			continue
		}
		if s.Effect == "Deny" {
			denied = true
		} else {
			allowed = true
		}
	}
	res := authResult{principalID: *out.PrincipalID, context: ctx}
	switch {
	case denied:
		res.verdict = verdictDeny
	case allowed:
		res.verdict = verdictAllow
	default:
		return authResult{}, fmt.Errorf("policy neither allows nor denies %s", methodARN)
	}
	return res, nil
}

// anyMatch: IAM matching with * and ? wildcards; action names ignore case.
func anyMatch(patterns []string, s string, foldCase bool) bool {
	if foldCase {
		s = strings.ToLower(s)
	}
	for _, p := range patterns {
		if foldCase {
			p = strings.ToLower(p)
		}
		if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches s against p where * is any run of characters
// (including '/' and ':', as in IAM ARNs) and ? one character.
func wildcard(p, s string) bool {
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(p) && (p[px] == '?' || p[px] == s[sx]):
			px++
			sx++
		case px < len(p) && p[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

// integrationContext is requestContext.authorizer of the proxy event:
// the context, principalId and the authorizer's latency in ms.
func (a authResult) integrationContext() map[string]any {
	m := make(map[string]any, len(a.context)+2)
	for k, v := range a.context {
		m[k] = v
	}
	m["principalId"] = a.principalID
	m["integrationLatency"] = a.latency.Milliseconds()
	return m
}
