// Package flexisip decides what Flexisip's SQL authentication must see of
// an account, and keeps a database of FlexiAPI's `accounts`, `passwords`
// and `aliases` tables in step with the accounts domain (docs/flexisip.md).
// It speaks to two small ports: a Source of accounts (the table) and a
// Target database (shared/flexisipdb); it knows no SQL and no AWS type.
package flexisip

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Row is an account's row of FlexiAPI's `accounts` table, plus `phone`,
// the column Flexisip 2.5's default phone queries read.
type Row struct {
	ID              int64
	Username        string
	Domain          string
	Email           *string
	Activated       bool
	ConfirmationKey *string
	IPAddress       string
	UserAgent       string
	CreatedAt       time.Time // UTC, whole seconds (a datetime column)
	UpdatedAt       time.Time
	DisplayName     *string
	DTMFProtocol    *string
	Blocked         bool
	Phone           *string
}

// Password is one row of `passwords`: the HA1 (lower-case hex) of an
// algorithm, or the clear text for CLRTXT, which Flexisip hashes itself.
type Password struct {
	Algorithm string
	Value     string
}

// Alias is one row of `aliases`: the account's phone number, under the
// domain FlexiAPI gives every alias (APP_SIP_DOMAIN).
type Alias struct {
	Alias  string
	Domain string
}

// Projection is everything Flexisip's database holds for one account.
type Projection struct {
	Account   Row
	Passwords []Password // in FlexiAPI's order (MD5, SHA-256, CLRTXT)
	Aliases   []Alias
}

// MayAuthenticate says whether an account's password rows are projected:
// an account that is not activated, or blocked, gets none, so Flexisip
// refuses it whatever query it runs (FlexiAPI's stock query lets a blocked
// account register).
//
// An activation deadline (activation_expires) bounds only the activation
// itself: the flows refuse to activate after it, so an activated account
// was activated in time (or by an admin, on purpose). An account past its
// deadline is therefore not activated and already has no passwords, and
// time passing alone never changes what this function answers: the
// projection needs no scheduled pass (docs/flexisip.md, "What Flexisip
// sees").
func MayAuthenticate(a *account.Account) bool {
	return a.Activated && !a.Blocked
}

// Column bounds of FlexiAPI's schema, in characters (varchar(n)).
const (
	maxUsername  = 64
	maxDomain    = 64
	maxEmail     = 64
	maxConfirm   = 14
	maxIP        = 39
	maxUserAgent = 256
	maxText      = 255
	maxPhone     = 64
	maxAlgorithm = 10
	maxPassword  = 255
)

// Project is what Flexisip's database must hold for a: its `accounts` row
// (with the true activated and blocked), its password rows only when it
// may authenticate, and its phone as an alias of aliasDomain. Descriptive
// columns that exceed FlexiAPI's widths are cut as FlexiAPI's non-strict
// MySQL session would cut them; identity columns are checked by Check.
func Project(a *account.Account, aliasDomain string) *Projection {
	p := &Projection{Account: Row{
		ID:              a.ID,
		Username:        a.Username,
		Domain:          a.Domain,
		Email:           cutOpt(a.Email, maxEmail),
		Activated:       a.Activated,
		ConfirmationKey: cutOpt(a.ConfirmationKey, maxConfirm),
		IPAddress:       cut(a.IPAddress, maxIP),
		UserAgent:       cut(a.UserAgent, maxUserAgent),
		CreatedAt:       a.CreatedAt.UTC().Truncate(time.Second),
		UpdatedAt:       a.UpdatedAt.UTC().Truncate(time.Second),
		DisplayName:     cutOpt(a.DisplayName, maxText),
		DTMFProtocol:    cutOpt(a.DTMFProtocol, maxText),
		Blocked:         a.Blocked,
		Phone:           a.Phone,
	}}
	if MayAuthenticate(a) {
		for _, alg := range a.PasswordAlgorithms() {
			p.Passwords = append(p.Passwords, Password{Algorithm: alg, Value: a.Passwords[alg]})
		}
		// Algorithms FlexiAPI does not know (none today) still go, after.
		for _, alg := range slices.Sorted(maps.Keys(a.Passwords)) {
			if !slices.Contains(account.AlgorithmOrder, alg) {
				p.Passwords = append(p.Passwords, Password{Algorithm: alg, Value: a.Passwords[alg]})
			}
		}
	}
	if a.Phone != nil && *a.Phone != "" {
		p.Aliases = []Alias{{Alias: *a.Phone, Domain: aliasDomain}}
	}
	return p
}

