//go:build integration

package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/capacity"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

var ctx = context.Background()

func sp(s string) *string { return &s }

func newAccount(t *testing.T, st *store.Store, username, domain string) *account.Account {
	t.Helper()
	id, err := st.NextAccountID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	return &account.Account{
		ID: id, Username: username, Domain: domain, IPAddress: "127.0.0.1", UserAgent: "test",
		CreatedAt: now, UpdatedAt: now,
		Passwords:         map[string]string{"SHA-256": "abc"},
		ProvisioningToken: sp("prov" + username),
	}
}

func TestAccountRoundTrip(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "alice", "sip.example.org")
	a.Email = sp("Alice@Example.org")
	a.DisplayName = sp("Alice")
	a.DTMFProtocol = sp("sipinfo")
	a.Phone = sp("+33612345678")
	a.ConfirmationKey = sp("abcdefghijklm")
	a.Dictionary = []account.DictionaryEntry{{Key: "z", Value: "1"}, {Key: "a", Value: "2"}}
	a.Admin = &account.Role{CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt}
	a.ActivationExpiration = &account.ActivationExpiration{Expires: a.CreatedAt.Add(time.Hour), CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt}
	if err := st.CreateAccount(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	got, err := st.AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(account.Render(got, account.ViewWithConfirmationKey, nil)) != string(account.Render(a, account.ViewWithConfirmationKey, nil)) {
		t.Fatalf("round trip differs:\n got %s\nwant %s", account.Render(got, account.ViewWithConfirmationKey, nil), account.Render(a, account.ViewWithConfirmationKey, nil))
	}
	card, err := st.CardBySIP(ctx, "alice", "SIP.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if card.AccountID != a.ID || !card.Admin || card.Passwords["SHA-256"] != "abc" {
		t.Fatalf("card = %+v", card)
	}
	byMail, err := st.CardByEmail(ctx, "alice@example.ORG")
	if err != nil || byMail.AccountID != a.ID || !byMail.Admin {
		t.Fatalf("CardByEmail = %+v, %v", byMail, err)
	}
	if _, err := st.AccountByID(ctx, a.ID+100); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("missing account: %v", err)
	}
	if _, err := st.CardBySIP(ctx, "bob", "sip.example.org"); !errors.Is(err, authn.ErrNotFound) {
		t.Fatalf("missing card: %v", err)
	}
}

func TestUniqueness(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "alice", "sip.example.org")
	a.Email = sp("alice@example.org")
	a.Phone = sp("+331")
	if err := st.CreateAccount(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		mutate func(b *account.Account)
		unique bool
		want   error
	}{
		{"same username and domain", func(b *account.Account) {}, true, account.ErrUsernameTaken},
		{"same username, domain in other case", func(b *account.Account) { b.Domain = "SIP.EXAMPLE.ORG" }, true, account.ErrUsernameTaken},
		{"same email, unique", func(b *account.Account) { b.Username = "bob"; b.Email = sp("ALICE@example.org") }, true, account.ErrEmailTaken},
		{"same phone", func(b *account.Account) { b.Username = "carol"; b.Phone = sp("+331") }, true, account.ErrPhoneTaken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newAccount(t, st, "alice", "sip.example.org")
			c.mutate(b)
			if err := st.CreateAccount(ctx, b, c.unique); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if _, err := st.AccountByID(ctx, b.ID); !errors.Is(err, account.ErrNotFound) {
				t.Fatalf("a failed creation left the account behind: %v", err)
			}
		})
	}
	t.Run("same email, not unique", func(t *testing.T) {
		b := newAccount(t, st, "dave", "sip.example.org")
		b.Email = sp("alice@example.org")
		if err := st.CreateAccount(ctx, b, false); err != nil {
			t.Fatal(err)
		}
		first, err := st.CardByEmail(ctx, "alice@example.org")
		if err != nil || first.AccountID != a.ID {
			t.Fatalf("the first account of an email must win: %+v %v", first, err)
		}
	})
	t.Run("same username, other domain", func(t *testing.T) {
		b := newAccount(t, st, "alice", "other.example.org")
		if err := st.CreateAccount(ctx, b, true); err != nil {
			t.Fatal(err)
		}
	})
	used, err := st.UsernameInAnyDomain(ctx, "alice")
	if err != nil || !used {
		t.Fatalf("UsernameInAnyDomain(alice) = %v, %v", used, err)
	}
	used, err = st.UsernameInAnyDomain(ctx, "nobody")
	if err != nil || used {
		t.Fatalf("UsernameInAnyDomain(nobody) = %v, %v", used, err)
	}
}

