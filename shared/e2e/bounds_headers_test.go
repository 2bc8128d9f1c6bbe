//go:build integration

package e2e

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUserAgentStoredBounded: a huge User-Agent is stored cut to FlexiAPI's
// column size (255 characters), on an account and on the tokens that keep
// it; 450 KB (past DynamoDB's item size once stored whole) is no 500.
func TestUserAgentStoredBounded(t *testing.T) {
	e := newEnv(t, nil)
	for i, size := range []int{300_000, 450_000} {
		ua := "Linphone/" + strings.Repeat("é", size/2)
		r := e.do("POST", "/api/accounts", header{"X-Api-Key": e.admin.Key, "User-Agent": ua},
			`{"username":"uaowner`+string(rune('a'+i))+`","password":"secret1","algorithm":"SHA-256"}`)
		expect(t, r, 200)
		got, _ := r.JSON(t)["user_agent"].(string)
		if utf8.RuneCountInString(got) != 255 || !strings.HasPrefix(ua, got) {
			t.Fatalf("%d bytes: the account's user_agent has %d characters", len(ua), utf8.RuneCountInString(got))
		}
		tok := e.do("POST", "/api/accounts/auth_token", header{"User-Agent": ua}, "")
		expect(t, tok, 201)
		if got, _ := tok.JSON(t)["user_agent"].(string); utf8.RuneCountInString(got) != 255 {
			t.Fatalf("%d bytes: the auth token's user_agent has %d characters", len(ua), utf8.RuneCountInString(got))
		}
	}
}
