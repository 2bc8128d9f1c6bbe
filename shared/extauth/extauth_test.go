package extauth

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// storeFake is a hand-written fake of the table (the DynamoDB store is
// tested against DynamoDB Local, and the whole check end to end).
type storeFake struct {
	mu     sync.Mutex
	cards  map[string]*authn.Card
	states map[int64]*AccountState
	used   map[string]bool
	writes int
	down   bool
}

func (f *storeFake) CardBySIP(_ context.Context, username, domain string) (*authn.Card, error) {
	if f.down {
		return nil, errors.New("connection refused")
	}
	if c, ok := f.cards[username+"@"+domain]; ok {
		return c, nil
	}
	return nil, authn.ErrNotFound
}

func (f *storeFake) AccountState(_ context.Context, id int64) (*AccountState, error) {
	if s, ok := f.states[id]; ok {
		return s, nil
	}
	return nil, ErrNotFound
}

func (f *storeFake) UseExternalNonce(_ context.Context, id int64, nonce, nc string, _ time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	k := string(rune(id)) + "|" + nonce + "|" + nc
	if f.used[k] {
		return false, nil
	}
	f.used[k] = true
	return true, nil
}

const realm = "sip.example.org"

func md5hex(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }

func newChecker(t *testing.T) (*Checker, *storeFake) {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return map[string]string{"APP_KEY": "k"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	ha1 := md5hex("alice:" + realm + ":secret")
	f := &storeFake{used: map[string]bool{},
		cards: map[string]*authn.Card{
			"alice@" + realm:   {AccountID: 1, Username: "alice", Domain: realm, Passwords: map[string]string{"MD5": ha1}},
			"blocked@" + realm: {AccountID: 2, Username: "blocked", Domain: realm, Blocked: true, Passwords: map[string]string{"CLRTXT": "secret"}},
			"new@" + realm:     {AccountID: 3, Username: "new", Domain: realm, Passwords: map[string]string{"CLRTXT": "secret"}},
			"late@" + realm:    {AccountID: 4, Username: "late", Domain: realm, Passwords: map[string]string{"CLRTXT": "secret"}},
		},
		states: map[int64]*AccountState{
			1: {Activated: true, DisplayName: `Alice "A" \ Liddell`},
			2: {Activated: true},
			3: {Activated: false},
			4: {Activated: false, ActivationExpires: ptr(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))},
		}}
	return NewChecker(f, cfg), f
}

func ptr[T any](v T) *T { return &v }

// call builds the plugin's query for a qop=auth answer computed with the
// standard library (not this package's Digest code).
func call(user, password, nonce, nc string) url.Values {
	ha1 := md5hex(user + ":" + realm + ":" + password)
	ha2 := md5hex("REGISTER:sip:" + realm)
	resp := md5hex(ha1 + ":" + nonce + ":" + nc + ":c0ffee:auth:" + ha2)
	return url.Values{"username": {user}, "realm": {realm}, "nonce": {nonce}, "uri": {"sip:" + realm},
		"response": {resp}, "cnonce": {"c0ffee"}, "nc": {nc}, "qop": {"auth"}, "algorithm": {"null"},
		"opaque": {"null"}, "method": {"REGISTER"}, "domain": {realm}, "from": {"<sip:" + user + "@" + realm + ">"}}
}

