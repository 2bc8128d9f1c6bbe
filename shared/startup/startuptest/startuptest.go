// Package startuptest checks a function's wiring without AWS: the wiring
// test of every functions/<group> calls Wiring.
package startuptest

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
)

// Wiring builds the group's router from the route table, its handlers and
// its schemas, with every gate open and closed: a route without a handler,
// a handler or schema without a route, or a name declared twice fails the
// test. group is the function's own group constructor, given no AWS
// client.
func Wiring(t *testing.T, group func(*config.Config) (startup.Group, error)) {
	t.Helper()
	for name, vars := range map[string]map[string]string{
		"gates closed": {"APP_KEY": "k"},
		"gates open": {"APP_KEY": "k", "APP_DANGEROUS_ENDPOINTS": "true",
			"SIP_PROXY": "sip:proxy.example.org", "SIP_SENDER_URI": "sip:flexiapi@example.org"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Load(func(k string) string { return vars[k] })
			if err != nil {
				t.Fatal(err)
			}
			g, err := group(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := startup.Router(g, cfg, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}
