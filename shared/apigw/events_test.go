package apigw_test

// The sample events of events/ (the same files `sam local invoke -e`
// takes): decoded into aws-lambda-go's types, re-marshalled and compared
// as aws-lambda-go's own tests do, converted by this package, and run
// through the real router (proxy_events_test.go) and authorizer
// (authorizer_events_test.go) code. No DynamoDB needed. This file holds
// the fixture helpers and the checks of the folder itself.

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

const eventsDir = "../../events"

// The deployment every fixture comes from (events/README.md).
const (
	fixtureBaseURL = "https://k7x2m9q4ra.execute-api.eu-west-1.amazonaws.com/prod"
	fixtureAPIKey  = "f3Kq8ZsW1xYbN7cR2vLm9TgH4pJd6aEu0oQiXyBz"
	fixtureDomain  = "sip.example.org"
	fixtureIP      = "203.0.113.42"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	env := map[string]string{
		"APP_KEY":        "base64:events-test-key-0123456789abcdefghijklmnop",
		"APP_SIP_DOMAIN": fixtureDomain,
		"APP_URL":        "https://api.example.org",
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// readEvent decodes events/<name> into v, re-marshals v and compares the
// result with the file. The comparison treats null, a zero value and an
// absent member alike (AWS sends "body": null, Go writes ""); beyond that,
// only the listed paths may be lost in decoding, and each of them must be
// in the file, so a misspelt field name fails here.
func readEvent(t *testing.T, name string, v any, dropped ...string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: decode into %T: %v", name, v, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: re-marshal: %v", name, err)
	}
	in, back := flatten(t, raw), flatten(t, out)
	allowed := map[string]bool{}
	for _, p := range dropped {
		allowed[p] = true
		if _, ok := in[p]; !ok {
			t.Errorf("%s: %s is declared as dropped but the file does not have it", name, p)
		}
	}
	for _, p := range sortedKeys(in) {
		got, ok := back[p]
		switch {
		case !ok && !allowed[p]:
			t.Errorf("%s: %s = %v is lost when decoded into %T", name, p, in[p], v)
		case ok && !reflect.DeepEqual(got, in[p]):
			t.Errorf("%s: %s = %v in the file, %v after the round trip", name, p, in[p], got)
		}
	}
	for _, p := range sortedKeys(back) {
		if _, ok := in[p]; !ok {
			t.Errorf("%s: the round trip adds %s = %v", name, p, back[p])
		}
	}
	return raw
}

// flatten maps each non-zero leaf of a JSON document to its dotted path
// (array elements get their index).
func flatten(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		join := func(k string) string {
			if prefix == "" {
				return k
			}
			return prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(join(k), e)
			}
		case []any:
			for i, e := range x {
				walk(join(strconv.Itoa(i)), e)
			}
		default:
			// null and the zero values: what AWS sends as null, Go writes
			// as a zero value or omits.
			if x != nil && x != "" && x != false && x != float64(0) {
				out[prefix] = x
			}
		}
	}
	walk("", v)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestEventsREADMEListsEveryFile(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(eventsDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events found in %s (%v)", eventsDir, err)
	}
	tested := map[string]bool{
		"proxy-ping.json": true, "proxy-accounts-me-apikey.json": true, "proxy-create-account.json": true,
		"proxy-unknown-route.json": true, "authorizer-digest-challenge.json": true, "authorizer-apikey.json": true,
		"schedule-maintenance.json": true, "sam-env.json": true, "proxy-provisioning-custom-domain.json": true,
		"dynamodb-stream-account.json": true, // tested in shared/streamgw
	}
	for _, f := range files {
		name := filepath.Base(f)
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("events/README.md does not describe %s", name)
		}
		if !tested[name] {
			t.Errorf("events/%s has no test in shared/apigw/*events_test.go", name)
		}
	}
}

// The --env-vars file of sam local sets only FlexiAPI variables.
func TestSAMEnvVars(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(eventsDir, "sam-env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Parameters map[string]string }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, v := range config.Vars {
		known[v.Name] = true
	}
	for _, name := range []string{"FLEXIAPI_TABLE", "APP_KEY"} {
		if f.Parameters[name] == "" {
			t.Errorf("sam-env.json: Parameters.%s is missing", name)
		}
	}
	for name := range f.Parameters {
		if !known[name] {
			t.Errorf("sam-env.json: %s is not a variable of config.Vars", name)
		}
	}
}

func TestScheduleEvent(t *testing.T) {
	var ev events.EventBridgeEvent
	readEvent(t, "schedule-maintenance.json", &ev)
	if ev.DetailType != "Scheduled Event" || ev.Source != "aws.events" || ev.Version != "0" {
		t.Errorf("detail-type %q source %q version %q", ev.DetailType, ev.Source, ev.Version)
	}
	if want := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("time = %v, want %v", ev.Time, want)
	}
	if len(ev.Resources) != 1 || !strings.HasPrefix(ev.Resources[0], "arn:aws:events:eu-west-1:123456789012:rule/") {
		t.Errorf("resources = %v", ev.Resources)
	}
	if string(ev.Detail) != "{}" {
		t.Errorf("detail = %s", ev.Detail)
	}
}
