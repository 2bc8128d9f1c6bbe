//go:build integration

package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Ports of FlexiAPI's ApiAccountContactsTest, ApiAccountTypeTest,
// ApiAccountActionTest and ApiAccountDictionaryTest, through the gateway,
// plus the documented show endpoints FlexiAPI always answers 500.

// TestApiAccountContactTest_testCreate: direct contacts, a type and an
// action on a contact, the user's view, then a list of three members
// attached to the admin. (The vCard assertions of the reference test are
// kept too: /contacts/vcard serves the same set, from the same function.)
func TestApiAccountContactTest_testCreate(t *testing.T) {
	e := newEnv(t, nil)
	user := e.newAccount("contactowner", "password1", "SHA-256", false)
	c1 := e.newAccount("contactone", "password2", "SHA-256", false)
	c2 := e.newAccount("contacttwo", "password3", "SHA-256", false)
	c3 := e.newAccount("contactthree", "password4", "SHA-256", false)
	contacts := fmt.Sprintf("/api/accounts/%d/contacts/", user.ID)

	expectText(t, e.asAdmin("POST", contacts+fmt.Sprint(c1.ID), ""), 200, "")
	expectText(t, e.asAdmin("POST", contacts+fmt.Sprint(c2.ID), ""), 200, "")
	if direct, _ := e.links(user.ID); !slices.Equal(direct, []int64{c1.ID, c2.ID}) {
		t.Fatalf("direct contacts %v", direct)
	}
	typ := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, typ, 201)
	typeID := int64(typ.JSON(t)["id"].(float64))
	expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/types/%d", c2.ID, typeID), ""), 200, "")
	e.setDTMF(c2.ID, "sipinfo")
	expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/actions", c2.ID), `{"key":"123","code":"123"}`), 201)

	// Again: 403, nothing more stored.
	expectMessage(t, e.asAdmin("POST", contacts+fmt.Sprint(c1.ID), ""), 403, "")
	if direct, _ := e.links(user.ID); len(direct) != 2 {
		t.Fatalf("direct contacts %v", direct)
	}

	// The admin view: full accounts.
	r := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d/contacts", user.ID), "")
	expect(t, r, 200)
	if got := usernamesOf(r.array(t)); got != "contactone contacttwo" {
		t.Fatalf("admin contacts: %s", got)
	}
	if got := strings.Join(keysOf(t, elements(t, r.Body)[0]), " "); got != fullKeys {
		t.Fatalf("admin contacts are full accounts:\n got %s\nwant %s", got, fullKeys)
	}
	one := e.asAdmin("GET", contacts+fmt.Sprint(c2.ID), "")
	expect(t, one, 200)
	if one.JSON(t)["username"] != "contacttwo" {
		t.Fatalf("admin contact: %s", one.Body)
	}
	expect(t, e.asAdmin("GET", contacts+fmt.Sprint(c3.ID), ""), 404)

	// The user's view: trimmed contacts, with types and actions.
	mine := e.withKey(user.Key, "GET", "/api/accounts/me/contacts", "")
	expect(t, mine, 200)
	items := mine.array(t)
	if usernamesOf(items) != "contactone contacttwo" || items[0]["activated"] != true {
		t.Fatalf("my contacts: %s", mine.Body)
	}
	const contactKeys = "id username domain activated dtmf_protocol display_name types actions"
	for _, body := range elements(t, mine.Body) {
		if got := strings.Join(keysOf(t, body), " "); got != contactKeys {
			t.Fatalf("contact keys (no other account's secrets): %s", got)
		}
		if strings.Contains(body, "provisioning_token") || strings.Contains(body, "passwords") {
			t.Fatalf("a contact carries secrets: %s", body)
		}
	}
	if fmt.Sprint(items[1]["types"]) != fmt.Sprintf("[map[id:%d key:phone]]", typeID) ||
		len(items[1]["actions"].([]any)) != 1 || items[1]["dtmf_protocol"] != "sipinfo" {
		t.Fatalf("contact two: %v", items[1])
	}
	sip := e.withKey(user.Key, "GET", "/api/accounts/me/contacts/contacttwo@"+domain, "")
	expect(t, sip, 200)
	if sip.JSON(t)["username"] != "contacttwo" {
		t.Fatalf("my contact: %s", sip.Body)
	}
	expect(t, e.withKey(user.Key, "GET", "/api/accounts/me/contacts/CONTACTTWO@"+strings.ToUpper(domain), ""), 200)
	// The same set as vCards (served by the same function).
	for _, path := range []string{"/contacts/vcard", "/contacts/vcard/contacttwo@" + domain} {
		card := e.withKey(user.Key, "GET", path, "")
		expect(t, card, 200)
		for _, want := range []string{"FN:", "X-LINPHONE-ACCOUNT-TYPE:phone", "X-LINPHONE-ACCOUNT-DTMF-PROTOCOL:", "X-LINPHONE-ACCOUNT-ACTION:123;123"} {
			if !strings.Contains(card.Body, want) {
				t.Fatalf("%s without %q:\n%s", path, want, card.Body)
			}
		}
	}
	expect(t, e.withKey(user.Key, "GET", "/api/accounts/me/contacts/contactthree@"+domain, ""), 404)
	expect(t, e.withKey(user.Key, "GET", "/api/accounts/me/contacts/contacttwo", ""), 404)

	// Removal: 200 "1", then 403.
	expectText(t, e.asAdmin("DELETE", contacts+fmt.Sprint(c1.ID), ""), 200, "1")
	if direct, _ := e.links(user.ID); !slices.Equal(direct, []int64{c2.ID}) {
		t.Fatalf("direct contacts after removal %v", direct)
	}
	expectMessage(t, e.asAdmin("DELETE", contacts+fmt.Sprint(c1.ID), ""), 403, "")

	// A list of three members, attached to the admin.
	l := e.asAdmin("POST", "/api/contacts_lists", `{"title":"Contacts list","description":"Description"}`)
	expect(t, l, 201)
	if got := strings.Join(keysOf(t, l.Body), " "); got != "title description updated_at created_at id contacts_count" || l.JSON(t)["contacts_count"] != float64(0) {
		t.Fatalf("created list keys: %s", got)
	}
	listID := int64(l.JSON(t)["id"].(float64))
	for _, c := range []creds{c1, c2, c3} {
		expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", listID, c.ID), ""), 200, "")
	}
	expectMessage(t, e.asAdmin("POST", fmt.Sprintf("/api/contacts_lists/%d/contacts/1234", listID), ""), 404, "Missing elements to perform the request")
	attach := fmt.Sprintf("/api/accounts/%d/contacts_lists/%d", e.admin.ID, listID)
	expectText(t, e.asAdmin("POST", attach, ""), 200, "")
	expectMessage(t, e.asAdmin("POST", attach, ""), 403, "")

	adminContacts := e.asAdmin("GET", "/api/accounts/me/contacts", "")
	expect(t, adminContacts, 200)
	if got := usernamesOf(adminContacts.array(t)); got != "contactone contacttwo contactthree" {
		t.Fatalf("the admin's contacts (list members): %s", got)
	}
	expect(t, e.asAdmin("GET", "/api/accounts/me/contacts/contacttwo@"+domain, ""), 200)
	cards := e.asAdmin("GET", "/contacts/vcard", "")
	expect(t, cards, 200)
	if n := strings.Count(cards.Body, "\nFN:"); n != 3 {
		t.Fatalf("the admin's vCards: %d FN lines:\n%s", n, cards.Body)
	}
	if card := e.asAdmin("GET", "/contacts/vcard/contacttwo@"+domain, ""); card.Status != 200 || !strings.Contains(card.Body, "contacttwo") {
		t.Fatalf("the admin's vCard of contact two: %d %s", card.Status, card.Body)
	}

	// A direct contact that is also a list member appears once.
	expectText(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/contacts/%d", e.admin.ID, c2.ID), ""), 200, "")
	if got := idsOf(e.asAdmin("GET", "/api/accounts/me/contacts", "").array(t)); !slices.Equal(got, []int64{c1.ID, c2.ID, c3.ID}) {
		t.Fatalf("deduplicated set: %v", got)
	}
	// The list's count, and its show (a 500 in FlexiAPI).
	show := e.asAdmin("GET", fmt.Sprintf("/api/contacts_lists/%d", listID), "")
	expect(t, show, 200)
	if got := strings.Join(keysOf(t, show.Body), " "); got != "id title description created_at updated_at contacts_count" || show.JSON(t)["contacts_count"] != float64(3) {
		t.Fatalf("list show: %s", show.Body)
	}
	// PATCH is PUT: the new title and description, the count kept.
	p := e.asAdmin("PATCH", fmt.Sprintf("/api/contacts_lists/%d", listID), `{"title":"Renamed","description":"Other"}`)
	if expect(t, p, 200); p.JSON(t)["title"] != "Renamed" || p.JSON(t)["description"] != "Other" || p.JSON(t)["contacts_count"] != float64(3) {
		t.Fatalf("list patch: %s", p.Body)
	}
}

