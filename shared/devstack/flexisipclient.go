package devstack

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"time"
)

// What Flexisip sends, for the tests and `make bench`: the
// ExternalAuthentication plugin's call and the statistics client's
// transport, written from Flexisip's sources (docs/flexisip.md), not
// from the server's code.

// FlexisipAuthTemplate is the plugin's remote-auth-uri for this API
// (docs/flexisip.md gives operators the same): base is the machine API's
// URL up to /api, secret FLEXISIP_AUTH_SECRET.
func FlexisipAuthTemplate(base, secret string) string {
	return strings.TrimRight(base, "/") + "/api/flexisip/auth?secret=" + FlexisipEscape(secret) +
		"&username={username}&realm={realm}&nonce={nonce}&uri={uri}&response={response}" +
		"&cnonce={cnonce}&nc={nc}&qop={qop}&algorithm={algorithm}&method={method}&domain={domain}"
}

// FlexisipAuthURL fills a template as the plugin does: each {token} with
// its value escaped as sofia-sip's url_escape(value, httpReserved) does,
// and "null" (unescaped) for a parameter the Authorization header lacks.
func FlexisipAuthURL(template string, tokens map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		j := strings.IndexByte(template[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:i])
		name := template[i+1 : i+1+j]
		if v, ok := tokens[name]; ok && v != "" {
			b.WriteString(FlexisipEscape(v))
		} else {
			b.WriteString("null")
		}
		template = template[i+2+j:]
	}
}

// FlexisipEscape percent-encodes everything but letters, digits and
// "-_.~": httpReserved (!"#$%&'()*+,/:;<=>?@[\]^`{|}), spaces, controls
// and non-ASCII bytes are all escaped, so "+" never reads as a space.
func FlexisipEscape(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&0xf])
	}
	return b.String()
}

// FlexisipStatsClient speaks as Flexisip's statistics client does
// (src/utils/transport/http/http2client.cc): HTTP/2 only, over TLS, ALPN
// offering only "h2", no fallback, certificates not verified; with
// sni=false no SNI either (Flexisip before 2.4.4 / 2.5.0; dialling an
// IP address sends none anyway).
func FlexisipStatsClient(sni bool) *http.Client {
	var p http.Protocols
	p.SetHTTP2(true)
	tr := &http.Transport{
		Protocols: &p,
		TLSClientConfig: &tls.Config{
			NextProtos:         []string{"h2"},
			InsecureSkipVerify: true, //nolint:gosec // Flexisip does not verify either
		},
		DisableCompression: true, // Flexisip sends no accept-encoding
		ForceAttemptHTTP2:  true,
	}
	if sni {
		tr.TLSClientConfig.ServerName = "localhost"
	}
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// FlexisipStatsHeaders are the headers Flexisip's statistics client sends
// besides :authority (2.3.2+: content-length too, which the transport
// writes): x-api-key, content-type and accept; no user-agent.
func FlexisipStatsHeaders(apiKey string) http.Header {
	return http.Header{
		"X-Api-Key":    {apiKey},
		"Content-Type": {"application/json"},
		"Accept":       {"application/json"},
		"User-Agent":   {""}, // none
	}
}
