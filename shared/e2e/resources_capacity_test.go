//go:build integration

package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestResourcesCapacity measures what the resources endpoints cost
// (docs/access-patterns.md) and pins the shape of the user's contacts:
// one Query of the account's partition, one per attached list, and the
// accounts' BatchGetItem, whatever the number of contacts.
func TestResourcesCapacity(t *testing.T) {
	e := newEnv(t, nil)
	var contacts []creds
	for i := 0; i < 6; i++ {
		contacts = append(contacts, e.newAccount(fmt.Sprintf("capcontact%d", i), "password", "SHA-256", false))
	}
	var rows []string
	row := func(name string, u requestUnits) {
		rows = append(rows, fmt.Sprintf("%-58s %5.1f RCU %5.1f WCU %2d calls", name, u.RCU, u.WCU, u.Calls))
	}
	me := e.admin.ID
	for _, c := range contacts[:3] {
		row("POST /api/accounts/{id}/contacts/{contact_id}", e.measure(t, "POST", "/api/accounts/{id}/contacts/{contact_id}",
			fmt.Sprintf("/api/accounts/%d/contacts/%d", me, c.ID), "", 200))
	}
	l := e.asAdmin("POST", "/api/contacts_lists", `{"title":"capacity","description":"d"}`)
	expect(t, l, 201)
	listID := int64(l.JSON(t)["id"].(float64))
	for _, c := range contacts[2:] {
		row("POST /api/contacts_lists/{id}/contacts/{contact_id}", e.measure(t, "POST", "/api/contacts_lists/{contacts_list_id}/contacts/{contact_id}",
			fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", listID, c.ID), "", 200))
	}
	row("POST /api/accounts/{id}/contacts_lists/{list_id}", e.measure(t, "POST", "/api/accounts/{id}/contacts_lists/{contacts_list_id}",
		fmt.Sprintf("/api/accounts/%d/contacts_lists/%d", me, listID), "", 200))

	mine := e.measure(t, "GET", "/api/accounts/me/contacts", "/api/accounts/me/contacts", "", 200)
	row("GET /api/accounts/me/contacts (3 direct, 1 list of 4, 6 distinct)", mine)
	if mine.Calls != 3 {
		t.Fatalf("my contacts cost %d DynamoDB calls, want 3 (partition, list, BatchGetItem)", mine.Calls)
	}
	row("GET /api/accounts/me/contacts/{sip}", e.measure(t, "GET", "/api/accounts/me/contacts/{sip}",
		"/api/accounts/me/contacts/capcontact4@"+domain, "", 200))
	row("GET /api/accounts/{id}/contacts (3)", e.measure(t, "GET", "/api/accounts/{id}/contacts", fmt.Sprintf("/api/accounts/%d/contacts", me), "", 200))
	row("DELETE /api/accounts/{id}/contacts/{contact_id}", e.measure(t, "DELETE", "/api/accounts/{id}/contacts/{contact_id}",
		fmt.Sprintf("/api/accounts/%d/contacts/%d", me, contacts[0].ID), "", 200))
	row("GET /api/contacts_lists (1)", e.measure(t, "GET", "/api/contacts_lists", "/api/contacts_lists", "", 200))
	row("GET /api/contacts_lists/{id}", e.measure(t, "GET", "/api/contacts_lists/{id}", fmt.Sprintf("/api/contacts_lists/%d", listID), "", 200))
	row("PUT /api/contacts_lists/{id} (new title)", e.measure(t, "PUT", "/api/contacts_lists/{id}", fmt.Sprintf("/api/contacts_lists/%d", listID),
		`{"title":"renamed","description":"d"}`, 200))
	row("DELETE /api/contacts_lists/{id}/contacts/{contact_id}", e.measure(t, "DELETE", "/api/contacts_lists/{contacts_list_id}/contacts/{contact_id}",
		fmt.Sprintf("/api/contacts_lists/%d/contacts/%d", listID, contacts[5].ID), "", 200))
	row("DELETE /api/accounts/{id}/contacts_lists/{list_id}", e.measure(t, "DELETE", "/api/accounts/{id}/contacts_lists/{contacts_list_id}",
		fmt.Sprintf("/api/accounts/%d/contacts_lists/%d", me, listID), "", 200))
	row("DELETE /api/contacts_lists/{id} (3 members)", e.measure(t, "DELETE", "/api/contacts_lists/{id}", fmt.Sprintf("/api/contacts_lists/%d", listID), "", 200))
	cl := e.measure(t, "POST", "/api/contacts_lists", "/api/contacts_lists", `{"title":"second","description":"d"}`, 201)
	row("POST /api/contacts_lists", cl)

	tp := e.measure(t, "POST", "/api/account_types", "/api/account_types", `{"key":"phone"}`, 201)
	row("POST /api/account_types", tp)
	types := e.asAdmin("GET", "/api/account_types", "").array(t)
	typeID := int64(types[0]["id"].(float64))
	row("GET /api/account_types", e.measure(t, "GET", "/api/account_types", "/api/account_types", "", 200))
	row("GET /api/account_types/{id}", e.measure(t, "GET", "/api/account_types/{id}", fmt.Sprintf("/api/account_types/%d", typeID), "", 200))
	row("POST /api/accounts/{id}/types/{type_id}", e.measure(t, "POST", "/api/accounts/{id}/types/{type_id}",
		fmt.Sprintf("/api/accounts/%d/types/%d", contacts[1].ID, typeID), "", 200))
	row("PUT /api/account_types/{id} (1 account has it)", e.measure(t, "PUT", "/api/account_types/{id}", fmt.Sprintf("/api/account_types/%d", typeID), `{"key":"door"}`, 200))
	row("DELETE /api/accounts/{id}/types/{type_id}", e.measure(t, "DELETE", "/api/accounts/{id}/types/{type_id}",
		fmt.Sprintf("/api/accounts/%d/types/%d", contacts[1].ID, typeID), "", 200))
	row("DELETE /api/account_types/{id}", e.measure(t, "DELETE", "/api/account_types/{id}", fmt.Sprintf("/api/account_types/%d", typeID), "", 200))

	e.setDTMF(contacts[1].ID, "sipinfo")
	actions := fmt.Sprintf("/api/accounts/%d/actions", contacts[1].ID)
	row("POST /api/accounts/{id}/actions", e.measure(t, "POST", "/api/accounts/{id}/actions", actions, `{"key":"open","code":"1234"}`, 201))
	row("GET /api/accounts/{id}/actions", e.measure(t, "GET", "/api/accounts/{id}/actions", actions, "", 200))
	actionID := int64(e.asAdmin("GET", actions, "").array(t)[0]["id"].(float64))
	one := fmt.Sprintf("%s/%d", actions, actionID)
	row("PUT /api/accounts/{id}/actions/{action_id}", e.measure(t, "PUT", "/api/accounts/{id}/actions/{action_id}", one, `{"key":"open","code":"9"}`, 200))
	row("DELETE /api/accounts/{id}/actions/{action_id}", e.measure(t, "DELETE", "/api/accounts/{id}/actions/{action_id}", one, "", 200))

	dict := fmt.Sprintf("/api/accounts/%d/dictionary", contacts[1].ID)
	row("POST /api/accounts/{id}/dictionary/{key} (new)", e.measure(t, "POST", "/api/accounts/{id}/dictionary/{key}", dict+"/foo", `{"value":"bar"}`, 201))
	row("GET /api/accounts/{id}/dictionary", e.measure(t, "GET", "/api/accounts/{id}/dictionary", dict, "", 200))
	row("DELETE /api/accounts/{id}/dictionary/{key}", e.measure(t, "DELETE", "/api/accounts/{id}/dictionary/{key}", dict+"/foo", "", 200))
	t.Logf("function units (DynamoDB Local):\n%s", strings.Join(rows, "\n"))
}