// TestApiAccountTypeTest_testCreate
func TestApiAccountTypeTest_testCreate(t *testing.T) {
	e := newEnv(t, nil)
	r := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, r, 201)
	if r.Body != fmt.Sprintf(`{"key":"phone","id":%d}`, int64(r.JSON(t)["id"].(float64))) {
		t.Fatalf("created type: %s", r.Body)
	}
	if ts, _ := e.st.Types(t.Context()); len(ts) != 1 {
		t.Fatalf("types %v", ts)
	}
	if got := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`); got.Status != 422 || len(got.errorsOf(t, "key")) == 0 {
		t.Fatalf("same key: %d %s", got.Status, got.Body)
	}
	expect(t, e.asAdmin("POST", "/api/account_types", `{}`), 422)
	if got := e.asAdmin("POST", "/api/account_types", `{"key":"Abc1234"}`); got.Status != 422 || got.errorsOf(t, "key")[0] != "No uppercase letters are allowed." {
		t.Fatalf("uppercase: %d %s", got.Status, got.Body)
	}
	list := e.asAdmin("GET", "/api/account_types", "")
	expect(t, list, 200)
	if !strings.Contains(list.Body, `"key":"phone"`) {
		t.Fatalf("list: %s", list.Body)
	}
	if ts, _ := e.st.Types(t.Context()); len(ts) != 1 {
		t.Fatalf("types after the refused ones %v", ts)
	}
}

// TestApiAccountTypeTest_testDelete
func TestApiAccountTypeTest_testDelete(t *testing.T) {
	e := newEnv(t, nil)
	r := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, r, 201)
	id := int64(r.JSON(t)["id"].(float64))
	expectText(t, e.asAdmin("DELETE", fmt.Sprintf("/api/account_types/%d", id), ""), 200, "1")
	if ts, _ := e.st.Types(t.Context()); len(ts) != 0 {
		t.Fatalf("types %v", ts)
	}
	expectText(t, e.asAdmin("DELETE", fmt.Sprintf("/api/account_types/%d", id), ""), 200, "0")
	if n := e.partition("TYPEKEY#phone"); n != 0 {
		t.Fatalf("key marker left: %d", n)
	}
}

// TestApiAccountTypeTest_testUpdate
func TestApiAccountTypeTest_testUpdate(t *testing.T) {
	e := newEnv(t, nil)
	r := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, r, 201)
	id := int64(r.JSON(t)["id"].(float64))
	u := e.asAdmin("PUT", fmt.Sprintf("/api/account_types/%d", id), `{"key":"door"}`)
	expect(t, u, 200)
	if u.Body != fmt.Sprintf(`{"id":%d,"key":"door"}`, id) {
		t.Fatalf("updated: %s", u.Body)
	}
	if list := e.asAdmin("GET", "/api/account_types", ""); !strings.Contains(list.Body, `"key":"door"`) || strings.Contains(list.Body, "phone") {
		t.Fatalf("list: %s", list.Body)
	}
	// The old key is free again, the new one taken.
	expect(t, e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`), 201)
	expect(t, e.asAdmin("POST", "/api/account_types", `{"key":"door"}`), 422)
	// PATCH is PUT.
	p := e.asAdmin("PATCH", fmt.Sprintf("/api/account_types/%d", id), `{"key":"gate"}`)
	if expect(t, p, 200); p.Body != fmt.Sprintf(`{"id":%d,"key":"gate"}`, id) {
		t.Fatalf("patched: %s", p.Body)
	}
}