func TestConcurrentCreationOfOneUsername(t *testing.T) {
	st := testenv.Table(t)
	var wg sync.WaitGroup
	results := make([]error, 20)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a := newAccount(t, st, "racer", "sip.example.org")
			results[i] = st.CreateAccount(ctx, a, false)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, account.ErrUsernameTaken):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d creations succeeded, want exactly 1", ok)
	}
	_, total, err := st.ListAccounts(ctx, "", 1, 20)
	if err != nil || total != 1 {
		t.Fatalf("total = %d, %v", total, err)
	}
}

func TestDeleteAndTombstone(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "alice", "sip.example.org")
	a.Email = sp("alice@example.org")
	a.Phone = sp("+331")
	if err := st.CreateAccount(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := st.ReplaceAPIKey(ctx, a, "hash1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a, _ = st.AccountByID(ctx, a.ID)
	if err := st.DeleteAccount(ctx, a, true, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AccountByID(ctx, a.ID); !errors.Is(err, account.ErrNotFound) {
		t.Fatal("account still there")
	}
	if _, err := st.CardBySIP(ctx, "alice", "sip.example.org"); !errors.Is(err, authn.ErrNotFound) {
		t.Fatal("SIP identity still there")
	}
	if _, err := st.APIKey(ctx, "hash1"); !errors.Is(err, authn.ErrNotFound) {
		t.Fatal("API key still there")
	}
	if err := st.DeleteAccount(ctx, a, true, now, time.Time{}); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	// The tombstone keeps the username; email and phone are free again.
	b := newAccount(t, st, "alice", "sip.example.org")
	if err := st.CreateAccount(ctx, b, true); !errors.Is(err, account.ErrUsernameTaken) {
		t.Fatalf("re-creation under a tombstone: %v", err)
	}
	c := newAccount(t, st, "bob", "sip.example.org")
	c.Email, c.Phone = sp("alice@example.org"), sp("+331")
	if err := st.CreateAccount(ctx, c, true); err != nil {
		t.Fatalf("email and phone should be free: %v", err)
	}
	// An expired tombstone (not yet removed by TTL) no longer counts.
	d := newAccount(t, st, "carol", "sip.example.org")
	if err := st.CreateAccount(ctx, d, false); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteAccount(ctx, d, true, now, now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	e := newAccount(t, st, "carol", "sip.example.org")
	if err := st.CreateAccount(ctx, e, false); err != nil {
		t.Fatalf("expired tombstone still blocks: %v", err)
	}
}

func TestListAccounts(t *testing.T) {
	st := testenv.Table(t)
	var ids []int64
	for i := 0; i < 45; i++ {
		domain := "a.example.org"
		if i%3 == 0 {
			domain = "b.example.org"
		}
		a := newAccount(t, st, fmt.Sprintf("user%02d", i), domain)
		if err := st.CreateAccount(ctx, a, false); err != nil {
			t.Fatal(err)
		}
		if domain == "a.example.org" {
			ids = append(ids, a.ID)
		}
	}
	for _, c := range []struct {
		domain     string
		page, want int
		total      int
	}{
		{"", 1, 20, 45}, {"", 2, 20, 45}, {"", 3, 5, 45}, {"", 4, 0, 45},
		{"a.example.org", 1, 20, 30}, {"a.example.org", 2, 10, 30}, {"A.EXAMPLE.ORG", 2, 10, 30},
		{"b.example.org", 1, 15, 15}, {"nowhere.example.org", 1, 0, 0},
	} {
		got, total, err := st.ListAccounts(ctx, c.domain, c.page, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != c.want || total != c.total {
			t.Fatalf("%q page %d: %d items of %d, want %d of %d", c.domain, c.page, len(got), total, c.want, c.total)
		}
		for i := 1; i < len(got); i++ {
			if got[i].ID <= got[i-1].ID {
				t.Fatalf("not in id order")
			}
		}
		if c.domain == "a.example.org" && c.page == 2 && got[0].ID != ids[20] {
			t.Fatalf("page 2 starts at %d, want %d", got[0].ID, ids[20])
		}
	}
}

func TestFlagsAreCopiedToWhatAuthenticationReads(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "alice", "sip.example.org")
	if err := st.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := st.ReplaceAPIKey(ctx, a, "k1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a, _ = st.AccountByID(ctx, a.ID)
	yes := true
	b, err := st.SetAccountFlags(ctx, a, nil, &yes, now.Add(time.Second))
	if err != nil || !b.Blocked {
		t.Fatalf("block: %+v %v", b, err)
	}
	card, _ := st.CardBySIP(ctx, "alice", "sip.example.org")
	key, _ := st.APIKey(ctx, "k1")
	if !card.Blocked || !key.Blocked {
		t.Fatalf("blocked not copied: card %v key %v", card.Blocked, key.Blocked)
	}
	// A key item removed by TTL while the account still names it.
	if err := st.ReplaceAPIKey(ctx, b, "k2", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	c, _ := st.AccountByID(ctx, a.ID)
	if err := st.ConsumeAuthToken(ctx, "none"); !errors.Is(err, account.ErrNotFound) {
		t.Fatal(err)
	}
	deleteKey(t, st, "k2")
	no := false
	d, err := st.SetAccountFlags(ctx, c, nil, &no, now.Add(2*time.Second))
	if err != nil || d.Blocked || d.APIKeyHash != "" {
		t.Fatalf("unblock with a dangling key: %+v %v", d, err)
	}
	if _, err := st.APIKey(ctx, "k2"); !errors.Is(err, authn.ErrNotFound) {
		t.Fatal("the update must not resurrect the key item")
	}
}

func TestReplaceAPIKey(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "alice", "sip.example.org")
	a.Admin = &account.Role{CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt}
	if err := st.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1700000000, 0).UTC()
	if err := st.ReplaceAPIKey(ctx, a, "k1", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A stale copy of the account (still without a key) loses the race.
	if err := st.ReplaceAPIKey(ctx, a, "k9", now, now.Add(time.Hour)); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("stale replace: %v", err)
	}
	a, _ = st.AccountByID(ctx, a.ID)
	if err := st.ReplaceAPIKey(ctx, a, "k2", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.APIKey(ctx, "k1"); !errors.Is(err, authn.ErrNotFound) {
		t.Fatal("old key still valid")
	}
	k, err := st.APIKey(ctx, "k2")
	if err != nil || k.AccountID != a.ID || !k.Admin || k.LastUsedAt.Unix() != now.Unix() {
		t.Fatalf("new key = %+v, %v", k, err)
	}
	later := now.Add(5 * time.Minute)
	if err := st.TouchAPIKey(ctx, "k2", later, later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if k, _ := st.APIKey(ctx, "k2"); k.LastUsedAt.Unix() != later.Unix() {
		t.Fatalf("touch not recorded: %v", k.LastUsedAt)
	}
	if err := st.TouchAPIKey(ctx, "k1", later, later); err == nil {
		t.Fatal("touching a missing key must fail, not create it")
	}
}

func TestNonceUse(t *testing.T) {
	st := testenv.Table(t)
	exp := time.Now().Add(time.Hour)
	steps := []struct {
		nc   uint32
		want authn.NonceUse
	}{{1, authn.NonceAccepted}, {2, authn.NonceAccepted}, {2, authn.NonceReplayed}, {5, authn.NonceAccepted}, {4, authn.NonceAccepted}, {3, authn.NonceReplayed}}
	for i, s := range steps {
		got, err := st.UseNonce(ctx, "n1", s.nc, exp)
		if err != nil {
			t.Fatal(err)
		}
		if got != s.want {
			t.Fatalf("step %d (nc=%d): got %v, want %v", i, s.nc, got, s.want)
		}
	}
	if err := st.RevokeNonce(ctx, "n1", exp); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.UseNonce(ctx, "n1", 99, exp); got != authn.NonceRevoked {
		t.Fatalf("revoked nonce: %v", got)
	}
}

func TestConcurrentNonceUse(t *testing.T) {
	st := testenv.Table(t)
	exp := time.Now().Add(time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			use, err := st.UseNonce(ctx, "race", 1, exp)
			if err != nil {
				t.Error(err)
			}
			if use == authn.NonceAccepted {
				mu.Lock()
				accepted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if accepted != 1 {
		t.Fatalf("nc=1 accepted %d times, want once", accepted)
	}
}

func TestAuthTokens(t *testing.T) {
	st := testenv.Table(t)
	now := time.Now().UTC().Truncate(time.Second)
	id, _ := st.NextAuthTokenID(ctx)
	tok := &account.AuthToken{ID: id, Token: "tok", IP: "1.2.3.4", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateAuthToken(ctx, tok, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.ConsumeAuthToken(ctx, "tok"); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("consuming an unattached token: %v", err)
	}
	if err := st.AttachAuthToken(ctx, "tok", 7, now); err != nil {
		t.Fatal(err)
	}
	if err := st.AttachAuthToken(ctx, "tok", 8, now); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("second attach: %v", err)
	}
	got, err := st.AuthTokenByValue(ctx, "tok")
	if err != nil || got.AccountID != 7 || got.ID != id || got.UserAgent != nil {
		t.Fatalf("token = %+v, %v", got, err)
	}
	if err := st.ConsumeAuthToken(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if err := st.ConsumeAuthToken(ctx, "tok"); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("second consume: %v", err)
	}
	if err := st.AttachAuthToken(ctx, "gone", 7, now); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("attach of a missing token must not create it: %v", err)
	}
	if _, err := st.AuthTokenByValue(ctx, "gone"); !errors.Is(err, account.ErrNotFound) {
		t.Fatal("attach created a token")
	}
}

// TestCapacityUnits pins the read and write units of the authentication
// paths: the budget of docs/access-patterns.md.
func TestCapacityUnits(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "alice", "sip.example.org")
	if err := st.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := st.ReplaceAPIKey(ctx, a, "k", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	measure := func(f func(ctx context.Context)) (float64, float64) {
		c, m := capacity.With(ctx)
		f(c)
		r, w, _ := m.Units()
		return r, w
	}
	for _, c := range []struct {
		name        string
		f           func(ctx context.Context)
		read, write float64
	}{
		{"SIP card (eventually consistent)", func(c context.Context) { st.CardBySIP(c, "alice", "sip.example.org") }, 0.5, 0},
		{"API key (strongly consistent)", func(c context.Context) { st.APIKey(c, "k") }, 1, 0},
		{"nonce use", func(c context.Context) { st.UseNonce(c, "n", 1, now.Add(time.Hour)) }, 0, 1},
		{"account by id", func(c context.Context) { st.AccountByID(c, a.ID) }, 1, 0},
	} {
		r, w := measure(c.f)
		if r != c.read || w != c.write {
			t.Errorf("%s: %.1f RCU %.1f WCU, want %.1f RCU %.1f WCU", c.name, r, w, c.read, c.write)
		}
	}
}

// deleteKey removes an API key item behind the store's back, as DynamoDB's
// TTL does.
func deleteKey(t *testing.T, st *store.Store, hash string) {
	t.Helper()
	_, err := st.Client().DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(st.Table()),
		Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "APIKEY#" + hash},
			"SK": &types.AttributeValueMemberS{Value: "APIKEY"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentCreationsTakeDenseIDs: twenty creations at once, each of
// its own username, all succeed with ids 1 to 20: the counter moves in
// each creation's transaction, and a creation that lost the id to another
// reads the counter again; a refused creation leaves no gap.
func TestConcurrentCreationsTakeDenseIDs(t *testing.T) {
	st := testenv.Table(t)
	// Accounts without an id (newAccount takes one from the counter).
	fresh := func(username string) *account.Account {
		now := time.Now().UTC().Truncate(time.Second)
		return &account.Account{Username: username, Domain: "sip.example.org", IPAddress: "127.0.0.1", UserAgent: "test",
			CreatedAt: now, UpdatedAt: now, Passwords: map[string]string{"SHA-256": "abc"}}
	}
	taken := fresh("taken")
	if err := st.CreateAccount(ctx, taken, false); err != nil {
		t.Fatal(err)
	}
	first := taken.ID
	var wg sync.WaitGroup
	ids := make([]int64, 20)
	errs := make([]error, 20)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a := fresh(fmt.Sprintf("dense%02d", i))
			errs[i] = st.CreateAccount(ctx, a, false)
			ids[i] = a.ID
			// A refused creation in the middle of the others.
			if err := st.CreateAccount(ctx, fresh("taken"), false); !errors.Is(err, account.ErrUsernameTaken) {
				errs[i] = fmt.Errorf("taken username: %v", err)
			}
		}(i)
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("creation %d: %v", i, err)
		}
		seen[ids[i]] = true
	}
	for id := first + 1; id <= first+20; id++ {
		if !seen[id] {
			t.Fatalf("ids %v: %d missing (ids must be dense: no refused creation spends one)", ids, id)
		}
	}
}
