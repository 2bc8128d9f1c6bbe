package api

import "testing"

// benchTable is the production route table, where FlexiAPI's public
// GET /accounts/{sip}/info shares its variable's position with {id}: the
// realistic shape the matcher has to handle.
var benchTable = Routes

// BenchmarkMatch is the local gateway's routing of one request.
func BenchmarkMatch(b *testing.B) {
	for _, c := range []struct {
		name, method, path string
		found              bool
	}{
		{"ping", "GET", "/api/ping", true},
		{"me", "GET", "/api/accounts/me", true},
		{"id", "GET", "/api/accounts/4242", true},
		{"id_action", "POST", "/api/accounts/4242/activate", true},
		{"auth_token_attach", "GET", "/api/accounts/auth_token/0123456789abcdefghijklmnopqrstuv/attach", true},
		{"sip_info", "GET", "/api/accounts/bob%40sip.example.org/info", true},
		{"not_found", "GET", "/api/no/such/resource", false},
		{"method_not_allowed", "DELETE", "/api/ping", false},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := benchTable.Match(c.method, c.path); (err == nil) != c.found {
					b.Fatalf("%s %s: %v", c.method, c.path, err)
				}
			}
		})
	}
}

// BenchmarkByGateway is a function's lookup of its route from the event's
// resource and method.
func BenchmarkByGateway(b *testing.B) {
	for _, c := range []struct {
		name, method, resource string
		found                  bool
	}{
		{"static", "GET", "/api/accounts/me", true},
		{"variable", "POST", "/api/accounts/{id}/activate", true},
		{"sip_info", "GET", "/api/accounts/{id}/info", true},
		{"head", "HEAD", "/api/ping", true},
		{"miss", "GET", "/api/no/such/resource", false},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := benchTable.ByGateway(c.method, c.resource); ok != c.found {
					b.Fatalf("%s %s: found %v", c.method, c.resource, ok)
				}
			}
		})
	}
}