// TestApiAccountTypeTest_testAccountAddType
func TestApiAccountTypeTest_testAccountAddType(t *testing.T) {
	e := newEnv(t, nil)
	r := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, r, 201)
	id := int64(r.JSON(t)["id"].(float64))
	acc := e.newAccount("typed", "password", "SHA-256", false)
	path := fmt.Sprintf("/api/accounts/%d/types/%d", acc.ID, id)
	expectText(t, e.asAdmin("POST", path, ""), 200, "")
	expectMessage(t, e.asAdmin("POST", path, ""), 403, "")
	show := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", acc.ID), "")
	expect(t, show, 200)
	if got := fmt.Sprint(show.JSON(t)["types"]); got != fmt.Sprintf("[map[id:%d key:phone]]", id) {
		t.Fatalf("types: %s", got)
	}
	// A rename reaches the account JSON.
	expect(t, e.asAdmin("PUT", fmt.Sprintf("/api/account_types/%d", id), `{"key":"door"}`), 200)
	if got := fmt.Sprint(e.withKey(acc.Key, "GET", "/api/accounts/me", "").JSON(t)["types"]); got != fmt.Sprintf("[map[id:%d key:door]]", id) {
		t.Fatalf("types after rename: %s", got)
	}
	expectText(t, e.asAdmin("DELETE", path, ""), 200, "1")
	if a := e.stored(acc.ID); len(a.Types) != 0 || e.index(fmt.Sprintf("TYPEOF#%d", id)) != 0 {
		t.Fatalf("types after removal: %v", a.Types)
	}
	expectMessage(t, e.asAdmin("DELETE", path, ""), 403, "")
	// The documentation's spelling is the contact removal.
	expectMessage(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d/contacts/%d", acc.ID, id), ""), 403, "")
	// Deleting a type detaches it from its accounts.
	expectText(t, e.asAdmin("POST", path, ""), 200, "")
	expectText(t, e.asAdmin("DELETE", fmt.Sprintf("/api/account_types/%d", id), ""), 200, "1")
	if a := e.stored(acc.ID); len(a.Types) != 0 || e.index(fmt.Sprintf("TYPEOF#%d", id)) != 0 {
		t.Fatalf("types after the type's deletion: %v", a.Types)
	}
}

