//go:build integration

package e2e

import (
	"fmt"
	"testing"
)

// counter is the value of an id counter ("0" before its first use).
func (e *env) counter(name string) string {
	e.t.Helper()
	item := e.statItem("COUNTER#"+name, "COUNTER")
	if item == nil {
		return "0"
	}
	return attrString(item["value"])
}

// TestRefusedCreationsSpendNoID: a creation refused by a uniqueness rule
// (or an unusable token) leaves the id counters where they were, so that
// one token cannot burn ids; the next creation takes the next id.
func TestRefusedCreationsSpendNoID(t *testing.T) {
	e := newCreationEnv(t, nil)
	first := e.asAdmin("POST", "/api/accounts", `{"username":"firstone","password":"secret1","algorithm":"SHA-256"}`)
	expect(t, first, 200)
	firstID := int64(first.JSON(t)["id"].(float64))
	expect(t, e.asAdmin("POST", "/api/account_types", `{"key":"door"}`), 201)
	list := e.asAdmin("POST", "/api/contacts_lists", `{"title":"Friends","description":"d"}`)
	expect(t, list, 201)
	listID := int64(list.JSON(t)["id"].(float64))
	tok := e.crToken(t)
	accounts, types, lists := e.counter("account_id"), e.counter("type_id"), e.counter("contacts_list_id")
	for i := 0; i < 3; i++ {
		expect(t, e.asAdmin("POST", "/api/accounts", `{"username":"firstone","password":"secret1","algorithm":"SHA-256"}`), 422)
		expect(t, e.do("POST", "/api/accounts/with-account-creation-token", nil, `{"username":"firstone","password":"secret1","account_creation_token":"`+tok+`"}`), 422)
		expect(t, e.do("POST", "/api/accounts/with-account-creation-token", nil, `{"username":"freshname","password":"secret1","account_creation_token":"abcdefghijklm"}`), 422)
		expect(t, e.asAdmin("POST", "/api/account_types", `{"key":"door"}`), 422)
		expect(t, e.asAdmin("POST", "/api/contacts_lists", `{"title":"FRIENDS","description":"d"}`), 422)
	}
	if got := [3]string{e.counter("account_id"), e.counter("type_id"), e.counter("contacts_list_id")}; got != [3]string{accounts, types, lists} {
		t.Fatalf("counters moved on refused creations: %v, were %v", got, [3]string{accounts, types, lists})
	}
	next := e.do("POST", "/api/accounts/with-account-creation-token", nil, `{"username":"secondone","password":"secret1","account_creation_token":"`+tok+`"}`)
	expect(t, next, 200)
	// The creation token env's admin and the first account took the ids
	// before; the next one follows without a gap.
	if id := int64(next.JSON(t)["id"].(float64)); fmt.Sprint(id) != fmt.Sprint(firstID+1) {
		t.Errorf("next account id %d, want %d", id, firstID+1)
	}
	l := e.asAdmin("POST", "/api/contacts_lists", `{"title":"Others","description":"d"}`)
	expect(t, l, 201)
	if id := int64(l.JSON(t)["id"].(float64)); id != listID+1 {
		t.Errorf("next list id %d, want %d", id, listID+1)
	}
}
