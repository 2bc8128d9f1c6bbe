// Package extauth answers Flexisip's ExternalAuthentication plugin: the
// Digest answer of a SIP request, whose parameters the plugin sends as a
// query, checked against an account's stored password. Flexisip issues
// the challenge and its nonces itself; this package recomputes the
// response (RFC 2617/7616: MD5 or SHA-256, qop=auth or none), applies the
// account's state, and refuses a replayed (nonce, nc), which the plugin
// does not check. No AWS type here.
package extauth

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// Params are the plugin's tokens this check reads, unescaped. An absent
// Authorization parameter arrives as the text "null" and reads as "".
type Params struct {
	Username, Realm, Nonce, URI, Response, CNonce, NC, QOP, Algorithm string
	Method, Domain                                                    string
}

// ParamsFrom reads the query of one plugin call.
func ParamsFrom(q url.Values) Params {
	get := func(name string) string {
		v := q.Get(name)
		if v == "null" {
			return ""
		}
		return v
	}
	return Params{
		Username: get("username"), Realm: get("realm"), Nonce: get("nonce"), URI: get("uri"),
		Response: get("response"), CNonce: get("cnonce"), NC: get("nc"), QOP: get("qop"),
		Algorithm: get("algorithm"), Method: get("method"), Domain: get("domain"),
	}
}

// Outcome is the plugin's answer: the SIP status (200, 401 or 403), the
// reason phrase and the Reason header value (RFC 3326) of a 403, and the
// P-Asserted-Identity of a 200. Why is for the log line: never a secret.
type Outcome struct {
	Status    int
	Phrase    string
	Reason    string
	Identity  string
	AccountID int64
	Why       string
}

// AccountState is what the check reads of the account item.
type AccountState struct {
	Activated bool
	// ActivationExpires is the admin-set deadline of a not activated
	// account (confirmation_key_expires); nil when there is none.
	ActivationExpires *time.Time
	DisplayName       string
}

// ErrNotFound is the store's "no such item".
var ErrNotFound = errors.New("not found")

// Store is what the check reads and writes.
type Store interface {
	// CardBySIP is the authorizer's small SIP identity item: passwords,
	// blocked (authn.ErrNotFound when unknown).
	CardBySIP(ctx context.Context, username, domain string) (*authn.Card, error)
	AccountState(ctx context.Context, accountID int64) (*AccountState, error)
	// UseExternalNonce records one use of (nonce, nc) by an account with
	// one conditional write, remembered until expires; false when it was
	// already used.
	UseExternalNonce(ctx context.Context, accountID int64, nonce, nc string, expires time.Time) (bool, error)
}

// Checker holds what a check needs, built once per process.
type Checker struct {
	store Store
	cfg   *config.Config
	now   func() time.Time
}

// NewChecker builds the check over a store.
func NewChecker(store Store, cfg *config.Config) *Checker {
	return &Checker{store: store, cfg: cfg, now: time.Now}
}

// WithClock replaces the clock (tests).
func (c *Checker) WithClock(now func() time.Time) *Checker {
	cc := *c
	cc.now = now
	return &cc
}

// Bounds of what is worth a table read; beyond, the answer is a 401.
const (
	maxNonce = 256
	maxParam = 1024
)

// Reasons of the 403s, as the phrase and the Reason header's text.
const (
	WhyBlocked      = "Account blocked"
	WhyNotActivated = "Account not activated"
	WhyExpired      = "Activation expired"
	WhyReplayed     = "Nonce replayed"
)

