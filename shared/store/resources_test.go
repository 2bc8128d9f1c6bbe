//go:build integration

package store_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/capacity"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

func created(t *testing.T, st *store.Store, username, domain string) *account.Account {
	t.Helper()
	a := newAccount(t, st, username, domain)
	if err := st.CreateAccount(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAccountResourcesRoundTrip: types, actions and the dictionary live on
// the account item, rewritten under a version.
func TestAccountResourcesRoundTrip(t *testing.T) {
	st := testenv.Table(t)
	a := created(t, st, "alice", "sip.example.org")
	next := *a
	next.Actions = []account.Action{{ID: 7, Key: "open", Code: "1234"}, {ID: 9, Key: "close", Code: "5"}}
	next.Dictionary = []account.DictionaryEntry{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}}
	if err := st.SetAccountResources(ctx, a, &next); err != nil {
		t.Fatal(err)
	}
	// A writer that read before this change loses, and must re-read.
	if err := st.SetAccountResources(ctx, a, &next); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("stale write: %v", err)
	}
	got, err := st.AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Actions, next.Actions) || !slices.Equal(got.Dictionary, next.Dictionary) || got.ResourcesVersion != 1 {
		t.Fatalf("stored %+v", got)
	}
	typ := &resource.AccountType{Key: "phone", CreatedAt: time.Now(), UpdatedAt: time.Now()} // the store gives the id
	if err := st.CreateType(ctx, typ); err != nil {
		t.Fatal(err)
	}
	if err := st.AttachType(ctx, got, *typ); err != nil {
		t.Fatal(err)
	}
	if err := st.AttachType(ctx, got, *typ); !errors.Is(err, account.ErrAlreadyChanged) {
		t.Fatalf("stale attach: %v", err)
	}
	got, _ = st.AccountByID(ctx, a.ID)
	if typ.ID == 0 || !slices.Equal(got.Types, []account.TypeRef{{ID: typ.ID, Key: "phone"}}) {
		t.Fatalf("types %v (type %d)", got.Types, typ.ID)
	}
	// The account's JSON shows them (actions only with a protocol).
	if s := string(account.Render(got, account.ViewFull, nil)); !strings.Contains(s, fmt.Sprintf(`"types":[{"id":%d,"key":"phone"}],"actions":[]}`, typ.ID)) {
		t.Fatalf("json %s", s)
	}
}

