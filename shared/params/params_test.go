package params

import (
	"context"
	"strings"
	"testing"
)

// Without FLEXIAPI_SSM_PARAMETERS the environment is read as it is and
// no AWS configuration is needed (the local functions, the tests).
func TestNoMapping(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:1") // nothing answers there
	env := map[string]string{"APP_NAME": "x"}
	getenv, err := Getenv(context.Background(), func(k string) string { return env[k] })
	if err != nil || getenv("APP_NAME") != "x" {
		t.Fatalf("%q %v", getenv("APP_NAME"), err)
	}
}

// A malformed mapping fails before any call, naming what is wrong.
func TestBadMapping(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:1")
	for value, want := range map[string]string{
		`ACCOUNT_PROVISIONING_RC_FILE=/a`:               "must be a JSON object",
		`{"DB_HOST":"/a"}`:                              "DB_HOST is not a FlexiAPI variable",
		`{"FLEXIAPI_SSM_PARAMETERS":"/a"}`:              "FLEXIAPI_SSM_PARAMETERS is not a FlexiAPI variable",
		`{"APP_NAME":"a/b"}`:                            "APP_NAME: SSM parameter name \"a/b\": a name in a hierarchy starts with /",
		`{"APP_NAME":"/aws/service/x"}`:                 "reserved",
		`{"APP_NAME":"/flexiapi/with space"}`:           "only letters",
		`{"APP_NAME":"/flexiapi/","MAIL_FROM_NAME":""}`: "an empty level",
	} {
		_, err := Getenv(context.Background(), func(k string) string { return map[string]string{"FLEXIAPI_SSM_PARAMETERS": value}[k] })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", value, err, want)
		}
	}
}
