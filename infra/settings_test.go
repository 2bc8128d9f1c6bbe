package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func ctxOf(m map[string]any) Context { return func(k string) any { return m[k] } }

func loadWith(t *testing.T, ctx map[string]any, vars map[string]any) (*Settings, error) {
	t.Helper()
	if vars != nil {
		ctx[CtxConfig] = writeConfig(t, vars)
	}
	return LoadSettings(ctxOf(ctx), "/repo", "/repo/infra")
}

func TestSettingsDefaults(t *testing.T) {
	s, err := loadWith(t, map[string]any{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Machine; !m.AccessLogs || m.LoadBalancer || m.ThrottleRate != DefaultMachineThrottleRate {
		t.Errorf("machine API defaults %+v: access logs on, no load balancer, no domain", m)
	}
	if s.Stage != "dev" || s.Production || s.AccessLogs || s.AlarmEmail != "" || s.LogRetentionDays != 30 ||
		s.RateLimitPerMinute != 600 || s.Schedule != "cron(0 3 * * ? *)" || len(s.Env) != 0 {
		t.Errorf("defaults %+v", s)
	}
	if s.DistDir != "/repo/dist" {
		t.Errorf("dist %s, want /repo/dist (relative to the repository root)", s.DistDir)
	}
	for _, p := range Programs() {
		if s.Sizing[p].MemoryMB == 0 || s.Sizing[p].TimeoutSeconds == 0 {
			t.Errorf("%s: sizing %+v", p, s.Sizing[p])
		}
	}
	if s.Sizing[Authorizer].MemoryMB != 128 || s.Sizing["accounts"].MemoryMB != 256 || s.Sizing[Maintenance].TimeoutSeconds <= s.Sizing["accounts"].TimeoutSeconds {
		t.Errorf("sizing %+v", s.Sizing)
	}
}

func TestSettingsContextTypes(t *testing.T) {
	// -c key=value gives strings; cdk.json gives JSON types.
	for _, ctx := range []map[string]any{
		{"stage": "prod", "production": "true", "logRetentionDays": "90", "accountsMemory": "512", "throttleRate": "50"},
		{"stage": "prod", "production": true, "logRetentionDays": float64(90), "accountsMemory": float64(512), "throttleRate": float64(50)},
	} {
		s, err := loadWith(t, ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.Stage != "prod" || !s.Production || s.LogRetentionDays != 90 || s.Sizing["accounts"].MemoryMB != 512 || s.ThrottleRate != 50 {
			t.Errorf("%v → %+v", ctx, s)
		}
	}
}

func TestSettingsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  map[string]any
		vars map[string]any
		want string
	}{
		{"stage", map[string]any{"stage": "my_stage"}, nil, "context stage"},
		{"production", map[string]any{"production": "maybe"}, nil, "context production"},
		{"retention", map[string]any{"logRetentionDays": 31}, nil, "CloudWatch Logs accepts"},
		{"memory", map[string]any{"metaMemory": 64}, nil, "metaMemory=64"},
		{"timeout", map[string]any{"maintenanceTimeout": "1000"}, nil, "maintenanceTimeout=1000"},
		{"email", map[string]any{"alarmEmail": "ops"}, nil, "alarmEmail"},
		{"existing table", map[string]any{"existingTable": "no spaces allowed"}, nil, "existingTable"},
		{"unknown variable", map[string]any{}, map[string]any{"APP_SIP_DOMAN": "x"}, "APP_SIP_DOMAN is not a FlexiAPI variable"},
		{"table", map[string]any{}, map[string]any{"FLEXIAPI_TABLE": "t"}, "FLEXIAPI_TABLE cannot be configured"},
		{"clear APP_KEY", map[string]any{}, map[string]any{"APP_KEY": "base64:abc"}, "APP_KEY is a secret"},
		{"clear SIP password", map[string]any{}, map[string]any{"SIP_SENDER_PASSWORD": "pw"}, "SIP_SENDER_PASSWORD is a secret"},
		{"ssm-secure", map[string]any{}, map[string]any{"APP_NAME": "{{resolve:ssm-secure:x}}"}, "accept only"},
		{"object", map[string]any{}, map[string]any{"APP_NAME": map[string]any{"a": 1}}, `APP_NAME: an object value must be exactly {"ssmParameter": "/parameter/name"}`},
		{"object and more", map[string]any{}, map[string]any{"APP_NAME": map[string]any{"ssmParameter": "/a", "tier": "Advanced"}}, "APP_NAME: an object value must be exactly"},
		{"parameter not a string", map[string]any{}, map[string]any{"APP_NAME": map[string]any{"ssmParameter": 3}}, "APP_NAME: an object value must be exactly"},
		{"list", map[string]any{}, map[string]any{"APP_NAME": []any{"a"}}, "APP_NAME: the value must be a string, a number, a boolean or {\"ssmParameter\""},
		{"parameter name", map[string]any{}, map[string]any{"APP_NAME": map[string]any{"ssmParameter": "flexiapi/app-name"}}, "a name in a hierarchy starts with /"},
		{"mapping configured", map[string]any{}, map[string]any{"FLEXIAPI_SSM_PARAMETERS": `{"APP_NAME":"/a"}`}, "FLEXIAPI_SSM_PARAMETERS cannot be configured"},
		{"synth variable as parameter", map[string]any{}, map[string]any{"SIP_PROXY": map[string]any{"ssmParameter": "/flexiapi/proxy"}}, "SIP_PROXY cannot be an SSM parameter: the stack reads it at synth"},
		{"invalid value", map[string]any{}, map[string]any{"ACCOUNT_DEFAULT_PASSWORD_ALGORITHM": "SHA1"}, "ACCOUNT_DEFAULT_PASSWORD_ALGORITHM must be one of"},
		{"invalid regex", map[string]any{}, map[string]any{"ACCOUNT_USERNAME_REGEX": "("}, "ACCOUNT_USERNAME_REGEX"},
		{"invalid PEM", map[string]any{}, map[string]any{"JWT_RSA_PUBLIC_KEY_PEM": "nope"}, "JWT_RSA_PUBLIC_KEY_PEM"},
		{"WAF minimum", map[string]any{}, map[string]any{"FLEXIAPI_RATE_LIMIT_PER_MINUTE": 5}, "at least 10"},
		{"missing file", map[string]any{"config": "/nonexistent/flexiapi.json"}, nil, "configuration file"},
		{"machine domain without certificate", map[string]any{CtxDomains: map[string]any{"machine": map[string]any{"name": "api.example.org"}}}, nil, "not an ACM certificate ARN"},
		{"machine domain base path", map[string]any{CtxDomains: map[string]any{"machine": map[string]any{"name": "api.example.org", "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0d3a6f7e-1111-4a2b-9c3d-5e6f7a8b9c0d", "basePath": "flexisip"}}}, nil, "takes its domain's root"},
		{"load balancer without certificate", map[string]any{CtxLoadBalancer: true}, nil, "needs " + CtxLoadBalancerCertificate},
		{"certificate not an ARN", map[string]any{CtxLoadBalancer: true, CtxLoadBalancerCertificate: "my-cert"}, nil, "not an ACM certificate ARN"},
		{"machine throttle", map[string]any{CtxMachineThrottleRate: 0}, nil, CtxMachineThrottleRate},
		{"clear Flexisip secret", map[string]any{}, map[string]any{"FLEXISIP_AUTH_SECRET": "Zq3M7xT1vB9nK4sW8eR2yU6iO0pA5dFg"}, "FLEXISIP_AUTH_SECRET is a secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadWith(t, tc.ctx, tc.vars)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestConfigFileValues(t *testing.T) {
	s, err := loadWith(t, map[string]any{}, map[string]any{
		"APP_SIP_DOMAIN":                 "sip.example.org",
		"ACCOUNT_EMAIL_UNIQUE":           true,
		"DIGEST_NONCE_TTL":               30,
		"JWT_ISSUER":                     nil,
		"APP_KEY":                        "{{resolve:secretsmanager:flexiapi/app-key}}",
		"FLEXIAPI_RATE_LIMIT_PER_MINUTE": "0",
		"ACCOUNT_BLACKLISTED_USERNAMES":  "admin,root",
		"APP_API_KEY_EXPIRATION_MINUTES": "{{resolve:ssm:/flexiapi/key-minutes}}",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"APP_SIP_DOMAIN": "sip.example.org", "ACCOUNT_EMAIL_UNIQUE": "true", "DIGEST_NONCE_TTL": "30",
		"APP_KEY": "{{resolve:secretsmanager:flexiapi/app-key}}", "FLEXIAPI_RATE_LIMIT_PER_MINUTE": "0",
		"ACCOUNT_BLACKLISTED_USERNAMES": "admin,root", "APP_API_KEY_EXPIRATION_MINUTES": "{{resolve:ssm:/flexiapi/key-minutes}}",
	}
	if len(s.Env) != len(want) {
		t.Errorf("env %v", s.Env)
	}
	for k, v := range want {
		if s.Env[k] != v {
			t.Errorf("%s=%q, want %q", k, s.Env[k], v)
		}
	}
	if s.RateLimitPerMinute != 0 {
		t.Errorf("rate limit %d", s.RateLimitPerMinute)
	}
}

func TestResolvePath(t *testing.T) {
	root := t.TempDir()
	infra := filepath.Join(root, "infra")
	os.MkdirAll(filepath.Join(infra, "conf"), 0o755)
	os.WriteFile(filepath.Join(infra, "conf", "only-here.json"), []byte("{}"), 0o644)
	if got := resolvePath("dist", root, infra); got != filepath.Join(root, "dist") {
		t.Errorf("dist → %s", got)
	}
	if got := resolvePath("conf/only-here.json", root, infra); got != filepath.Join(infra, "conf", "only-here.json") {
		t.Errorf("fallback to cwd → %s", got)
	}
	if got := resolvePath("/abs/x.json", root, infra); got != "/abs/x.json" {
		t.Errorf("absolute → %s", got)
	}
	os.WriteFile(filepath.Join(infra, "go.mod"), []byte("module x\n"), 0o644)
	if got, err := FindRepoRoot(filepath.Join(infra, "conf")); err != nil || got != root {
		t.Errorf("FindRepoRoot → %s, %v", got, err)
	}
}

// TestProgramsMatchSources: the programs are the Lambda mains of the
// repository (functions/<name>/main.go and authorizer/main.go), which
// `make build` turns into dist/<name>.zip; flexisip-sync is deployed only
// when configured (flexisip.go).
func TestProgramsMatchSources(t *testing.T) {
	root, err := FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	mains, _ := filepath.Glob(filepath.Join(root, "functions", "*", "main.go"))
	want := map[string]bool{}
	for _, m := range mains {
		want[filepath.Base(filepath.Dir(m))] = true
	}
	if fileExists(filepath.Join(root, "authorizer", "main.go")) {
		want[Authorizer] = true
	}
	got := map[string]bool{FlexisipSync: true}
	for _, p := range Programs() {
		got[p] = true
	}
	if strings.Join(sortedKeys(got), ",") != strings.Join(sortedKeys(want), ",") {
		t.Errorf("programs %v, Lambda mains in the repository %v", sortedKeys(got), sortedKeys(want))
	}
}
