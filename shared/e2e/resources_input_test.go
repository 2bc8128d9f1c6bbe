//go:build integration

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestResourcesBadInput: every resources route answers bad input with a
// 4xx JSON error and writes nothing: unknown ids, non-numeric ids, wrong
// types, over-long values, an account of another domain (single-domain
// admin), a non-admin caller.
func TestResourcesBadInput(t *testing.T) {
	e := newEnv(t, nil)
	user := e.newAccount("plainuser", "password", "SHA-256", false)
	target := e.newAccount("target", "password", "SHA-256", false)
	other, _, err := e.svc.EnsureAdmin(context.Background(), "foreign", "other.example.org", "password", "SHA-256")
	if err != nil {
		t.Fatal(err)
	}
	e.setDTMF(target.ID, "sipinfo")
	e.setDTMF(other.ID, "sipinfo")
	l := e.asAdmin("POST", "/api/contacts_lists", `{"title":"list","description":"d"}`)
	expect(t, l, 201)
	list := int64(l.JSON(t)["id"].(float64))
	ty := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, ty, 201)
	typ := int64(ty.JSON(t)["id"].(float64))
	long := strings.Repeat("a", 256)
	huge := strings.Repeat("b", 5000)

	cases := []struct {
		method, path, body string
		status             int
		field              string // the 422's field, if any
	}{
		// Unknown ids.
		{"GET", "/api/accounts/999999/contacts", "", 404, ""},
		{"GET", fmt.Sprintf("/api/accounts/%d/contacts/999999", target.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/contacts/999999", target.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/999999/contacts/%d", target.ID), "", 404, ""},
		{"DELETE", fmt.Sprintf("/api/accounts/%d/contacts/999999", target.ID), "", 403, ""},
		{"GET", "/api/contacts_lists/999999", "", 404, ""},
		{"PUT", "/api/contacts_lists/999999", `{"title":"x","description":"y"}`, 404, ""},
		{"POST", fmt.Sprintf("/api/contacts_lists/999999/contacts/%d", target.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/contacts_lists/%d/contacts/999999", list), "", 404, ""},
		{"DELETE", fmt.Sprintf("/api/contacts_lists/999999/contacts/%d", target.ID), "", 404, ""},
		{"DELETE", fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", list, target.ID), "", 403, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/contacts_lists/999999", target.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/999999/contacts_lists/%d", list), "", 404, ""},
		{"DELETE", fmt.Sprintf("/api/accounts/%d/contacts_lists/%d", target.ID, list), "", 403, ""},
		{"GET", "/api/account_types/999999", "", 404, ""},
		{"PUT", "/api/account_types/999999", `{"key":"door"}`, 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/types/999999", target.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/999999/types/%d", typ), "", 404, ""},
		{"DELETE", fmt.Sprintf("/api/accounts/%d/types/%d", target.ID, typ), "", 403, ""},
		{"GET", "/api/accounts/999999/actions", "", 404, ""},
		{"POST", "/api/accounts/999999/actions", `{"key":"a","code":"b"}`, 404, ""},
		{"GET", fmt.Sprintf("/api/accounts/%d/actions/999999", target.ID), "", 404, ""},
		{"PUT", fmt.Sprintf("/api/accounts/%d/actions/999999", target.ID), `{"key":"a","code":"b"}`, 404, ""},
		{"GET", "/api/accounts/999999/dictionary", "", 404, ""},
		{"POST", "/api/accounts/999999/dictionary/foo", `{"value":"bar"}`, 404, ""},
		{"DELETE", "/api/accounts/999999/dictionary/foo", "", 404, ""},
		// Non-numeric ids: 422 on the parameter (FlexiAPI: 500).
		{"GET", "/api/accounts/abc/contacts", "", 422, "id"},
		{"POST", fmt.Sprintf("/api/accounts/%d/contacts/x1", target.ID), "", 422, "contact_id"},
		{"GET", "/api/contacts_lists/1.5", "", 422, "id"},
		{"DELETE", "/api/contacts_lists/-1", "", 422, "id"},
		{"POST", fmt.Sprintf("/api/contacts_lists/%d/contacts/%s", list, huge), "", 422, "contact_id"},
		{"POST", fmt.Sprintf("/api/accounts/%d/types/abc", target.ID), "", 422, "type_id"},
		{"GET", fmt.Sprintf("/api/accounts/%d/actions/abc", target.ID), "", 422, "action_id"},
		{"POST", fmt.Sprintf("/api/accounts/%d/contacts_lists/abc", target.ID), "", 422, "contacts_list_id"},
		// Wrong types, missing and over-long values.
		{"POST", "/api/contacts_lists", `{"title":["x"],"description":"d"}`, 422, "title"},
		{"POST", "/api/contacts_lists", `{"title":"t"}`, 422, "description"},
		{"POST", "/api/contacts_lists", `{"title":"` + long + `","description":"d"}`, 422, "title"},
		{"POST", "/api/contacts_lists", `{"title":"list","description":"dup"}`, 422, "title"},
		{"POST", "/api/contacts_lists", `{"title":"LIST","description":"dup"}`, 422, "title"},
		{"POST", "/api/contacts_lists", `[1]`, 400, ""},
		{"PUT", fmt.Sprintf("/api/contacts_lists/%d", list), `{"title":{"a":1},"description":"d"}`, 422, "title"},
		{"POST", "/api/account_types", `{"key":{"a":"b"}}`, 422, "key"},
		{"POST", "/api/account_types", `{"key":"a b"}`, 422, "key"},
		{"POST", "/api/account_types", `{"key":"` + strings.Repeat("k", 65) + `"}`, 422, "key"},
		{"POST", "/api/account_types", `{"key":"PHONE"}`, 422, "key"},
		{"PUT", fmt.Sprintf("/api/account_types/%d", typ), `{}`, 422, "key"},
		{"POST", fmt.Sprintf("/api/accounts/%d/actions", target.ID), `{"key":"ok","code":"a-b"}`, 422, "code"},
		{"POST", fmt.Sprintf("/api/accounts/%d/actions", target.ID), `{"key":["x"],"code":"1"}`, 422, "key"},
		{"POST", fmt.Sprintf("/api/accounts/%d/actions", target.ID), `{"key":"` + long + `","code":"1"}`, 422, "key"},
		{"POST", fmt.Sprintf("/api/accounts/%d/dictionary/foo", target.ID), `{}`, 422, "value"},
		{"POST", fmt.Sprintf("/api/accounts/%d/dictionary/foo", target.ID), `{"value":""}`, 422, "value"},
		{"POST", fmt.Sprintf("/api/accounts/%d/dictionary/foo", target.ID), `{"value":{"a":"b"}}`, 422, "value"},
		{"POST", fmt.Sprintf("/api/accounts/%d/dictionary/foo", target.ID), `{"value":"` + long + `"}`, 422, "value"},
		{"POST", fmt.Sprintf("/api/accounts/%d/dictionary/%s", target.ID, long), `{"value":"v"}`, 422, "key"},
		{"POST", fmt.Sprintf("/api/accounts/%d/dictionary/%s", target.ID, huge), `{"value":"v"}`, 422, "key"},
		// Another domain's account, for a single-domain admin.
		{"GET", fmt.Sprintf("/api/accounts/%d/contacts", other.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", target.ID, other.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", other.ID, target.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", list, other.ID), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/contacts_lists/%d", other.ID, list), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/types/%d", other.ID, typ), "", 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/actions", other.ID), `{"key":"a","code":"b"}`, 404, ""},
		{"POST", fmt.Sprintf("/api/accounts/%d/dictionary/foo", other.ID), `{"value":"bar"}`, 404, ""},
		// Unknown SIP addresses in the user's contacts.
		{"GET", "/api/accounts/me/contacts/nobody@" + domain, "", 404, ""},
		{"GET", "/api/accounts/me/contacts/" + huge + "@" + domain, "", 404, ""},
	}
	for _, c := range cases {
		r := e.asAdmin(c.method, c.path, c.body)
		name := c.method + " " + c.path
		if len(name) > 120 {
			name = name[:120] + "…"
		}
		if r.Status != c.status {
			t.Errorf("%s %s: %d %s, want %d", name, c.body[:min(len(c.body), 60)], r.Status, r.Body[:min(len(r.Body), 200)], c.status)
			continue
		}
		expect(t, r, c.status)
		if c.field != "" && len(r.errorsOf(t, c.field)) == 0 {
			t.Errorf("%s: no error on %s: %s", name, c.field, r.Body)
		}
	}

	// A non-admin is refused on every admin route; the user routes need a
	// caller (without credentials nor From: FlexiAPI's 422 on from).
	expectMessage(t, e.withKey(user.Key, "GET", "/api/contacts_lists", ""), 403, "Unauthorized area")
	expectMessage(t, e.withKey(user.Key, "POST", "/api/account_types", `{"key":"x"}`), 403, "Unauthorized area")
	expect(t, e.do("GET", "/api/accounts/me/contacts", nil, ""), 422)
	expect(t, e.do("GET", "/api/accounts/me/contacts", header{"X-Api-Key": "wrong"}, ""), 401)

	// Nothing was written.
	if c, ls := e.links(target.ID); len(c)+len(ls) != 0 {
		t.Fatalf("links written: %v %v", c, ls)
	}
	if c, ls := e.links(other.ID); len(c)+len(ls) != 0 {
		t.Fatalf("links written for the foreign account: %v %v", c, ls)
	}
	if m := e.members(list); len(m) != 0 {
		t.Fatalf("members written: %v", m)
	}
	for _, id := range []int64{target.ID, other.ID} {
		if a := e.stored(id); len(a.Types)+len(a.Actions)+len(a.Dictionary) != 0 || a.ResourcesVersion != 0 {
			t.Fatalf("account %d changed: %+v %+v %+v", id, a.Types, a.Actions, a.Dictionary)
		}
	}
	if lists, _ := e.st.Lists(t.Context()); len(lists) != 1 || lists[0].Title != "list" {
		t.Fatalf("lists: %+v", lists)
	}
	if types, _ := e.st.Types(t.Context()); len(types) != 1 || types[0].Key != "phone" {
		t.Fatalf("types: %+v", types)
	}
}

