//go:build integration

package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// fieldsOf lists the fields of a 422, in order.
func fieldsOf(t *testing.T, r response) []string {
	t.Helper()
	expect(t, r, 422)
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return keysOf(t, string(m["errors"]))
}

// TestValidationReportsEveryField: a taken username (or email, phone) is
// reported beside the body's other failures, in Laravel's field order, as
// FlexiAPI's one validation pass does; it is not held back until the
// other rules pass.
func TestValidationReportsEveryField(t *testing.T) {
	e := newCreationEnv(t, map[string]string{"APP_DANGEROUS_ENDPOINTS": "true", "ACCOUNT_EMAIL_UNIQUE": "true"})
	taken := e.asAdmin("POST", "/api/accounts", `{"username":"takenuser","password":"secret1","algorithm":"SHA-256","email":"taken@example.org","phone":"+33611223344"}`)
	expect(t, taken, 200)
	takenID := int64(taken.JSON(t)["id"].(float64))
	other := e.asAdmin("POST", "/api/accounts", `{"username":"otheruser","password":"secret1","algorithm":"SHA-256"}`)
	expect(t, other, 200)
	otherID := int64(other.JSON(t)["id"].(float64))
	before := e.snapshot()

	check := func(name string, r response, want map[string]string, order []string) {
		t.Helper()
		if got := fieldsOf(t, r); !reflect.DeepEqual(got, order) {
			t.Fatalf("%s: fields %v, want %v: %s", name, got, order, r.Body)
		}
		for field, msg := range want {
			if got := r.errorsOf(t, field); len(got) == 0 || got[0] != msg {
				t.Fatalf("%s: %s: %v, want %q", name, field, got, msg)
			}
		}
	}

	// The case: a taken username and no token.
	check("public, taken username, no token",
		e.do("POST", "/api/accounts/public", nil, `{"username":"takenuser","password":"secret1","algorithm":"SHA-256","email":"new@example.org"}`),
		map[string]string{"username": "The username has already been taken.", "account_creation_token": "The account creation token field is required."},
		[]string{"username", "account_creation_token"})
	// A taken email beside an unknown token (both found once the body
	// passed its rules and the write failed).
	check("public, taken email, unknown token",
		e.do("POST", "/api/accounts/public", nil, `{"username":"freshuser","password":"secret1","algorithm":"SHA-256","email":"taken@example.org","account_creation_token":"abcdefghijklm"}`),
		map[string]string{"email": "The email has already been taken.", "account_creation_token": "Please provide a valid account_creation_token"},
		[]string{"email", "account_creation_token"})
	// The token creation's first step: the taken username with the short
	// password (the token step is not reached).
	check("with token, first step",
		e.do("POST", "/api/accounts/with-account-creation-token", nil, `{"username":"takenuser","password":"s","algorithm":"SHA-256","account_creation_token":"abcdefghijklm"}`),
		map[string]string{"username": "The username has already been taken.", "password": "The password must be at least 6 characters."},
		[]string{"username", "password"})
	// Admin creation: the username and the email both taken (the write
	// alone reports only its first failed condition).
	check("admin creation, two taken values",
		e.asAdmin("POST", "/api/accounts", `{"username":"takenuser","password":"secret1","algorithm":"SHA-256","email":"taken@example.org"}`),
		map[string]string{"username": "The username has already been taken.", "email": "The email has already been taken."},
		[]string{"username", "email"})
	// Admin update: another account's username and phone, and an invalid
	// email; the account's own values are not "taken".
	check("admin update",
		e.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", otherID), `{"username":"takenuser","password":"secret1","algorithm":"SHA-256","email":"bad","phone":"+33611223344"}`),
		map[string]string{"username": "The username has already been taken.", "email": "The email must be a valid email address.", "phone": "The phone has already been taken."},
		[]string{"username", "email", "phone"})
	e.crExpectUnchangedButIDs(before)
	// The account's own values are not taken.
	expect(t, e.asAdmin("PUT", fmt.Sprintf("/api/accounts/%d", takenID), `{"username":"takenuser","password":"secret1","algorithm":"SHA-256","email":"taken@example.org","phone":"+33611223344"}`), 200)
}

// TestEveryFailureAtOnce: the other validators that used to stop at their
// first failure: a taken list title beside a missing description, two bad
// path ids, a statistics device PATCH with a bad rang_at and a bad
// invite_terminated, and two bad path values of a message device.
func TestEveryFailureAtOnce(t *testing.T) {
	e := newEnv(t, nil)
	expect(t, e.asAdmin("POST", "/api/contacts_lists", `{"title":"Friends","description":"d"}`), 201)
	expect(t, e.asAdmin("POST", "/api/account_types", `{"key":"door"}`), 201)
	cases := []struct {
		name, method, path, body string
		fields                   []string
	}{
		{"taken title, no description", "POST", "/api/contacts_lists", `{"title":"FRIENDS"}`, []string{"title", "description"}},
		{"taken key in capitals", "POST", "/api/account_types", `{"key":"DOOR"}`, []string{"key"}},
		{"two bad ids", "POST", "/api/contacts_lists/x/contacts/y", ``, []string{"contacts_list_id", "contact_id"}},
	}
	call := statID("every-failure")
	expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+call+`","from":"a@`+domain+`","to":"b@`+domain+`","initiated_at":"2024-03-25T10:11:12Z"}`), 200)
	msg := statID("every-failure-message")
	expect(t, e.asAdmin("POST", "/api/statistics/messages", `{"id":"`+msg+`","from":"a@`+domain+`","sent_at":"2024-03-25T10:11:12Z","encrypted":false}`), 200)
	cases = append(cases,
		struct {
			name, method, path, body string
			fields                   []string
		}{"rang_at and invite_terminated", "PATCH", "/api/statistics/calls/" + call + "/devices/dev1",
			`{"rang_at":"soon","invite_terminated":{"state":"accepted"}}`, []string{"rang_at", "invite_terminated.at"}},
		struct {
			name, method, path, body string
			fields                   []string
		}{"to and device", "PATCH", "/api/statistics/messages/" + msg + "/to/bob/devices/" + strings.Repeat("d", 300),
			`{"last_status":200,"received_at":"2024-03-25T10:11:12Z"}`, []string{"to", "device_id"}},
	)
	for _, c := range cases {
		r := e.asAdmin(c.method, c.path, c.body)
		if got := fieldsOf(t, r); !reflect.DeepEqual(got, c.fields) {
			t.Errorf("%s: fields %v, want %v: %s", c.name, got, c.fields, r.Body)
		}
	}
	r := e.asAdmin("POST", "/api/account_types", `{"key":"DOOR"}`)
	if got := r.errorsOf(t, "key"); !reflect.DeepEqual(got, []string{"No uppercase letters are allowed.", "The key has already been taken."}) {
		t.Errorf("key in capitals: %v", got)
	}
}
