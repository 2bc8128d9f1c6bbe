package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func load(vars map[string]string) (*Config, error) {
	return Load(func(k string) string { return vars[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(map[string]string{"APP_KEY": "k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.SIPDomain != "sip.domain.com" || c.AppName != "Account Manager" || c.AppURL != "" ||
		c.DefaultPasswordAlgorithm != "SHA-256" || c.APIKeyExpiration != time.Hour || c.DigestNonceTTL != time.Hour ||
		c.UsernameMinLength != 6 || c.PasswordMinLength != 6 || c.EmailUnique || c.DangerousEndpoints ||
		c.RateLimitPerMinute != 600 || c.TableName != "flexiapi" || c.JWTPublicKey != nil || c.Realm != "" ||
		c.TombstoneRetention != 7*24*time.Hour || c.UnconfirmedRetention != 30*24*time.Hour {
		t.Fatalf("%+v", c)
	}
	if !c.UsernameRegex.MatchString("foo.bar-1") || c.UsernameRegex.MatchString("Foo") {
		t.Fatal("default username regex")
	}
	if c.RealmFor("d.example.org") != "d.example.org" || c.RealmJSON() != nil {
		t.Fatal("realm fallback")
	}
}

func TestInvalidConfigurationIsReportedAtOnce(t *testing.T) {
	_, err := load(map[string]string{
		"ACCOUNT_EMAIL_UNIQUE":               "maybe",
		"ACCOUNT_USERNAME_REGEX":             "([",
		"APP_API_KEY_EXPIRATION_MINUTES":     "-1",
		"ACCOUNT_DEFAULT_PASSWORD_ALGORITHM": "SHA1",
		"JWT_RSA_PUBLIC_KEY_PEM":             "not a pem",
		"APP_URL":                            "localhost",
	})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, name := range []string{"APP_KEY", "ACCOUNT_EMAIL_UNIQUE", "ACCOUNT_USERNAME_REGEX", "APP_API_KEY_EXPIRATION_MINUTES",
		"ACCOUNT_DEFAULT_PASSWORD_ALGORITHM", "JWT_RSA_PUBLIC_KEY_PEM", "APP_URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%s not reported: %v", name, err)
		}
	}
}

func TestBooleansAndNull(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "1": true, "(true)": true, "false": false, "0": false, "null": false, "": false} {
		c, err := load(map[string]string{"APP_KEY": "k", "APP_DANGEROUS_ENDPOINTS": v})
		if err != nil || c.DangerousEndpoints != want {
			t.Errorf("%q: %v %v", v, c, err)
		}
	}
}

func TestJWTKeyForms(t *testing.T) {
	const pem = `-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMl4kGqRKDS4c3ERV1eSpqsVG2S+Tvng
/o3ATgxfNvt+CQnTzHZuGo0kFuQ1BaqdZx2DgTPoQlyA0flBiQNUkRsCAwEAAQ==
-----END PUBLIC KEY-----`
	for name, v := range map[string]string{"multi-line": pem, "escaped newlines": strings.ReplaceAll(pem, "\n", `\n`)} {
		c, err := load(map[string]string{"APP_KEY": "k", "JWT_RSA_PUBLIC_KEY_PEM": v})
		if err != nil || c.JWTPublicKey == nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestOperationsGuideListsEveryVariable keeps docs/operations.md true.
func TestOperationsGuideListsEveryVariable(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(doc), "`"+v.Name+"`") {
			t.Errorf("docs/operations.md does not document %s", v.Name)
		}
	}
}

// TestOperationsGuideMapsFlexiAPIEnv: every FlexiAPI variable we refuse is
// in the guide's table with the same reason, and none of ours is in the
// map.
func TestOperationsGuideMapsFlexiAPIEnv(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, v := range Vars {
		ours[v.Name] = true
	}
	for name, why := range FlexiAPIEnv {
		if ours[name] {
			t.Errorf("%s is ours and in FlexiAPIEnv", name)
		}
		found := false
		for _, line := range strings.Split(string(doc), "\n") {
			if strings.Contains(line, "`"+name+"`") && strings.Contains(line, strings.ReplaceAll(why, "|", `\|`)) {
				found = true
			}
		}
		if !found {
			t.Errorf("docs/operations.md has no row for %s with %q", name, why)
		}
	}
	if !strings.Contains(string(doc), "### From FlexiAPI's `.env`") {
		t.Error("the section EnvMapDoc names is gone")
	}
}
