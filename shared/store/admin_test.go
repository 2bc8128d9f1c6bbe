//go:build integration

package store_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

func getItem(t *testing.T, st *store.Store, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := st.Client().GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(st.Table()), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}

func putRaw(t *testing.T, st *store.Store, item map[string]string) {
	t.Helper()
	av := map[string]types.AttributeValue{}
	for k, v := range item {
		av[k] = &types.AttributeValueMemberS{Value: v}
	}
	if _, err := st.Client().PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table()), Item: av}); err != nil {
		t.Fatal(err)
	}
}

// An update that renames the account and moves it to another domain moves
// the SIP identity, the markers and the counts in one transaction, keeps
// what it does not own, and updates the API key's copies.
func TestUpdateAccountMovesIdentityAndMarkers(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "before", "one.example.org")
	a.Email, a.Phone = sp("Old@Example.org"), sp("+3301")
	a.Dictionary = []account.DictionaryEntry{{Key: "k", Value: "v"}}
	if err := st.CreateAccount(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceAPIKey(ctx, a, "keyhash", a.CreatedAt, a.CreatedAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a, _ = st.AccountByID(ctx, a.ID)
	next := *a
	next.Username, next.Domain = "after", "two.example.org"
	next.Email, next.Phone, next.DisplayName = sp("new@example.org"), sp("+3302"), nil
	next.Passwords = map[string]string{"MD5": "new"}
	next.Admin = &account.Role{CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt}
	got, err := st.UpdateAccount(ctx, a, &next, true)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := st.AccountByID(ctx, a.ID)
	if string(account.Render(stored, account.ViewWithConfirmationKey, nil)) != string(account.Render(got, account.ViewWithConfirmationKey, nil)) {
		t.Fatalf("stored %s\nreturned %s", account.Render(stored, account.ViewWithConfirmationKey, nil), account.Render(got, account.ViewWithConfirmationKey, nil))
	}
	if len(stored.Dictionary) != 1 || stored.APIKeyHash != "keyhash" {
		t.Fatalf("what the update does not own is kept: %+v", stored)
	}
	if _, err := st.CardBySIP(ctx, "before", "one.example.org"); !errors.Is(err, authn.ErrNotFound) {
		t.Fatalf("old identity: %v", err)
	}
	card, err := st.CardBySIP(ctx, "after", "two.example.org")
	if err != nil || card.AccountID != a.ID || card.Passwords["MD5"] != "new" || !card.Admin {
		t.Fatalf("new identity %+v %v", card, err)
	}
	if getItem(t, st, "EMAIL#old@example.org", "EMAIL") != nil || getItem(t, st, "PHONE#+3301", "PHONE") != nil {
		t.Fatal("old markers remain")
	}
	if getItem(t, st, "EMAIL#new@example.org", "EMAIL") == nil || getItem(t, st, "PHONE#+3302", "PHONE") == nil {
		t.Fatal("new markers missing")
	}
	key, err := st.APIKey(ctx, "keyhash")
	if err != nil || key.Username != "after" || key.Domain != "two.example.org" || !key.Admin {
		t.Fatalf("API key copies %+v %v", key, err)
	}
	if _, total, _ := st.ListAccounts(ctx, "one.example.org", 1, 20); total != 0 {
		t.Fatalf("count of the old domain: %d", total)
	}
	if list, total, _ := st.ListAccounts(ctx, "two.example.org", 1, 20); total != 1 || len(list) != 1 {
		t.Fatalf("the new domain lists the account: %d %d", total, len(list))
	}
	if refs, err := st.AccountsByEmail(ctx, "NEW@example.org"); err != nil || len(refs) != 1 || refs[0].ID != a.ID || refs[0].Domain != "two.example.org" {
		t.Fatalf("GSI3 %+v %v", refs, err)
	}
}

// Taken usernames, emails and phones cancel the whole update.
func TestUpdateAccountConflicts(t *testing.T) {
	st := testenv.Table(t)
	other := newAccount(t, st, "other", "sip.example.org")
	other.Email, other.Phone = sp("other@example.org"), sp("+3399")
	if err := st.CreateAccount(ctx, other, true); err != nil {
		t.Fatal(err)
	}
	a := newAccount(t, st, "mine", "sip.example.org")
	a.Email, a.Phone = sp("mine@example.org"), sp("+3300")
	if err := st.CreateAccount(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		change func(n *account.Account)
		want   error
	}{
		{func(n *account.Account) { n.Username = "other" }, account.ErrUsernameTaken},
		{func(n *account.Account) { n.Email = sp("OTHER@example.org") }, account.ErrEmailTaken},
		{func(n *account.Account) { n.Phone = sp("+3399") }, account.ErrPhoneTaken},
	} {
		next := *a
		c.change(&next)
		if _, err := st.UpdateAccount(ctx, a, &next, true); !errors.Is(err, c.want) {
			t.Fatalf("want %v, got %v", c.want, err)
		}
		stored, _ := st.AccountByID(ctx, a.ID)
		if stored.Username != "mine" || *stored.Email != "mine@example.org" || *stored.Phone != "+3300" {
			t.Fatalf("a cancelled update wrote: %+v", stored)
		}
	}
	// Re-submitting its own email and phone is no conflict.
	next := *a
	next.Email = sp("Mine@Example.org")
	if _, err := st.UpdateAccount(ctx, a, &next, true); err != nil {
		t.Fatal(err)
	}
	// A stale prev (the account changed meanwhile) is ErrAlreadyChanged.
	stale := *a
	stale.Phone = sp("+3311")
	next = stale
	if _, err := st.UpdateAccount(ctx, &stale, &next, true); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("stale: %v", err)
	}
}

