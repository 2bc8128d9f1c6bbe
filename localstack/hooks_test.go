//go:build integration

package localstack_test

// The LocalStack init hooks (ready.d/*.sh) cannot meet LocalStack here (no
// Docker engine), so they run against the emulators `make test` starts
// (go run ./cmd/devstack exec): moto for SNS and SES v2 identities, the
// SES v2 emulator aws-ses-v2-local, DynamoDB Local. Each hook runs twice,
// with `sh` and the aws CLI as LocalStack would run it, and its effect is
// read back from the emulator.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// hook runs ready.d/<script> with sh, the process environment stripped of
// every AWS endpoint and FlexiAPI variable, plus vars.
func hook(t *testing.T, script string, vars map[string]string) (stdout, stderr string, err error) {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatal("the aws CLI is not on PATH: the hooks use it (it ships with the machine image, as moto does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", filepath.Join("ready.d", script))
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_ENDPOINT_URL") || strings.HasPrefix(name, "FLEXIAPI_") ||
			strings.HasPrefix(name, "APP_") || strings.HasPrefix(name, "ACCOUNT_") || name == "MAIL_FROM_ADDRESS" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish in time:\n%s%s", script, out.String(), errOut.String())
	}
	t.Logf("%s:\n%s%s", script, out.String(), errOut.String())
	return out.String(), errOut.String(), err
}

// mustHook is hook for a run that must succeed.
func mustHook(t *testing.T, script string, vars map[string]string) string {
	t.Helper()
	stdout, stderr, err := hook(t, script, vars)
	if err != nil {
		t.Fatalf("%s failed: %v\n%s%s", script, err, stdout, stderr)
	}
	return stdout
}

// motoData is moto's own dump of what it holds (GET /moto-api/data.json):
// every model instance created, so a second creation shows up in it.
func motoData(t *testing.T, moto string) map[string]map[string][]map[string]any {
	t.Helper()
	resp, err := http.Get(moto + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var data map[string]map[string][]map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		t.Fatalf("moto data.json: %v", err)
	}
	return data
}

func TestSESIdentityHook(t *testing.T) {
	t.Parallel()
	moto := testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS") // moto serves every service, SES v2 included
	sesLocal := testenv.Endpoint(t, "AWS_ENDPOINT_URL_SESV2")

	t.Run("moto: SES v2 identity", func(t *testing.T) {
		t.Parallel()
		address := testenv.UniqueName("hooks") + "@example.org"
		vars := map[string]string{"AWS_ENDPOINT_URL_SESV2": moto, "MAIL_FROM_ADDRESS": address}
		if out := mustHook(t, "10-ses-identity.sh", vars); !strings.Contains(out, "created "+address) {
			t.Errorf("first run: %q, want it created", out)
		}
		if out := mustHook(t, "10-ses-identity.sh", vars); !strings.Contains(out, address+" already exists") {
			t.Errorf("second run: %q, want it found", out)
		}
		n := 0
		for _, id := range motoData(t, moto)["ses"]["EmailIdentity"] {
			if id["email_identity"] == address {
				n++
			}
		}
		if n != 1 {
			t.Errorf("moto holds %d email identities %s, want 1", n, address)
		}
	})

	t.Run("aws-ses-v2-local: no identity API", func(t *testing.T) {
		t.Parallel()
		vars := map[string]string{"AWS_ENDPOINT_URL_SESV2": sesLocal, "MAIL_FROM_ADDRESS": "hello@example.com"}
		for run := 1; run <= 2; run++ {
			if out := mustHook(t, "10-ses-identity.sh", vars); !strings.Contains(out, "nothing to create") {
				t.Errorf("run %d: %q, want the no-identity note", run, out)
			}
		}
		resp, err := http.Get(sesLocal + "/store")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the SES emulator answers %d after the hook", resp.StatusCode)
		}
	})

	// An emulator without SES v2 identities (LocalStack answers 501 "not
	// yet implemented" for what it lacks): the v1 API, here moto's.
	t.Run("SES v2 not implemented: v1 fallback", func(t *testing.T) {
		t.Parallel()
		lacking := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("x-amzn-errortype", "InternalFailure")
			w.WriteHeader(http.StatusNotImplemented)
			fmt.Fprint(w, `{"__type":"InternalFailure","message":"API action 'CreateEmailIdentity' for service 'sesv2' not yet implemented or pro feature"}`)
		}))
		defer lacking.Close()
		address := testenv.UniqueName("hooks-v1") + "@example.org"
		vars := map[string]string{"AWS_ENDPOINT_URL_SESV2": lacking.URL, "AWS_ENDPOINT_URL_SES": moto, "MAIL_FROM_ADDRESS": address}
		for run := 1; run <= 2; run++ {
			if out := mustHook(t, "10-ses-identity.sh", vars); !strings.Contains(out, "verified "+address+" with the SES v1 API") {
				t.Errorf("run %d: %q, want the v1 verification", run, out)
			}
		}
		out, err := exec.Command("aws", "--endpoint-url", moto, "ses", "list-identities", "--output", "json").Output()
		if err != nil {
			t.Fatalf("ses list-identities: %v", err)
		}
		if !bytes.Contains(out, []byte(`"`+address+`"`)) {
			t.Errorf("moto's SES identities do not include %s: %s", address, out)
		}
	})

	t.Run("unreachable endpoint fails", func(t *testing.T) {
		t.Parallel()
		_, stderr, err := hook(t, "10-ses-identity.sh", map[string]string{
			"AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"})
		if err == nil || !strings.Contains(stderr, "cannot create the identity") {
			t.Errorf("want a failure with a message, got err=%v stderr=%q", err, stderr)
		}
	})
}