func TestCheck(t *testing.T) {
	c, f := newChecker(t)
	ctx := context.Background()
	check := func(q url.Values) Outcome {
		t.Helper()
		o, err := c.Check(ctx, ParamsFrom(q))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	if o := check(call("alice", "secret", "n+/1=", "00000001")); o.Status != 200 || o.Identity != `"Alice \"A\" \\ Liddell" <sip:alice@sip.example.org>` {
		t.Fatalf("valid answer: %+v", o)
	}
	if o := check(call("alice", "secret", "n+/1=", "00000001")); o.Status != 403 || o.Why != WhyReplayed || o.Reason != `SIP;cause=403;text="Nonce replayed"` {
		t.Fatalf("replayed (nonce, nc): %+v", o)
	}
	if o := check(call("alice", "secret", "n+/1=", "00000002")); o.Status != 200 {
		t.Fatalf("the next nc of the same nonce: %+v", o)
	}
	wrong, unknown := check(call("alice", "wrong", "n2", "00000001")), check(call("nobody", "secret", "n2", "00000001"))
	if wrong.Status != 401 || unknown.Status != 401 || wrong.Phrase != "" || unknown.Phrase != "" || wrong.Reason != unknown.Reason {
		t.Fatalf("wrong response and unknown account must look alike: %+v %+v", wrong, unknown)
	}
	for user, why := range map[string]string{"blocked": WhyBlocked, "new": WhyNotActivated, "late": WhyExpired} {
		if o := check(call(user, "secret", "n3", "00000001")); o.Status != 403 || o.Why != why || o.Phrase != why {
			t.Errorf("%s: %+v", user, o)
		}
	}
	if o := check(call("blocked", "wrong", "n4", "00000001")); o.Status != 401 {
		t.Fatalf("a wrong answer for a blocked account says nothing of it: %+v", o)
	}
	writes := f.writes
	for name, q := range map[string]url.Values{
		"other realm":  func() url.Values { q := call("alice", "secret", "n5", "00000001"); q.Set("realm", "other"); return q }(),
		"qop auth-int": func() url.Values { q := call("alice", "secret", "n5", "00000001"); q.Set("qop", "auth-int"); return q }(),
		"no cnonce":    func() url.Values { q := call("alice", "secret", "n5", "00000001"); q.Set("cnonce", "null"); return q }(),
		"short nc":     func() url.Values { q := call("alice", "secret", "n5", "1"); return q }(),
		"unknown algorithm": func() url.Values {
			q := call("alice", "secret", "n5", "00000001")
			q.Set("algorithm", "MD5-sess")
			return q
		}(),
		"no method":      func() url.Values { q := call("alice", "secret", "n5", "00000001"); q.Del("method"); return q }(),
		"username null":  func() url.Values { q := call("alice", "secret", "n5", "00000001"); q.Set("username", "null"); return q }(),
		"nc without qop": func() url.Values { q := call("alice", "secret", "n5", "00000001"); q.Set("qop", "null"); return q }(),
		"SHA-256 for an MD5": func() url.Values {
			q := call("alice", "secret", "n5", "00000001")
			q.Set("algorithm", "SHA-256")
			return q
		}(),
	} {
		if o := check(q); o.Status != 401 {
			t.Errorf("%s: %+v", name, o)
		}
	}
	if f.writes != writes {
		t.Fatal("a refused answer wrote a nonce use")
	}
}

// Without qop (RFC 2069) the response is H(HA1:nonce:HA2) and a nonce
// answers once.
func TestCheckWithoutQop(t *testing.T) {
	c, _ := newChecker(t)
	ha1 := md5hex("alice:" + realm + ":secret")
	q := url.Values{"username": {"alice"}, "realm": {realm}, "nonce": {"abc"}, "uri": {"sip:" + realm},
		"response": {md5hex(ha1 + ":abc:" + md5hex("INVITE:sip:"+realm))}, "cnonce": {"null"}, "nc": {"null"}, "qop": {"null"},
		"algorithm": {"MD5"}, "method": {"INVITE"}, "domain": {realm}}
	for i, want := range []int{200, 403} {
		if o, _ := c.Check(context.Background(), ParamsFrom(q)); o.Status != want {
			t.Fatalf("use %d: %+v, want %d", i+1, o, want)
		}
	}
}

// The SHA-256 example of RFC 7616, section 3.9.1 (its nonce and cnonce
// hold "/"), checked from a clear-text password row.
func TestCheckRFC7616(t *testing.T) {
	cfg, _ := config.Load(func(k string) string {
		return map[string]string{"APP_KEY": "k", "ACCOUNT_REALM": "http-auth@example.org"}[k]
	})
	f := &storeFake{used: map[string]bool{},
		cards:  map[string]*authn.Card{"Mufasa@example.org": {AccountID: 9, Username: "Mufasa", Domain: "example.org", Passwords: map[string]string{"CLRTXT": "Circle of Life"}}},
		states: map[int64]*AccountState{9: {Activated: true}}}
	q := url.Values{"username": {"Mufasa"}, "realm": {"http-auth@example.org"}, "nonce": {"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"},
		"uri": {"/dir/index.html"}, "response": {"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
		"cnonce": {"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"}, "nc": {"00000001"}, "qop": {"auth"},
		"algorithm": {"SHA-256"}, "method": {"GET"}, "domain": {"example.org"}}
	if o, err := NewChecker(f, cfg).Check(context.Background(), ParamsFrom(q)); err != nil || o.Status != 200 || o.Identity != "<sip:Mufasa@example.org>" {
		t.Fatalf("%+v %v", o, err)
	}
	q.Set("algorithm", "MD5")
	q.Set("response", "8ca523f5e9506fed4657c9700eebdbec")
	f.used = map[string]bool{}
	if o, err := NewChecker(f, cfg).Check(context.Background(), ParamsFrom(q)); err != nil || o.Status != 200 {
		t.Fatalf("the MD5 answer of the same example: %+v %v", o, err)
	}
}

func TestCheckDependencyFailure(t *testing.T) {
	c, f := newChecker(t)
	f.down = true
	if _, err := c.Check(context.Background(), ParamsFrom(call("alice", "secret", "n", "00000001"))); err == nil {
		t.Fatal("a table that does not answer must be an error (503), not an outcome")
	}
}

func TestIdentity(t *testing.T) {
	for _, c := range [][4]string{
		{"", "bob", "sip.example.org", "<sip:bob@sip.example.org>"},
		{"  ", "bob", "sip.example.org", "<sip:bob@sip.example.org>"},
		{"Bob\r\nStatus: 200", "bob", "x", `"BobStatus: 200" <sip:bob@x>`},
		{"Zoë", "a b>", "x", `"Zoë" <sip:a%20b%3E@x>`},
	} {
		if got := Identity(c[0], c[1], c[2]); got != c[3] {
			t.Errorf("Identity(%q, %q) = %q, want %q", c[0], c[1], got, c[3])
		}
	}
}
