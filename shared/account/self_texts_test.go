package account

import (
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

func loadConfig(t *testing.T, vars map[string]string) *config.Config {
	t.Helper()
	c, err := config.Load(func(k string) string {
		if k == "APP_KEY" {
			return "base64:test"
		}
		return vars[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChangeCodeIsFlexiAPIsPIN(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := changeCode()
		if len(c) != 4 || c[0] == '0' || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 1000 {
		t.Fatalf("%d distinct codes in 2000 draws", len(seen))
	}
}

func TestTexts(t *testing.T) {
	if got := smsPhoneChangeText("Account Manager", "1234"); got != "Your Account Manager validation code is 1234" {
		t.Fatal(got)
	}
	m := registerValidationEmail("Linphone <&>", "The Team", "bob@example.org", "4321")
	if m.Subject != "Register Validation" || m.To != "bob@example.org" ||
		!strings.Contains(m.Text, "You just created an account on Linphone <&> using your email account.") ||
		!strings.Contains(m.Text, "\n4321\n") || !strings.Contains(m.HTML, "Linphone &lt;&amp;&gt;") || !strings.Contains(m.HTML, "4321") {
		t.Fatalf("%+v", m)
	}

	email := "alice@example.org"
	a := &Account{Username: "alice", Domain: "sip.example.org", Email: &email}
	m = confirmedRegistrationEmail(loadConfig(t, nil), a)
	for _, want := range []string{"Registration confirmed Account Manager", "Your SIP account has been successfully created.",
		"    SIP address: sip:alice@sip.example.org\n", "    Proxy/registrar address:  sip:sip.domain.com\n",
		"    Transport:  TLS (recommended), TCP or UDP\n", "Regards,\nThe Linphone Team"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if m.Subject != "Confirmed Registration" || m.To != email {
		t.Fatalf("%+v", m)
	}
	m = confirmedRegistrationEmail(loadConfig(t, map[string]string{"INSTANCE_CONFIRMED_REGISTRATION_TEXT": "Welcome <b>aboard</b>",
		"ACCOUNT_PROXY_REGISTRAR_ADDRESS": "null"}), a)
	if !strings.Contains(m.Text, "Welcome <b>aboard</b>") || strings.Contains(m.Text, "successfully created") ||
		!strings.Contains(m.HTML, "Welcome &lt;b&gt;aboard&lt;/b&gt;") {
		t.Fatalf("custom text:\n%s\n%s", m.Text, m.HTML)
	}
}
