package main

import (
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
)

// The group's router builds from the route table, its handlers and its
// schemas, with every gate open and closed: a route without a handler, a
// handler or schema without a route, or a name declared twice fails here,
// without AWS.
func TestWiring(t *testing.T) {
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
			if _, err := startup.Router(group(cfg, nil), cfg, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}
