package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestMain(m *testing.M) {
	code := m.Run()
	os.RemoveAll(testDist)
	os.Exit(code)
}

// testDist holds dummy Lambda zips, so the tests do not depend on `make
// build` (the template does not look inside the packages).
var (
	testDist     string
	testDistOnce sync.Once
)

func dummyDist(t *testing.T) string {
	t.Helper()
	testDistOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flexiapi-infra-dist-")
		if err != nil {
			panic(err)
		}
		for _, p := range append(Programs(), FlexisipSync) {
			f, err := os.Create(filepath.Join(dir, p+".zip"))
			if err != nil {
				panic(err)
			}
			zw := zip.NewWriter(f)
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: "bootstrap", Method: zip.Deflate})
			fmt.Fprintf(w, "#!/bin/sh\n# dummy %s bootstrap\n", p)
			if err := zw.Close(); err != nil {
				panic(err)
			}
			f.Close()
		}
		testDist = dir
	})
	return testDist
}

// cdkContext is the context of the repository's cdk.json (feature flags),
// so the tests build what `cdk synth` builds.
func cdkContext(t *testing.T) map[string]any {
	t.Helper()
	root, err := FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		App     string         `json:"app"`
		Output  string         `json:"output"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	return c.Context
}

// writeConfig writes a configuration file and returns its path.
func writeConfig(t *testing.T, vars map[string]any) string {
	t.Helper()
	data, err := json.Marshal(vars)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// newApp builds an app with cdk.json's context, the dummy zips, an
// output directory of its own and extra context.
func newApp(t *testing.T, extra map[string]any) awscdk.App {
	t.Helper()
	ctx := cdkContext(t)
	ctx[CtxDist] = dummyDist(t)
	for k, v := range extra {
		ctx[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
}

// Template is a synthesized template, decoded.
type Template struct {
	Resources map[string]Resource `json:"Resources"`
	Outputs   map[string]struct {
		Description string `json:"Description"`
		Value       any    `json:"Value"`
	} `json:"Outputs"`
}

// Resource is one resource of a template.
type Resource struct {
	Type                string         `json:"Type"`
	Properties          map[string]any `json:"Properties"`
	DependsOn           any            `json:"DependsOn"`
	DeletionPolicy      string         `json:"DeletionPolicy"`
	UpdateReplacePolicy string         `json:"UpdateReplacePolicy"`
}

// OfType returns the logical ids of the resources of a type.
func (tp *Template) OfType(typ string) map[string]Resource {
	out := map[string]Resource{}
	for id, r := range tp.Resources {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

// built is a stack with its assertion template and decoded JSON.
type built struct {
	stack    *FlexiAPIStack
	template assertions.Template
	json     *Template
}

func (b *built) idOf(element awscdk.CfnElement) string { return *b.stack.GetLogicalId(element) }

// fnID is the logical id of a program's function.
func (b *built) fnID(program string) string {
	return b.idOf(b.stack.Functions[program].Node().DefaultChild().(awscdk.CfnElement))
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*built{}
)

// build synthesizes a stack for a context (cached by name: the stacks
// are read-only once built).
func build(t *testing.T, name string, extra map[string]any) *built {
	t.Helper()
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if b, ok := cache[name]; ok {
		return b
	}
	app := newApp(t, extra)
	st, err := Build(app)
	if err != nil {
		t.Fatalf("build %s: %v", name, err)
	}
	tpl := assertions.Template_FromStack(st.Stack, nil)
	raw, err := json.Marshal(tpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	var decoded Template
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	b := &built{stack: st, template: tpl, json: &decoded}
	cache[name] = b
	return b
}

// devStack is the default stage, no configuration file.
func devStack(t *testing.T) *built { return build(t, "dev", nil) }

// prodConfig is the configuration of prodStack.
var prodConfig = map[string]any{
	"APP_SIP_DOMAIN":                 "sip.example.org",
	"APP_URL":                        "https://flexiapi.example.org",
	"ACCOUNT_EMAIL_UNIQUE":           true,
	"ACCOUNT_USERNAME_MIN_LENGTH":    4,
	"FLEXIAPI_RATE_LIMIT_PER_MINUTE": 0,
	"HCAPTCHA_SECRET":                "{{resolve:secretsmanager:flexiapi/hcaptcha:SecretString:secret}}",
}

// prodStack: production, alarm email, access logs, 90-day logs, a
// configuration that turns the WAF rule off.
func prodStack(t *testing.T) *built {
	return build(t, "prod", map[string]any{
		CtxStage:         "prod",
		CtxProduction:    true,
		CtxAlarmEmail:    "ops@example.org",
		CtxAccessLogs:    "true",
		CtxLogRetention:  90,
		CtxConfig:        writeConfig(t, prodConfig),
		"accountsMemory": "512",
	})
}

// catch turns a jsii assertion panic (a failed CDK assertion) into a test
// error.
func catch(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: %v", what, p)
		}
	}()
	f()
}

// refs collects, anywhere inside v, the logical ids named by Ref and
// Fn::GetAtt.
func refs(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				switch k {
				case "Ref":
					if s, ok := e.(string); ok {
						out = append(out, s)
						continue
					}
				case "Fn::GetAtt":
					if l, ok := e.([]any); ok && len(l) > 0 {
						if s, ok := l[0].(string); ok {
							out = append(out, s)
							continue
						}
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

func refersTo(v any, id string) bool {
	for _, r := range refs(v) {
		if r == id {
			return true
		}
	}
	return false
}

// strs turns a JSON string or list of strings into a list.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