func TestSNSPlatformAppsHook(t *testing.T) {
	t.Parallel()
	moto := testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS")
	// A region of its own: other tests may use SNS on the same moto.
	const region = "ap-southeast-2"
	vars := map[string]string{"AWS_ENDPOINT_URL_SNS": moto, "AWS_DEFAULT_REGION": region, "AWS_REGION": region}

	// The default SNS_PUSH_PLATFORM_APPLICATIONS, with the platforms the
	// CDK stack gives these names (infra/notify_push.go).
	apps := []string{"flexiapi-fcm (GCM)", "flexiapi-apns (APNS)", "flexiapi-apns (APNS_SANDBOX)"}
	out := mustHook(t, "20-sns-platform-apps.sh", vars)
	for _, app := range apps {
		if !strings.Contains(out, "created "+app) {
			t.Errorf("first run: %q, want created %s", out, app)
		}
	}
	out = mustHook(t, "20-sns-platform-apps.sh", vars)
	for _, app := range apps {
		if !strings.Contains(out, app+" already exists") {
			t.Errorf("second run: %q, want %s already exists", out, app)
		}
	}

	seen := map[string]int{}
	for _, app := range motoData(t, moto)["sns"]["PlatformApplication"] {
		if app["region"] != region {
			continue
		}
		name, _ := app["name"].(string)
		platform, _ := app["platform"].(string)
		seen[name+" ("+platform+")"]++
		arn, _ := app["arn"].(string)
		if !strings.HasSuffix(arn, ":app/"+platform+"/"+name) {
			t.Errorf("%s: arn %s", name, arn)
		}
		attrs, _ := app["attributes"].(map[string]any)
		if attrs["PlatformCredential"] == nil || name == "flexiapi-apns" && attrs["PlatformPrincipal"] == nil {
			t.Errorf("%s: attributes %v", name, attrs)
		}
	}
	for _, app := range apps {
		if seen[app] != 1 {
			t.Errorf("moto created %s %d times in %s, want once", app, seen[app], region)
		}
	}
	if len(seen) != len(apps) {
		t.Errorf("platform applications in %s: %v, want only %v", region, seen, apps)
	}
}

// buildAdmin compiles the admin CLI as the Makefile does for the container.
func buildAdmin(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("go is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "flexiapi-admin")
	cmd := exec.Command(goBin, "build", "-trimpath", "-o", bin, "./cmd/flexiapi-admin")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/flexiapi-admin: %v\n%s", err, out)
	}
	return bin
}

