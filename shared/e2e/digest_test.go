//go:build integration

package e2e

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

type challenge map[string]string

func parseChallenge(t *testing.T, h string) challenge {
	t.Helper()
	c, err := devstack.ParseChallenge(h)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var hashHex = devstack.DigestHex

// answer builds the Authorization header for a challenge with the
// independent client of shared/devstack.
func answer(c challenge, method, uri, username, password, nc string) string {
	return devstack.DigestAnswer(c, method, uri, username, password, "6v4g~PJU-Xzxq2WIw", nc)
}

// digest runs a full round: the unauthenticated request, its 401 and
// single challenge, then the answer. It returns the final response and
// the Authorization header it sent.
func (e *env) digest(method, path, username, password, body string) (response, string) {
	e.t.Helper()
	from := header{"From": "sip:" + username + "@" + domain}
	first := e.do(method, path, from, body)
	if first.Status != 401 {
		e.t.Fatalf("first request: status %d, want 401: %s", first.Status, first.Body)
	}
	challenges := first.Header.Values("WWW-Authenticate")
	if len(challenges) != 1 {
		e.t.Fatalf("want exactly one WWW-Authenticate field, got %q", challenges)
	}
	authz := answer(parseChallenge(e.t, challenges[0]), method, path, username, password, "00000001")
	from["Authorization"] = authz
	return e.do(method, path, from, body), authz
}