// Check answers one call. A 401 does not say why (an unknown account and
// a wrong response look alike); err is a failed dependency only.
func (c *Checker) Check(ctx context.Context, p Params) (Outcome, error) {
	unauthorized := func(why string) (Outcome, error) { return Outcome{Status: 401, Why: why}, nil }
	alg, ok := algorithm(p.Algorithm)
	if !ok {
		return unauthorized("algorithm not supported")
	}
	if why := malformed(p); why != "" {
		return unauthorized(why)
	}
	realm := c.cfg.RealmFor(p.Domain)
	if p.Realm != realm {
		// Flexisip's realm must be ours: the stored HA1 is H(user:realm:password).
		return unauthorized("realm is not ACCOUNT_REALM or the domain")
	}
	card, err := c.store.CardBySIP(ctx, p.Username, p.Domain)
	if errors.Is(err, authn.ErrNotFound) {
		// The same work as a wrong answer, so that the time does not tell.
		auth.ResponseMatches(expected(alg, auth.HA1(alg, p.Username, realm, ""), p), p.Response)
		return unauthorized("unknown account")
	}
	if err != nil {
		return Outcome{}, err
	}
	ha1, ok := card.Passwords[alg]
	if !ok {
		clear, hasClear := card.Passwords["CLRTXT"]
		if !hasClear {
			return unauthorized("no password for " + alg)
		}
		ha1 = auth.HA1(alg, card.Username, realm, clear)
	}
	if !auth.ResponseMatches(expected(alg, strings.ToLower(ha1), p), strings.ToLower(p.Response)) {
		return unauthorized("wrong response")
	}
	forbidden := func(why string) (Outcome, error) {
		return Outcome{Status: 403, Phrase: why, Reason: `SIP;cause=403;text="` + why + `"`, AccountID: card.AccountID, Why: why}, nil
	}
	if card.Blocked {
		return forbidden(WhyBlocked)
	}
	st, err := c.store.AccountState(ctx, card.AccountID)
	if errors.Is(err, ErrNotFound) {
		return unauthorized("account deleted")
	}
	if err != nil {
		return Outcome{}, err
	}
	now := c.now()
	switch {
	case st.ActivationExpires != nil && !now.Before(*st.ActivationExpires):
		return forbidden(WhyExpired)
	case !st.Activated:
		return forbidden(WhyNotActivated)
	}
	nc := p.NC
	if p.QOP == "" {
		nc = "-" // without qop a nonce answers once
	} else {
		n, _ := auth.ParseNC(nc)
		nc = strings.ToLower(hex8(n))
	}
	fresh, err := c.store.UseExternalNonce(ctx, card.AccountID, p.Nonce, nc, now.Add(c.cfg.FlexisipAuthNonceExpiry))
	if err != nil {
		return Outcome{}, err
	}
	if !fresh {
		return forbidden(WhyReplayed)
	}
	return Outcome{Status: 200, Identity: Identity(st.DisplayName, card.Username, card.Domain), AccountID: card.AccountID, Why: "authenticated"}, nil
}

// algorithm maps the plugin's algorithm (absent: MD5) to the stored
// rows' spelling.
func algorithm(a string) (string, bool) {
	switch {
	case a == "" || strings.EqualFold(a, auth.AlgorithmMD5):
		return auth.AlgorithmMD5, true
	case strings.EqualFold(a, auth.AlgorithmSHA256):
		return auth.AlgorithmSHA256, true
	}
	return "", false
}

// malformed says what makes the parameters unusable, or "".
func malformed(p Params) string {
	for _, v := range []string{p.Username, p.Realm, p.Nonce, p.URI, p.Response, p.CNonce, p.NC, p.QOP, p.Method, p.Domain} {
		if len(v) > maxParam {
			return "a parameter is too long"
		}
	}
	switch {
	case p.Username == "" || p.Domain == "" || p.Nonce == "" || p.URI == "" || p.Response == "" || p.Method == "":
		return "a required parameter is missing"
	case len(p.Nonce) > maxNonce:
		return "nonce too long"
	case p.QOP == "" && (p.NC != "" || p.CNonce != ""):
		return "nc or cnonce without qop"
	case p.QOP != "" && !strings.EqualFold(p.QOP, "auth"):
		return "qop not supported"
	case p.QOP != "" && p.CNonce == "":
		return "qop=auth without cnonce"
	}
	if p.QOP != "" {
		if _, ok := auth.ParseNC(p.NC); !ok || len(p.NC) != 8 {
			return "nc is not 8 hexadecimal digits"
		}
	}
	return ""
}

// expected is the Digest response the client should have sent.
func expected(alg, ha1 string, p Params) string {
	if p.QOP == "" {
		// RFC 2069, kept by RFC 2617 for clients without qop.
		return auth.Hash(alg, ha1+":"+p.Nonce+":"+auth.Hash(alg, p.Method+":"+p.URI))
	}
	return auth.ExpectedResponse(alg, ha1, p.Method, auth.Credentials{
		URI: p.URI, Nonce: p.Nonce, NC: p.NC, CNonce: p.CNonce, QOP: strings.ToLower(p.QOP)})
}

func hex8(n uint32) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b)
}

// Identity is the P-Asserted-Identity of an account: its display name as
// a quoted string (when it has one) and its SIP URI. Control characters
// never reach it, so that it cannot break the plugin's line format or a
// SIP header.
func Identity(displayName, username, domain string) string {
	uri := "<sip:" + escapeUser(username) + "@" + clean(domain) + ">"
	name := clean(displayName)
	if strings.TrimSpace(name) == "" {
		return uri
	}
	name = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)
	return `"` + name + `" ` + uri
}

// clean drops control characters.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// escapeUser escapes what RFC 3261's user part does not allow raw.
func escapeUser(u string) string {
	const allowed = "-_.!~*'()&=+$,;?/"
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		ch := u[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte(allowed, ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		const hexd = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexd[ch>>4])
		b.WriteByte(hexd[ch&0xf])
	}
	return b.String()
}
