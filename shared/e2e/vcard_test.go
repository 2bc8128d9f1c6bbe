//go:build integration

package e2e

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// TestVCardExport: GET /contacts/vcard and /contacts/vcard/{sip} through
// the gateway, as RFC 6350 asks (docs/compatibility.md): the caller's direct
// contacts and the members of its attached lists, once each, ascending id,
// read back by an independent RFC 6350 reader with every property checked.
func TestVCardExport(t *testing.T) {
	e := newEnv(t, nil)
	idOf := func(body string) string {
		t.Helper()
		r := e.create(body)
		expect(t, r, 200)
		return fmt.Sprint(r.JSON(t)["id"])
	}
	viewer := e.newAccount("viewer", "secret", "SHA-256", false)
	hard := "Martin, Alice; back\\slash\nÉlodie 東京"
	alice := idOf(`{"username":"alice1","password":"123456","algorithm":"SHA-256","activated":true,"dtmf_protocol":"sipinfo","display_name":"Martin, Alice; back\\slash\nÉlodie 東京"}`)
	bob := idOf(`{"username":"bobby1","password":"123456","algorithm":"SHA-256"}`)
	carol := idOf(`{"username":"carol1","password":"123456","algorithm":"SHA-256","display_name":"Carol","dtmf_protocol":"rfc2833"}`)
	idOf(`{"username":"notmine","password":"123456","algorithm":"SHA-256"}`)

	r := e.asAdmin("POST", "/api/account_types", `{"key":"phone"}`)
	expect(t, r, 201)
	phone := fmt.Sprint(r.JSON(t)["id"])
	r = e.asAdmin("POST", "/api/account_types", `{"key":"door"}`)
	expect(t, r, 201)
	door := fmt.Sprint(r.JSON(t)["id"])
	for _, typ := range []string{phone, door} {
		expect(t, e.asAdmin("POST", "/api/accounts/"+alice+"/types/"+typ, ""), 200)
	}
	expect(t, e.asAdmin("POST", "/api/accounts/"+alice+"/actions", `{"key":"open","code":"1234"}`), 201)
	expect(t, e.asAdmin("POST", "/api/accounts/"+alice+"/actions", `{"key":"close","code":"99"}`), 201)
	// bob has an action but no DTMF protocol: no action property.
	expect(t, e.asAdmin("POST", "/api/accounts/"+carol+"/actions", `{"key":"ring","code":"7"}`), 201)

	me := fmt.Sprint(viewer.ID)
	expect(t, e.asAdmin("POST", "/api/accounts/"+me+"/contacts/"+alice, ""), 200)
	expect(t, e.asAdmin("POST", "/api/accounts/"+me+"/contacts/"+carol, ""), 200)
	r = e.asAdmin("POST", "/api/contacts_lists", `{"title":"Friends","description":"d"}`)
	expect(t, r, 201)
	list := fmt.Sprint(r.JSON(t)["id"])
	for _, member := range []string{bob, carol} { // carol also direct: once
		expect(t, e.asAdmin("POST", "/api/contacts_lists/"+list+"/contacts/"+member, ""), 200)
	}
	expect(t, e.asAdmin("POST", "/api/accounts/"+me+"/contacts_lists/"+list, ""), 200)

	r = e.withKey(viewer.Key, "GET", "/contacts/vcard", "")
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/vcard; charset=utf-8" {
		t.Fatalf("%d %q: %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	cards, err := devstack.ParseVCards(r.Body, "X-LINPHONE-ACCOUNT-ACTION")
	if err != nil {
		t.Fatalf("%v\n%s", err, r.Body)
	}
	base := func(user, fn string) map[string][]string {
		return map[string][]string{"VERSION": {"4.0"}, "KIND": {"individual"}, "IMPP": {"sip:" + user + "@" + domain}, "FN": {fn}}
	}
	wantAlice := base("alice1", hard)
	wantAlice["X-LINPHONE-ACCOUNT-DTMF-PROTOCOL"] = []string{"sipinfo"}
	wantAlice["X-LINPHONE-ACCOUNT-TYPE"] = []string{"phone", "door"}
	wantAlice["X-LINPHONE-ACCOUNT-ACTION"] = []string{"open;1234", "close;99"}
	wantBob := base("bobby1", "bobby1@"+domain)
	wantCarol := base("carol1", "Carol")
	wantCarol["X-LINPHONE-ACCOUNT-DTMF-PROTOCOL"] = []string{"rfc2833"}
	wantCarol["X-LINPHONE-ACCOUNT-ACTION"] = []string{"ring;7"}
	want := []map[string][]string{wantAlice, wantBob, wantCarol}
	if len(cards) != len(want) {
		t.Fatalf("%d cards, want %d:\n%s", len(cards), len(want), r.Body)
	}
	for i, c := range cards {
		if c[0].Name != "VERSION" {
			t.Errorf("card %d: VERSION first: %v", i, c)
		}
		if got := devstack.VCardValues(c); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("card %d:\n got %q\nwant %q", i, got, want[i])
		}
	}
	if strings.Contains(r.Body, "provisioning") || strings.Contains(r.Body, "ha1") {
		t.Fatalf("a card leaks a secret: %s", r.Body)
	}

	// One card, matched case-insensitively; not in the set: 404.
	r = e.withKey(viewer.Key, "GET", "/contacts/vcard/ALICE1@"+strings.ToUpper(domain), "")
	one, err := devstack.ParseVCards(r.Body, "X-LINPHONE-ACCOUNT-ACTION")
	if r.Status != 200 || err != nil || len(one) != 1 || !reflect.DeepEqual(devstack.VCardValues(one[0]), wantAlice) {
		t.Fatalf("%d %v %q", r.Status, err, r.Body)
	}
	expectMessage(t, e.withKey(viewer.Key, "GET", "/contacts/vcard/notmine@"+domain, ""), 404, "Missing elements to perform the request")

	// An account without contacts: 200, empty body.
	r = e.asAdmin("GET", "/contacts/vcard", "")
	if r.Status != 200 || r.Body != "" {
		t.Fatalf("empty set: %d %q", r.Status, r.Body)
	}

	// No credentials → 401 JSON without challenge; From → one challenge;
	// the Digest round works.
	r = e.do("GET", "/contacts/vcard", header{"Accept": "text/vcard"}, "")
	expect(t, r, 401)
	if h := r.Header.Values("WWW-Authenticate"); len(h) != 0 {
		t.Fatalf("no From, no challenge: %q", h)
	}
	final, _ := e.digest("GET", "/contacts/vcard", "viewer", "secret", "")
	if final.Status != 200 || !strings.HasPrefix(final.Body, "BEGIN:VCARD\r\n") {
		t.Fatalf("Digest: %d %q", final.Status, final.Body)
	}

	// A blocked account gets 403, as on /api.
	expect(t, e.asAdmin("POST", "/api/accounts/"+me+"/block", ""), 200)
	expectMessage(t, e.withKey(viewer.Key, "GET", "/contacts/vcard", ""), 403, "Account blocked")
	expectMessage(t, e.withKey(viewer.Key, "GET", "/contacts/vcard/alice1@"+domain, ""), 403, "Account blocked")
}
