package extauthapi

import (
	"bufio"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/extauth"
)

// parse reads an answer as Flexisip's plugin does
// (ExternalAuthModule::parseHttpBody): lines split at "\n", skipped when
// empty, "Key: value" with the value after the spaces that follow the
// colon; a line without a colon or without a value is an error.
func parse(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		v = strings.TrimLeft(v, " \t\r\n\v\f")
		if !ok || v == "" {
			t.Fatalf("the plugin refuses the line %q", line)
		}
		out[k] = v
	}
	return out
}

func TestAnswer(t *testing.T) {
	for _, c := range []struct {
		name string
		o    extauth.Outcome
		body string
	}{
		{"success", extauth.Outcome{Status: 200, Identity: `"Alice" <sip:alice@sip.example.org>`},
			"Status: 200\nP-Asserted-Identity: \"Alice\" <sip:alice@sip.example.org>\n"},
		{"unauthorized", extauth.Outcome{Status: 401, Why: "wrong response"}, "Status: 401\n"},
		{"forbidden", extauth.Outcome{Status: 403, Phrase: "Account blocked", Reason: `SIP;cause=403;text="Account blocked"`},
			"Status: 403\nPhrase: Account blocked\nReason: SIP;cause=403;text=\"Account blocked\"\n"},
		{"no line break reaches a value", extauth.Outcome{Status: 200, Identity: "<sip:a@b>\r\nStatus: 200"},
			"Status: 200\nP-Asserted-Identity: <sip:a@b>Status: 200\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Answer(c.o)
			if r.Status != 200 || r.Header.Get("Content-Type") != ContentType {
				t.Fatalf("HTTP %d %q", r.Status, r.Header.Get("Content-Type"))
			}
			if string(r.Body) != c.body {
				t.Fatalf("body %q, want %q", r.Body, c.body)
			}
			kv := parse(t, string(r.Body))
			if kv["Status"] == "" {
				t.Fatal("no Status")
			}
		})
	}
}