// TestContactsLinksAndDeletion: the links an account has and the links to
// it are gone after its deletion, and a list's counts follow.
func TestContactsLinksAndDeletion(t *testing.T) {
	st := testenv.Table(t)
	owner := created(t, st, "owner", "sip.example.org")
	bob := created(t, st, "bob", "sip.example.org")
	carol := created(t, st, "carol", "other.example.org")
	list := &resource.ContactsList{ID: 1, Title: "Friends", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.CreateList(ctx, list); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateList(ctx, &resource.ContactsList{ID: 2, Title: "FRIENDS"}); !errors.Is(err, resource.ErrTitleTaken) {
		t.Fatalf("duplicate title: %v", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.AddContact(ctx, owner.ID, bob))
	must(st.AddContact(ctx, owner.ID, owner)) // its own contact
	must(st.AddContact(ctx, bob.ID, owner))
	if err := st.AddContact(ctx, owner.ID, bob); !errors.Is(err, resource.ErrLinked) {
		t.Fatalf("twice: %v", err)
	}
	must(st.AddMember(ctx, list.ID, bob))
	must(st.AddMember(ctx, list.ID, carol))
	must(st.AddMember(ctx, list.ID, owner))
	must(st.AttachList(ctx, owner.ID, list.ID))
	must(st.AttachList(ctx, bob.ID, list.ID))
	if err := st.AttachList(ctx, owner.ID, 99); !errors.Is(err, resource.ErrNotFound) {
		t.Fatalf("unknown list: %v", err)
	}
	l, _ := st.ListByID(ctx, list.ID)
	if l.ContactsCount("") != 3 || l.ContactsCount("SIP.example.org") != 2 || l.ContactsCount("other.example.org") != 1 {
		t.Fatalf("counts %+v", l)
	}

	// The user's sources cost one Query; a list's members one more.
	c, m := capacity.With(ctx)
	direct, lists, err := st.ContactSources(c, owner.ID)
	must(err)
	if !slices.Equal(direct, []int64{owner.ID, bob.ID}) || !slices.Equal(lists, []int64{list.ID}) {
		t.Fatalf("sources %v %v", direct, lists)
	}
	if _, _, calls := m.Units(); calls != 1 {
		t.Fatalf("%d calls for the sources", calls)
	}

	must(st.DeleteAccountAsAdmin(ctx, owner, time.Now(), time.Time{}))
	if direct, lists, _ := st.ContactSources(ctx, owner.ID); len(direct)+len(lists) != 0 {
		t.Fatalf("owner's links left: %v %v", direct, lists)
	}
	if ok, _ := st.HasContact(ctx, bob.ID, owner.ID); ok {
		t.Fatal("owner is still bob's contact")
	}
	if members, _ := st.MemberIDs(ctx, list.ID); !slices.Equal(members, []int64{bob.ID, carol.ID}) {
		t.Fatalf("members %v", members)
	}
	l, _ = st.ListByID(ctx, list.ID)
	if l.ContactsCount("") != 2 || l.ContactsCount("sip.example.org") != 1 {
		t.Fatalf("counts after deletion %+v", l)
	}

	// Deleting the list removes its members and attachments.
	must(st.DeleteList(ctx, l))
	if members, _ := st.MemberIDs(ctx, list.ID); len(members) != 0 {
		t.Fatalf("members left %v", members)
	}
	if _, lists, _ := st.ContactSources(ctx, bob.ID); len(lists) != 0 {
		t.Fatalf("attachments left %v", lists)
	}
	// Its title is free again.
	must(st.CreateList(ctx, &resource.ContactsList{ID: 3, Title: "friends"}))
}

// TestTypesFollowRenameAndDeletion: a type's key is copied on the accounts
// that have it; renames and deletions reach them through GSI1.
func TestTypesFollowRenameAndDeletion(t *testing.T) {
	st := testenv.Table(t)
	a := created(t, st, "alice", "sip.example.org")
	typ := &resource.AccountType{ID: 1, Key: "phone"}
	if err := st.CreateType(ctx, typ); err != nil {
		t.Fatal(err)
	}
	other := &resource.AccountType{ID: 2, Key: "door"}
	if err := st.CreateType(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := st.AttachType(ctx, a, *typ); err != nil {
		t.Fatal(err)
	}
	next := *typ
	next.Key = "door"
	if err := st.UpdateType(ctx, typ, &next); !errors.Is(err, resource.ErrKeyTaken) {
		t.Fatalf("rename onto a taken key: %v", err)
	}
	next.Key = "desk"
	if err := st.UpdateType(ctx, typ, &next); err != nil {
		t.Fatal(err)
	}
	got, _ := st.AccountByID(ctx, a.ID)
	if !slices.Equal(got.Types, []account.TypeRef{{ID: 1, Key: "desk"}}) {
		t.Fatalf("types after rename %v", got.Types)
	}
	if err := st.DeleteType(ctx, &next); err != nil {
		t.Fatal(err)
	}
	got, _ = st.AccountByID(ctx, a.ID)
	if len(got.Types) != 0 {
		t.Fatalf("types after deletion %v", got.Types)
	}
	// Its key is free again.
	if err := st.CreateType(ctx, &resource.AccountType{ID: 3, Key: "desk"}); err != nil {
		t.Fatal(err)
	}
}

// TestAccountItemBound: the dictionary and the actions share the account
// item (400 KB at most): past the bound a new entry or action is refused
// and nothing is written, where DynamoDB would fail the request.
func TestAccountItemBound(t *testing.T) {
	st := testenv.Table(t)
	a := created(t, st, "full", "sip.example.org")
	a.DTMFProtocol = sp("sipinfo")
	next := *a
	// Entries of 517 bytes as the bound counts them, up to the last that fits.
	for i := 0; (len(next.Dictionary)+1)*517 <= resource.MaxDictionaryBytes; i++ {
		next.Dictionary = append(next.Dictionary, account.DictionaryEntry{Key: fmt.Sprintf("k%03d%s", i, strings.Repeat("k", 250)), Value: strings.Repeat("v", 255)})
	}
	if err := st.SetAccountResources(ctx, a, &next); err != nil {
		t.Fatal(err)
	}
	svc := resource.NewService(st, account.NewService(st, &config.Config{}))
	if _, err := svc.SetDictionaryEntry(ctx, a.ID, "one-more", strings.Repeat("x", 255), ""); !errors.Is(err, resource.ErrDictionaryFull) {
		t.Fatalf("dictionary past the bound: %v", err)
	}
	// Replacing a value of the same size still fits.
	if created, err := svc.SetDictionaryEntry(ctx, a.ID, next.Dictionary[0].Key, strings.Repeat("w", 255), ""); err != nil || created {
		t.Fatalf("replace: %v %v", created, err)
	}
	got, _ := st.AccountByID(ctx, a.ID)
	if len(got.Dictionary) != len(next.Dictionary) || got.ResourcesVersion != 2 {
		t.Fatalf("%d entries, version %d", len(got.Dictionary), got.ResourcesVersion)
	}
}