// Check reports a projection the schema cannot hold: an identity column
// (username, domain, phone, a password or its algorithm) wider than its
// column. Such an account cannot reach Flexisip; its record fails.
func (p *Projection) Check() error {
	r := p.Account
	var bad []string
	over := func(name, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			bad = append(bad, fmt.Sprintf("%s is longer than %d characters", name, n))
		}
	}
	over("username", r.Username, maxUsername)
	over("domain", r.Domain, maxDomain)
	if r.Phone != nil {
		over("phone", *r.Phone, maxPhone)
	}
	for _, pw := range p.Passwords {
		over("password algorithm "+quoteShort(pw.Algorithm), pw.Algorithm, maxAlgorithm)
		over("the "+quoteShort(pw.Algorithm)+" password", pw.Value, maxPassword)
	}
	if r.Username == "" || r.Domain == "" {
		bad = append(bad, "username or domain is empty")
	}
	if len(bad) > 0 {
		return fmt.Errorf("account %d cannot be written to Flexisip's tables: %s", r.ID, strings.Join(bad, ", "))
	}
	return nil
}

// Equal reports whether two projections hold the same rows (nil: none).
func Equal(p, q *Projection) bool {
	if p == nil || q == nil {
		return p == q
	}
	return len(Differences(p, q)) == 0
}

// Differences lists, by column, what differs between the rows a database
// holds (have) and the rows it should hold (want). Passwords are named by
// algorithm, never shown.
func Differences(have, want *Projection) []string {
	var out []string
	a, b := have.Account, want.Account
	str := func(name, x, y string) {
		if x != y {
			out = append(out, name)
		}
	}
	opt := func(name string, x, y *string) {
		if (x == nil) != (y == nil) || (x != nil && *x != *y) {
			out = append(out, name)
		}
	}
	str("username", a.Username, b.Username)
	str("domain", a.Domain, b.Domain)
	opt("email", a.Email, b.Email)
	if a.Activated != b.Activated {
		out = append(out, "activated")
	}
	opt("confirmation_key", a.ConfirmationKey, b.ConfirmationKey)
	str("ip_address", a.IPAddress, b.IPAddress)
	str("user_agent", a.UserAgent, b.UserAgent)
	if !a.CreatedAt.Equal(b.CreatedAt) {
		out = append(out, "created_at")
	}
	if !a.UpdatedAt.Equal(b.UpdatedAt) {
		out = append(out, "updated_at")
	}
	opt("display_name", a.DisplayName, b.DisplayName)
	opt("dtmf_protocol", a.DTMFProtocol, b.DTMFProtocol)
	if a.Blocked != b.Blocked {
		out = append(out, "blocked")
	}
	opt("phone", a.Phone, b.Phone)
	hp, wp := passwordMap(have.Passwords), passwordMap(want.Passwords)
	for _, alg := range slices.Sorted(maps.Keys(wp)) {
		if v, ok := hp[alg]; !ok {
			out = append(out, "passwords ("+alg+" missing)")
		} else if v != wp[alg] {
			out = append(out, "passwords ("+alg+" differs)")
		}
	}
	for _, alg := range slices.Sorted(maps.Keys(hp)) {
		if _, ok := wp[alg]; !ok {
			out = append(out, "passwords ("+alg+" extra)")
		}
	}
	if !slices.Equal(have.Aliases, want.Aliases) {
		out = append(out, "aliases")
	}
	return out
}

func passwordMap(ps []Password) map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.Algorithm] = p.Value
	}
	return m
}

// cut keeps the first n characters of s.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func cutOpt(s *string, n int) *string {
	if s == nil {
		return nil
	}
	c := cut(*s, n)
	return &c
}

func quoteShort(s string) string { return fmt.Sprintf("%q", cut(s, 16)) }