// Two concurrent renames to the same free username: exactly one wins.
func TestUpdateAccountRenameRace(t *testing.T) {
	st := testenv.Table(t)
	var accounts []*account.Account
	for _, name := range []string{"racer-a", "racer-b", "racer-c", "racer-d"} {
		a := newAccount(t, st, name, "sip.example.org")
		if err := st.CreateAccount(ctx, a, false); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(accounts))
	for i, a := range accounts {
		wg.Add(1)
		go func(i int, a *account.Account) {
			defer wg.Done()
			next := *a
			next.Username = "winner"
			_, errs[i] = st.UpdateAccount(ctx, a, &next, false)
		}(i, a)
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, account.ErrUsernameTaken):
		default:
			t.Fatalf("unexpected %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d renames won", won)
	}
}

// Deletion removes everything the account owns, without a scan: the items
// it names, its partition's children and what they name.
func TestDeleteAccountRemovesEverything(t *testing.T) {
	st := testenv.Table(t)
	a := newAccount(t, st, "doomed", "sip.example.org")
	a.Email, a.Phone = sp("doomed@example.org"), sp("+3377")
	if err := st.CreateAccount(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceAPIKey(ctx, a, "doomedkey", a.CreatedAt, a.CreatedAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a, _ = st.AccountByID(ctx, a.ID)
	pk := "ACCOUNT#" + strconv.FormatInt(a.ID, 10)
	// What another area may keep per account: a child item, and a child
	// naming an item keyed elsewhere.
	putRaw(t, st, map[string]string{"PK": pk, "SK": "CONTACT#42"})
	putRaw(t, st, map[string]string{"PK": "ELSEWHERE#x", "SK": "ELSEWHERE"})
	putRaw(t, st, map[string]string{"PK": pk, "SK": "REF#x", "owned_pk": "ELSEWHERE#x", "owned_sk": "ELSEWHERE"})
	// Another account's items stay.
	keep := newAccount(t, st, "keeper", "sip.example.org")
	if err := st.CreateAccount(ctx, keep, true); err != nil {
		t.Fatal(err)
	}

	now := time.Now().UTC().Truncate(time.Second)
	if err := st.DeleteAccountAsAdmin(ctx, a, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, k := range [][2]string{
		{pk, "ACCOUNT"}, {pk, "CONTACT#42"}, {pk, "REF#x"}, {"ELSEWHERE#x", "ELSEWHERE"},
		{"SIP#doomed", "sip.example.org"}, {"EMAIL#doomed@example.org", "EMAIL"}, {"PHONE#+3377", "PHONE"},
		{"PROVTOKEN#provdoomed", "PROVTOKEN"}, {"APIKEY#doomedkey", "APIKEY"},
	} {
		if getItem(t, st, k[0], k[1]) != nil {
			t.Errorf("%s %s remains", k[0], k[1])
		}
	}
	if getItem(t, st, "TOMBSTONE#doomed", "sip.example.org") == nil {
		t.Error("no tombstone")
	}
	if _, err := st.AccountByID(ctx, keep.ID); err != nil {
		t.Fatalf("another account: %v", err)
	}
	if getItem(t, st, "PROVTOKEN#provkeeper", "PROVTOKEN") == nil {
		t.Fatal("another account's marker was deleted")
	}
	// A second deletion is a not-found.
	if err := st.DeleteAccount(ctx, a, true, now, time.Time{}); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("second deletion: %v", err)
	}
}

// A key value past DynamoDB's limits names nothing: reads are not-found,
// not a ValidationException.
func TestOverlongKeysAreNotFound(t *testing.T) {
	st := testenv.Table(t)
	long := strings.Repeat("x", 5000)
	if _, err := st.CardBySIP(ctx, long, "sip.example.org"); !errors.Is(err, authn.ErrNotFound) {
		t.Fatalf("CardBySIP: %v", err)
	}
	if _, err := st.CardBySIP(ctx, "x", long); !errors.Is(err, authn.ErrNotFound) {
		t.Fatalf("CardBySIP domain: %v", err)
	}
	if _, err := st.CardBySIP(ctx, "x", ""); !errors.Is(err, authn.ErrNotFound) {
		t.Fatalf("CardBySIP empty domain: %v", err)
	}
	if _, err := st.CardByEmail(ctx, long); !errors.Is(err, authn.ErrNotFound) {
		t.Fatalf("CardByEmail: %v", err)
	}
	if _, err := st.AccountBySIP(ctx, long, long); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("AccountBySIP: %v", err)
	}
	if refs, err := st.AccountsByEmail(ctx, long); err != nil || len(refs) != 0 {
		t.Fatalf("AccountsByEmail: %v %v", refs, err)
	}
	if used, err := st.UsernameInAnyDomain(ctx, long); err != nil || used {
		t.Fatalf("UsernameInAnyDomain: %v %v", used, err)
	}
	if _, err := st.AuthTokenByValue(ctx, long); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("AuthTokenByValue: %v", err)
	}
	if _, err := st.APIKey(ctx, long); !errors.Is(err, authn.ErrNotFound) {
		t.Fatalf("APIKey: %v", err)
	}
}