// TestResourcesMultiDomainAdmin: with APP_ADMINS_MANAGE_MULTI_DOMAINS an
// admin links accounts of any domain, and contacts_count counts them.
func TestResourcesMultiDomainAdmin(t *testing.T) {
	e := newEnv(t, map[string]string{"APP_ADMINS_MANAGE_MULTI_DOMAINS": "true"})
	other, _, err := e.svc.EnsureAdmin(context.Background(), "foreign", "other.example.org", "password", "SHA-256")
	if err != nil {
		t.Fatal(err)
	}
	l := e.asAdmin("POST", "/api/contacts_lists", `{"title":"list","description":"d"}`)
	expect(t, l, 201)
	list := int64(l.JSON(t)["id"].(float64))
	expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", list, other.ID), ""), 200, "")
	expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", e.admin.ID, other.ID), ""), 200, "")
	if got := e.asAdmin("GET", fmt.Sprintf("/api/contacts_lists/%d", list), "").JSON(t)["contacts_count"]; got != float64(1) {
		t.Fatalf("contacts_count %v", got)
	}
	if got := usernamesOf(e.asAdmin("GET", "/api/accounts/me/contacts", "").array(t)); got != "foreign" {
		t.Fatalf("contacts: %s", got)
	}
	// A user's scope is APP_SIP_DOMAIN: the other domain's contact is
	// absent from its set.
	user := e.newAccount("localuser", "password", "SHA-256", false)
	expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", user.ID, other.ID), ""), 200, "")
	expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", user.ID, user.ID), ""), 200, "")
	if got := usernamesOf(e.withKey(user.Key, "GET", "/api/accounts/me/contacts", "").array(t)); got != "localuser" {
		t.Fatalf("the user's contacts: %s", got)
	}
	expect(t, e.withKey(user.Key, "GET", "/api/accounts/me/contacts/foreign@other.example.org", ""), 404)
	// Deleting the account removes it from the list and from the contacts.
	expect(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", other.ID), ""), 200)
	if got := e.asAdmin("GET", fmt.Sprintf("/api/contacts_lists/%d", list), "").JSON(t)["contacts_count"]; got != float64(0) {
		t.Fatalf("contacts_count after deletion %v", got)
	}
	if c, _ := e.links(e.admin.ID); len(c) != 0 || len(e.members(list)) != 0 {
		t.Fatalf("links left: %v %v", c, e.members(list))
	}
	if n := e.index(fmt.Sprintf("CONTACTOF#%d", other.ID)) + e.index(fmt.Sprintf("MEMBEROF#%d", other.ID)); n != 0 {
		t.Fatalf("index entries left: %d", n)
	}
}

// TestResourcesAccountDeletion: deleting an account leaves none of its
// links, nor links to it; deleting a list leaves no member nor attachment.
func TestResourcesAccountDeletion(t *testing.T) {
	e := newEnv(t, nil)
	a := e.newAccount("leaving", "password", "SHA-256", false)
	b := e.newAccount("staying", "password", "SHA-256", false)
	l := e.asAdmin("POST", "/api/contacts_lists", `{"title":"list","description":"d"}`)
	expect(t, l, 201)
	list := int64(l.JSON(t)["id"].(float64))
	ty := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, ty, 201)
	typ := int64(ty.JSON(t)["id"].(float64))
	for _, p := range []string{
		fmt.Sprintf("/api/accounts/%d/contacts/%d", a.ID, b.ID),
		fmt.Sprintf("/api/accounts/%d/contacts/%d", b.ID, a.ID),
		fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", list, a.ID),
		fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", list, b.ID),
		fmt.Sprintf("/api/accounts/%d/contacts_lists/%d", a.ID, list),
		fmt.Sprintf("/api/accounts/%d/contacts_lists/%d", b.ID, list),
		fmt.Sprintf("/api/accounts/%d/types/%d", a.ID, typ),
	} {
		expectText(t, e.asAdmin("POST", p, ""), 200, "")
	}
	expect(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", a.ID), ""), 200)
	if n := e.partition(fmt.Sprintf("ACCOUNT#%d", a.ID)); n != 0 {
		t.Fatalf("%d items left in the deleted account's partition", n)
	}
	for _, pk := range []string{"CONTACTOF#%d", "MEMBEROF#%d"} {
		if n := e.index(fmt.Sprintf(pk, a.ID)); n != 0 {
			t.Fatalf("%s: %d entries left", pk, n)
		}
	}
	if n := e.index(fmt.Sprintf("TYPEOF#%d", typ)); n != 0 {
		t.Fatalf("type links left: %d", n)
	}
	if c, _ := e.links(b.ID); len(c) != 0 {
		t.Fatalf("the deleted account is still a contact: %v", c)
	}
	if got := usernamesOf(e.withKey(b.Key, "GET", "/api/accounts/me/contacts", "").array(t)); got != "staying" {
		t.Fatalf("b's contacts: %s", got)
	}
	if got := e.asAdmin("GET", fmt.Sprintf("/api/contacts_lists/%d", list), "").JSON(t)["contacts_count"]; got != float64(1) {
		t.Fatalf("contacts_count %v", got)
	}
	// The list's deletion takes its members and attachments.
	expectText(t, e.asAdmin("DELETE", fmt.Sprintf("/api/contacts_lists/%d", list), ""), 200, "1")
	expectText(t, e.asAdmin("DELETE", fmt.Sprintf("/api/contacts_lists/%d", list), ""), 200, "0")
	if n := e.partition(fmt.Sprintf("CLIST#%d", list)) + e.index(fmt.Sprintf("CLISTOF#%d", list)); n != 0 {
		t.Fatalf("%d list items left", n)
	}
	if _, ls := e.links(b.ID); len(ls) != 0 {
		t.Fatalf("attachment left: %v", ls)
	}
}

// TestResourcesLinphoneClient: the Linphone 5.1 client reads its contacts
// (the harness's contacts scenario, Digest), before and after an admin
// gives it some.
func TestResourcesLinphoneClient(t *testing.T) {
	e := newEnv(t, nil)
	u := e.newAccount("linphonecontacts", "secret", "SHA-256", false)
	c := e.newAccount("linphonefriend", "secret", "SHA-256", false)
	base := e.url + "/api/"
	linphone(t, base, "contacts", u.Username, domain, "secret")
	expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", u.ID, c.ID), ""), 200, "")
	linphone(t, base, "contacts", u.Username, domain, "secret")
}

// TestResourcesConcurrentWrites: the dictionary, the actions and the
// types share the account item; concurrent writers each keep their change
// (the version condition makes the loser re-read and retry).
func TestResourcesConcurrentWrites(t *testing.T) {
	e := newEnv(t, nil)
	acc := e.newAccount("busy", "password", "SHA-256", false)
	e.setDTMF(acc.ID, "sipinfo")
	ty := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, ty, 201)
	typ := int64(ty.JSON(t)["id"].(float64))
	const n = 8
	done := make(chan response, 2*n+1)
	for i := 0; i < n; i++ {
		go func(i int) {
			done <- e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/dictionary/k%d", acc.ID, i), `{"value":"v"}`)
		}(i)
		go func(i int) {
			done <- e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/actions", acc.ID), fmt.Sprintf(`{"key":"a%d","code":"c%d"}`, i, i))
		}(i)
	}
	go func() { done <- e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/types/%d", acc.ID, typ), "") }()
	for i := 0; i < 2*n+1; i++ {
		if r := <-done; r.Status >= 300 {
			var errs []string
			for _, l := range strings.Split(e.logs.String(), "\n") {
				if strings.Contains(l, "handler error") {
					errs = append(errs, l)
				}
			}
			t.Fatalf("%d %s\n%s", r.Status, r.Body, strings.Join(errs, "\n"))
		}
	}
	a := e.stored(acc.ID)
	if len(a.Dictionary) != n || len(a.Actions) != n || len(a.Types) != 1 {
		t.Fatalf("lost writes: %d entries, %d actions, %d types", len(a.Dictionary), len(a.Actions), len(a.Types))
	}
}
