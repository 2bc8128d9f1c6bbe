//go:build integration

package e2e

import "testing"

// TestLinphoneSuite: the whole `suite` scenario of the Linphone 5.1 client
// harness (../shared/tools/linphone-client), as a real app drives the API:
// admin create, Digest with both algorithms, password change, email
// request, devices, contacts (user and admin), admin delete, creation with
// a token through the 2021 routes, activation by email code, delete-me.
func TestLinphoneSuite(t *testing.T) {
	e := newEnv(t, nil)
	linphone(t, e.url+"/api/", "suite", e.admin.Key, domain)
}