// Without ACCOUNT_EMAIL_UNIQUE two accounts may share an email while one
// holds the marker (written when it was on): updating or deleting the
// other keeps that marker and succeeds.
func TestSharedEmailMarkerBelongsToAnother(t *testing.T) {
	st := testenv.Table(t)
	holder := newAccount(t, st, "holder", "sip.example.org")
	holder.Email = sp("shared@example.org")
	if err := st.CreateAccount(ctx, holder, true); err != nil {
		t.Fatal(err)
	}
	sharer := newAccount(t, st, "sharer", "sip.example.org")
	sharer.Email = sp("shared@example.org")
	if err := st.CreateAccount(ctx, sharer, false); err != nil {
		t.Fatal(err)
	}
	next := *sharer
	next.Email = sp("own@example.org")
	if _, err := st.UpdateAccount(ctx, sharer, &next, false); err != nil {
		t.Fatalf("update: %v", err)
	}
	if getItem(t, st, "EMAIL#shared@example.org", "EMAIL") == nil {
		t.Fatal("the holder's marker was deleted")
	}
	back := next
	back.Email = sp("shared@example.org")
	if _, err := st.UpdateAccount(ctx, &next, &back, false); err != nil {
		t.Fatalf("update back: %v", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	if err := st.DeleteAccount(ctx, &back, true, now, time.Time{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if m := getItem(t, st, "EMAIL#shared@example.org", "EMAIL"); m == nil || m["account_id"].(*types.AttributeValueMemberN).Value != strconv.FormatInt(holder.ID, 10) {
		t.Fatalf("the holder's marker: %v", m)
	}
	if _, err := st.AccountByID(ctx, sharer.ID); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("the sharer remains: %v", err)
	}
}
