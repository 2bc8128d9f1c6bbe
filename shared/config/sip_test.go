package config

import (
	"strings"
	"testing"
	"time"
)

func TestSIPVariables(t *testing.T) {
	c, err := load(map[string]string{"APP_KEY": "k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.MessagesConfigured() || c.SIPMessageTimeout != 5*time.Second {
		t.Errorf("defaults: configured %v, timeout %v", c.MessagesConfigured(), c.SIPMessageTimeout)
	}
	c, err = load(map[string]string{"APP_KEY": "k", "SIP_PROXY": "sips:proxy.example.org:5061", "SIP_SENDER_URI": "sip:sender@example.org",
		"SIP_MESSAGE_TIMEOUT": "12"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.MessagesConfigured() || c.SIPMessageTimeout != 12*time.Second {
		t.Errorf("configured %v, timeout %v", c.MessagesConfigured(), c.SIPMessageTimeout)
	}
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"SIP_PROXY": "http://proxy.example.org", "SIP_SENDER_URI": "sip:a@b.org"}, "SIP_PROXY must be a sip: or sips: URI"},
		{map[string]string{"SIP_PROXY": "sip:user@proxy.example.org", "SIP_SENDER_URI": "sip:a@b.org"}, "SIP_PROXY must name the proxy's host"},
		{map[string]string{"SIP_PROXY": "sip:proxy.example.org;transport=sctp", "SIP_SENDER_URI": "sip:a@b.org"}, "transport must be udp, tcp or tls"},
		{map[string]string{"SIP_PROXY": "sip:proxy.example.org", "SIP_SENDER_URI": "sender@example.org"}, "SIP_SENDER_URI must be"},
		{map[string]string{"SIP_PROXY": "sip:proxy.example.org"}, "go together"},
		{map[string]string{"SIP_SENDER_URI": "sip:a@b.org"}, "go together"},
		{map[string]string{"SIP_MESSAGE_TIMEOUT": "0"}, "SIP_MESSAGE_TIMEOUT must be an integer >= 1"},
		{map[string]string{"SIP_MESSAGE_TIMEOUT": "26"}, "SIP_MESSAGE_TIMEOUT must be at most 25"},
	} {
		tc.vars["APP_KEY"] = "k"
		if _, err := load(tc.vars); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.vars, err, tc.want)
		}
	}
}