// TestApiAccountActionTest_testCreate
func TestApiAccountActionTest_testCreate(t *testing.T) {
	e := newEnv(t, nil)
	acc := e.newAccount("actionable", "password", "SHA-256", false)
	e.setDTMF(acc.ID, "sipinfo")
	path := fmt.Sprintf("/api/accounts/%d/actions", acc.ID)
	r := e.asAdmin("POST", path, `{"key":"123","code":"123"}`)
	expect(t, r, 201)
	if got := strings.Join(keysOf(t, r.Body), " "); got != "key code id" {
		t.Fatalf("created action keys: %s", got)
	}
	if a := e.stored(acc.ID); len(a.Actions) != 1 {
		t.Fatalf("actions %v", a.Actions)
	}
	if got := e.asAdmin("POST", path, `{"code":"123"}`); got.Status != 422 || len(got.errorsOf(t, "key")) == 0 {
		t.Fatalf("missing key: %d %s", got.Status, got.Body)
	}
	if got := e.asAdmin("POST", path, `{"key":"Abc1234","code":"123"}`); got.Status != 422 || len(got.errorsOf(t, "key")) == 0 {
		t.Fatalf("uppercase key: %d %s", got.Status, got.Body)
	}
	list := e.asAdmin("GET", path, "")
	expect(t, list, 200)
	if items := list.array(t); len(items) != 1 || items[0]["key"] != "123" || items[0]["code"] != "123" {
		t.Fatalf("list: %s", list.Body)
	}
	if a := e.stored(acc.ID); len(a.Actions) != 1 {
		t.Fatalf("actions after refused ones %v", a.Actions)
	}

	e.setDTMF(acc.ID, "")
	expectMessage(t, e.asAdmin("POST", path, `{"key":"123","code":"123"}`), 403, "DTMF Protocol must be configured")
	// The guard runs before validation.
	expectMessage(t, e.asAdmin("POST", path, `{"key":"Bad Key"}`), 403, "DTMF Protocol must be configured")
	expectMessage(t, e.asAdmin("GET", path, ""), 403, "DTMF Protocol must be configured")
	if got := fmt.Sprint(e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", acc.ID), "").JSON(t)["actions"]); got != "[]" {
		t.Fatalf("actions without a protocol: %s", got)
	}
	// The rows are kept and come back with a protocol.
	e.setDTMF(acc.ID, "rfc2833")
	if got := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", acc.ID), "").JSON(t)["actions"].([]any); len(got) != 1 {
		t.Fatalf("actions back: %v", got)
	}
}

// TestApiAccountActionTest_testDelete
func TestApiAccountActionTest_testDelete(t *testing.T) {
	e := newEnv(t, nil)
	acc := e.newAccount("actionable", "password", "SHA-256", false)
	e.setDTMF(acc.ID, "sipinfo")
	r := e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/actions", acc.ID), `{"key":"123","code":"123"}`)
	expect(t, r, 201)
	path := fmt.Sprintf("/api/accounts/%d/actions/%d", acc.ID, int64(r.JSON(t)["id"].(float64)))
	expectText(t, e.asAdmin("DELETE", path, ""), 200, "1")
	if a := e.stored(acc.ID); len(a.Actions) != 0 {
		t.Fatalf("actions %v", a.Actions)
	}
	expectText(t, e.asAdmin("DELETE", path, ""), 200, "0")
}