type adminJSON struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Domain   string `json:"domain"`
	Password string `json:"password"`
	APIKey   string `json:"api_key"`
}

func TestBootstrapAdminHook(t *testing.T) {
	t.Parallel()
	ddb := testenv.Endpoint(t, "AWS_ENDPOINT_URL_DYNAMODB")
	bin := buildAdmin(t)
	const domain = "sip.hooks.test"
	outFile := filepath.Join(t.TempDir(), "flexiapi", "admin.json")
	vars := func(table string) map[string]string {
		return map[string]string{
			"AWS_ENDPOINT_URL_DYNAMODB": ddb, "FLEXIAPI_TABLE": table, "FLEXIAPI_ADMIN_BIN": bin,
			"FLEXIAPI_ADMIN_OUT": outFile, "APP_SIP_DOMAIN": domain,
		}
	}

	t.Run("before the deploy", func(t *testing.T) {
		out := mustHook(t, "30-bootstrap-admin.sh", vars(testenv.UniqueName("not-deployed")))
		if !strings.Contains(out, "does not exist yet") || !strings.Contains(out, "docker compose -f localstack/docker-compose.yml exec localstack") {
			t.Errorf("%q, want how to re-run the hook after the deploy", out)
		}
		if _, err := os.Stat(outFile); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the hook wrote %s without a table", outFile)
		}
	})

	t.Run("no admin binary", func(t *testing.T) {
		v := vars("any")
		v["FLEXIAPI_ADMIN_BIN"] = filepath.Join(t.TempDir(), "missing")
		_, stderr, err := hook(t, "30-bootstrap-admin.sh", v)
		if err == nil || !strings.Contains(stderr, "make dist/flexiapi-admin-linux") {
			t.Errorf("want a failure saying how to build it, got err=%v stderr=%q", err, stderr)
		}
	})

	st := testenv.Table(t)
	ctx := context.Background()
	read := func(t *testing.T, stdout string) adminJSON {
		t.Helper()
		raw, err := os.ReadFile(outFile)
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(outFile); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", outFile, fi.Mode().Perm(), err)
		}
		if !strings.Contains(stdout, strings.TrimSpace(string(raw))) {
			t.Errorf("the hook did not print the admin's JSON")
		}
		var a adminJSON
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if a.ID <= 0 || a.Username != "admin" || a.Domain != domain || a.Password == "" || a.APIKey == "" {
			t.Fatalf("admin JSON %+v", a)
		}
		acc, err := st.AccountBySIP(ctx, "admin", domain)
		if err != nil {
			t.Fatalf("the admin account is not in the table: %v", err)
		}
		if acc.ID != a.ID || acc.Admin == nil || !acc.Activated {
			t.Errorf("account %d: admin %v, activated %v", acc.ID, acc.Admin, acc.Activated)
		}
		// The password printed is the one the account authenticates with.
		if got, want := acc.Passwords["SHA-256"], auth.HA1("SHA-256", "admin", domain, a.Password); got != want {
			t.Errorf("stored SHA-256 hash does not match the printed password")
		}
		key, err := st.APIKey(ctx, auth.HashAPIKey(a.APIKey))
		if err != nil {
			t.Fatalf("the printed API key is not in the table: %v", err)
		}
		if key.AccountID != a.ID || !key.Admin {
			t.Errorf("API key record %+v", key)
		}
		return a
	}

	first := read(t, mustHook(t, "30-bootstrap-admin.sh", vars(st.Table())))
	second := read(t, mustHook(t, "30-bootstrap-admin.sh", vars(st.Table())))
	if second.ID != first.ID || second.Password != first.Password {
		t.Errorf("re-run changed the account or its password: %+v then %+v", first, second)
	}
	if second.APIKey == first.APIKey {
		t.Error("re-run kept the API key, want a fresh one")
	}
	if _, err := st.APIKey(ctx, auth.HashAPIKey(first.APIKey)); !errors.Is(err, authn.ErrNotFound) {
		t.Errorf("the previous API key still works after the re-run (err %v)", err)
	}
}
