package flexisip

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

func ptr(s string) *string { return &s }

func sample() *account.Account {
	now := time.Date(2024, 3, 1, 10, 20, 30, 500, time.UTC)
	return &account.Account{
		ID: 7, Username: "alice", Domain: "sip.example.org", Activated: true,
		IPAddress: "127.0.0.1", UserAgent: "tests", CreatedAt: now, UpdatedAt: now,
		Phone:     ptr("+33612345678"),
		Passwords: map[string]string{account.AlgSHA256: strings.Repeat("a", 64), account.AlgMD5: strings.Repeat("b", 32)},
	}
}

// TestMayAuthenticate: password rows only for an activated, unblocked
// account; an activation deadline in the past does not count once the
// account is activated (it bounds the activation only).
func TestMayAuthenticate(t *testing.T) {
	past := &account.ActivationExpiration{Expires: time.Now().Add(-time.Hour)}
	for _, tc := range []struct {
		name               string
		activated, blocked bool
		expiration         *account.ActivationExpiration
		wantPasswords      bool
	}{
		{"activated", true, false, nil, true},
		{"not activated", false, false, nil, false},
		{"blocked", true, true, nil, false},
		{"not activated, blocked", false, true, nil, false},
		{"not activated, deadline passed", false, false, past, false},
		{"activated in time, deadline passed since", true, false, past, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := sample()
			a.Activated, a.Blocked, a.ActivationExpiration = tc.activated, tc.blocked, tc.expiration
			p := Project(a, "sip.example.org")
			if got := len(p.Passwords) > 0; got != tc.wantPasswords || MayAuthenticate(a) != tc.wantPasswords {
				t.Fatalf("passwords %v (%d rows), want %v", got, len(p.Passwords), tc.wantPasswords)
			}
			// The account row stays, with the true flags.
			if p.Account.ID != 7 || p.Account.Activated != tc.activated || p.Account.Blocked != tc.blocked {
				t.Fatalf("row %+v", p.Account)
			}
		})
	}
}

func TestProjectRows(t *testing.T) {
	a := sample()
	a.Passwords[account.AlgClear] = "clear text"
	p := Project(a, "alias.example.org")
	var algs []string
	for _, pw := range p.Passwords {
		algs = append(algs, pw.Algorithm)
	}
	if want := []string{"MD5", "SHA-256", "CLRTXT"}; !slices.Equal(algs, want) {
		t.Fatalf("algorithms %v, want FlexiAPI's order %v", algs, want)
	}
	if want := []Alias{{"+33612345678", "alias.example.org"}}; !slices.Equal(p.Aliases, want) {
		t.Fatalf("aliases %v, want %v", p.Aliases, want)
	}
	if p.Account.Phone == nil || *p.Account.Phone != "+33612345678" {
		t.Fatalf("phone column %v", p.Account.Phone)
	}
	if p.Account.CreatedAt.Nanosecond() != 0 {
		t.Fatal("created_at keeps sub-second precision; the column is a datetime")
	}
	a.Phone = nil
	if p := Project(a, "x"); len(p.Aliases) != 0 || p.Account.Phone != nil {
		t.Fatalf("no phone: %v %v", p.Aliases, p.Account.Phone)
	}
}

func TestProjectCutsDescriptiveColumns(t *testing.T) {
	a := sample()
	a.UserAgent = strings.Repeat("é", 300)
	a.DisplayName = ptr(strings.Repeat("x", 300))
	p := Project(a, "d")
	if n := len([]rune(p.Account.UserAgent)); n != 256 {
		t.Fatalf("user_agent %d characters", n)
	}
	if n := len(*p.Account.DisplayName); n != 255 {
		t.Fatalf("display_name %d characters", n)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestCheckIdentityColumns(t *testing.T) {
	for name, mutate := range map[string]func(a *account.Account){
		"username": func(a *account.Account) { a.Username = strings.Repeat("u", 65) },
		"domain":   func(a *account.Account) { a.Domain = strings.Repeat("d", 65) },
		"phone":    func(a *account.Account) { a.Phone = ptr(strings.Repeat("1", 65)) },
		"password": func(a *account.Account) { a.Passwords["MD5"] = strings.Repeat("p", 256) },
		"empty":    func(a *account.Account) { a.Username = "" },
	} {
		t.Run(name, func(t *testing.T) {
			a := sample()
			mutate(a)
			err := Project(a, "d").Check()
			if err == nil || !strings.Contains(err.Error(), "account 7") {
				t.Fatalf("err %v", err)
			}
			if strings.Contains(err.Error(), strings.Repeat("p", 20)) {
				t.Fatal("the error shows the password")
			}
		})
	}
	// 64 non-ASCII characters fit.
	a := sample()
	a.Username = strings.Repeat("é", 64)
	if err := Project(a, "d").Check(); err != nil {
		t.Fatal(err)
	}
}

func TestDifferences(t *testing.T) {
	a := sample()
	want := Project(a, "d")
	if d := Differences(want, Project(a, "d")); len(d) != 0 {
		t.Fatalf("same account differs: %v", d)
	}
	b := sample()
	b.Blocked = true
	b.Username = "alice2"
	have := Project(b, "d")
	have.Passwords = append(have.Passwords, Password{"MD5", "x"}, Password{"CLRTXT", "secret"})
	d := Differences(have, want)
	got := strings.Join(d, "; ")
	for _, w := range []string{"username", "blocked", "passwords (MD5 differs)", "passwords (SHA-256 missing)", "passwords (CLRTXT extra)"} {
		if !strings.Contains(got, w) {
			t.Fatalf("differences %q lack %q", got, w)
		}
	}
	if strings.Contains(got, "secret") || strings.Contains(got, strings.Repeat("a", 64)) {
		t.Fatalf("differences show a password: %q", got)
	}
	if !Equal(nil, nil) || Equal(nil, want) || Equal(want, nil) {
		t.Fatal("Equal on nil")
	}
}

func TestRelevant(t *testing.T) {
	s := &Syncer{AliasDomain: "d"}
	a := sample()
	b := sample()
	b.Dictionary = []account.DictionaryEntry{{Key: "k", Value: "v"}}
	b.AbuseEvents = []time.Time{time.Now()}
	if s.Relevant(Change{AccountID: 7, Old: a, New: b}) {
		t.Fatal("a dictionary change is relevant to Flexisip")
	}
	c := sample()
	c.Passwords = map[string]string{"SHA-256": strings.Repeat("c", 64)}
	if !s.Relevant(Change{AccountID: 7, Old: a, New: c}) {
		t.Fatal("a password change is not relevant")
	}
	if !s.Relevant(Change{AccountID: 7, New: a}) || !s.Relevant(Change{AccountID: 7, Old: a}) {
		t.Fatal("creation or deletion is not relevant")
	}
}