// TestApiAccountActionTest_testUpdate
func TestApiAccountActionTest_testUpdate(t *testing.T) {
	e := newEnv(t, nil)
	acc := e.newAccount("actionable", "password", "SHA-256", false)
	e.setDTMF(acc.ID, "sipinfo")
	r := e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/actions", acc.ID), `{"key":"123","code":"123"}`)
	expect(t, r, 201)
	id := int64(r.JSON(t)["id"].(float64))
	path := fmt.Sprintf("/api/accounts/%d/actions/%d", acc.ID, id)
	u := e.asAdmin("PUT", path, `{"key":"123","code":"abc"}`)
	expect(t, u, 200)
	if u.Body != fmt.Sprintf(`{"id":%d,"key":"123","code":"abc"}`, id) {
		t.Fatalf("updated: %s", u.Body)
	}
	if list := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d/actions", acc.ID), ""); !strings.Contains(list.Body, `"code":"abc"`) {
		t.Fatalf("list: %s", list.Body)
	}
	// Show works (a 500 in FlexiAPI); PATCH is PUT; both fields are required.
	if s := e.asAdmin("GET", path, ""); s.Status != 200 || s.Body != fmt.Sprintf(`{"id":%d,"key":"123","code":"abc"}`, id) {
		t.Fatalf("show: %d %s", s.Status, s.Body)
	}
	expect(t, e.asAdmin("PATCH", path, `{"key":"open","code":"def"}`), 200)
	if got := e.asAdmin("PUT", path, `{"key":"open"}`); got.Status != 422 || len(got.errorsOf(t, "code")) == 0 {
		t.Fatalf("missing code: %d %s", got.Status, got.Body)
	}
	if a := e.stored(acc.ID); a.Actions[0].Code != "def" {
		t.Fatalf("stored %v", a.Actions)
	}
}

// TestApiAccountDictionaryTest_testCreate
func TestApiAccountDictionaryTest_testCreate(t *testing.T) {
	e := newEnv(t, nil)
	acc := e.newAccount("dictionary", "password", "SHA-256", false)
	base := fmt.Sprintf("/api/accounts/%d/dictionary", acc.ID)
	r := e.asAdmin("POST", base+"/foo", `{"value":"bar"}`)
	expect(t, r, 201)
	if r.Body != `{"value":"bar"}` {
		t.Fatalf("created: %s", r.Body)
	}
	if got := e.asAdmin("GET", base, ""); got.Status != 200 || got.Body != `{"foo":"bar"}` {
		t.Fatalf("dictionary: %d %s", got.Status, got.Body)
	}
	if got := e.asAdmin("GET", fmt.Sprintf("/api/accounts/%d", acc.ID), "").JSON(t)["dictionary"].(map[string]any); got["foo"] != "bar" {
		t.Fatalf("account dictionary: %v", got)
	}
	expect(t, e.asAdmin("POST", base+"/foo", `{"value":"yop"}`), 200)
	if got := e.asAdmin("GET", base, ""); got.Body != `{"foo":"yop"}` {
		t.Fatalf("dictionary after update: %s", got.Body)
	}
	expect(t, e.asAdmin("POST", base+"/hop", `{"value":"hop"}`), 201)
	if got := e.asAdmin("GET", base, ""); got.Body != `{"foo":"yop","hop":"hop"}` {
		t.Fatalf("dictionary with two keys: %s", got.Body)
	}
	expectText(t, e.asAdmin("DELETE", base+"/foo", ""), 200, "1")
	if got := e.asAdmin("GET", base, ""); got.Body != `{"hop":"hop"}` {
		t.Fatalf("dictionary after deletion: %s", got.Body)
	}
	expectText(t, e.asAdmin("DELETE", base+"/foo", ""), 200, "0")
	// The undocumented single read: the value, or 200 with an empty body.
	if got := e.asAdmin("GET", base+"/hop", ""); got.Status != 200 || got.Body != `{"value":"hop"}` {
		t.Fatalf("entry: %d %s", got.Status, got.Body)
	}
	expectText(t, e.asAdmin("GET", base+"/foo", ""), 200, "")
	// Empty is {} (not PHP's []); numbers and booleans are stored as text.
	expectText(t, e.asAdmin("DELETE", base+"/hop", ""), 200, "1")
	if got := e.asAdmin("GET", base, ""); got.Body != `{}` {
		t.Fatalf("empty dictionary: %s", got.Body)
	}
	if got := e.asAdmin("POST", base+"/n", `{"value":12}`); got.Status != 201 || got.Body != `{"value":"12"}` {
		t.Fatalf("number: %d %s", got.Status, got.Body)
	}
}
