package config

import (
	"strings"
	"time"
)

// MaxSIPMessageTimeout bounds SIP_MESSAGE_TIMEOUT: the messages function
// must answer before API Gateway's 29-second integration limit.
const MaxSIPMessageTimeout = 25 * time.Second

// MessagesConfigured reports whether POST /api/messages exists: a proxy
// and a sender identity are configured; without them the route is not
// deployed and answers 404 before any authentication, as FlexiAPI does
// without its SIP daemon. The password may be
// empty for a proxy that does not challenge the sender.
func (c *Config) MessagesConfigured() bool {
	return c.SIPProxy != "" && c.SIPSenderURI != ""
}

// checkSIP checks the shape of the SIP variables, so that a typo fails the
// deployment (and the cold start) instead of every POST /messages. The
// full parse is shared/sip's; this is the part that needs no SIP stack.
func checkSIP(r *reader, c *Config) {
	if c.SIPProxy != "" {
		scheme, rest, ok := strings.Cut(c.SIPProxy, ":")
		host, params, _ := strings.Cut(rest, ";")
		switch {
		case !ok || (!strings.EqualFold(scheme, "sip") && !strings.EqualFold(scheme, "sips")):
			r.fail("SIP_PROXY", "must be a sip: or sips: URI (sip:proxy.example.org;transport=tcp)")
		case host == "" || strings.Contains(host, "@"):
			r.fail("SIP_PROXY", "must name the proxy's host (and port), without a user part")
		default:
			for _, p := range strings.Split(params, ";") {
				name, value, _ := strings.Cut(p, "=")
				if strings.EqualFold(strings.TrimSpace(name), "transport") {
					switch strings.ToLower(strings.TrimSpace(value)) {
					case "udp", "tcp", "tls":
					default:
						r.fail("SIP_PROXY", "transport must be udp, tcp or tls, not "+value)
					}
				}
			}
		}
	}
	if c.SIPSenderURI != "" {
		scheme, rest, ok := strings.Cut(c.SIPSenderURI, ":")
		user, host, at := strings.Cut(rest, "@")
		if !ok || (!strings.EqualFold(scheme, "sip") && !strings.EqualFold(scheme, "sips")) || !at || user == "" || host == "" {
			r.fail("SIP_SENDER_URI", "must be the sender's SIP address, sip:user@domain")
		}
	}
	if (c.SIPProxy == "") != (c.SIPSenderURI == "") {
		r.fail("SIP_PROXY", "and SIP_SENDER_URI go together: set both to enable POST /messages, or neither")
	}
	if c.SIPMessageTimeout > MaxSIPMessageTimeout {
		r.fail("SIP_MESSAGE_TIMEOUT", "must be at most 25 seconds (API Gateway gives up after 29)")
	}
}
