package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

const (
	domain = "sip.example.org"
	// hello is the name of the reference binary among the bootstraps.
	hello = "hello-world"
)

// binaries are the bootstraps built for this machine (to run) and for
// the deployment (to weigh).
type binaries struct {
	local     map[string]string // name → bootstrap path, hello included
	localArch string
	size      map[string]int64 // name → bytes, linux/arm64 as deployed
	zipSize   map[string]int64 // name → bytes of <name>.zip (deployment package)
	localSize map[string]int64
	buildTime time.Duration
}

// build compiles the bootstraps and the hello-world reference with the
// deployment flags: for this machine (they run under the harness) and
// for linux/arm64 through `go run ./cmd/devstack build` (what is shipped).
func build(ctx context.Context, tmp string) (*binaries, error) {
	start := time.Now()
	b := &binaries{localArch: runtime.GOARCH, size: map[string]int64{}, zipSize: map[string]int64{}, localSize: map[string]int64{}}
	localDir := filepath.Join(tmp, "local")
	bins, err := devstack.Build(ctx, ".", localDir, "")
	if err != nil {
		return nil, err
	}
	bins[hello] = filepath.Join(localDir, hello, "bootstrap")
	if err := buildHello(ctx, bins[hello], runtime.GOARCH); err != nil {
		return nil, err
	}
	b.local = bins
	for name, p := range bins {
		b.localSize[name] = fileSize(p)
	}

	armDir := filepath.Join(tmp, "arm64")
	cmd := exec.CommandContext(ctx, "go", "run", "./cmd/devstack", "build", "-arch", "arm64", "-out", armDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go run ./cmd/devstack build -arch arm64: %w\n%s", err, out)
	}
	if err := buildHello(ctx, filepath.Join(armDir, hello, "bootstrap"), "arm64"); err != nil {
		return nil, err
	}
	if err := devstack.Zip(filepath.Join(armDir, hello, "bootstrap"), filepath.Join(armDir, hello+".zip")); err != nil {
		return nil, err
	}
	for name := range bins {
		b.size[name] = fileSize(filepath.Join(armDir, name, "bootstrap"))
		b.zipSize[name] = fileSize(filepath.Join(armDir, name+".zip"))
	}
	b.buildTime = time.Since(start)
	return b, nil
}

// buildHello builds cmd/bench/hello exactly as devstack.Build builds a
// bootstrap: same flags, CGO_ENABLED=0, GOOS=linux.
func buildHello(ctx context.Context, out, goarch string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	args := append([]string{"build", "-o", out}, devstack.BuildFlags...)
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/bench/hello")...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if o, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build hello-world (%s): %w\n%s", goarch, err, o)
	}
	return nil
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return st.Size()
}

// deployment is the configuration of the functions and the domain
// service of this process, on the emulators.
type deployment struct {
	vars   map[string]string
	fnEnv  []string
	cfg    *config.Config
	st     *store.Store
	svc    *account.Service
	jwtKey *rsa.PrivateKey
}

func newDeployment(ctx context.Context, stack *devstack.Stack) (*deployment, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	d := &deployment{jwtKey: key, vars: map[string]string{
		"APP_KEY":                        "base64:" + auth.Random(43),
		"APP_SIP_DOMAIN":                 domain,
		"APP_URL":                        "http://127.0.0.1",
		"FLEXIAPI_TABLE":                 "bench",
		"FLEXIAPI_RATE_LIMIT_PER_MINUTE": "0", // the load generator is one client IP
		"JWT_RSA_PUBLIC_KEY_PEM":         string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		"FLEXISIP_AUTH_SECRET":           benchSecret, // the SIP check (section 5c)
	}}
	if d.cfg, err = config.Load(func(k string) string { return d.vars[k] }); err != nil {
		return nil, err
	}
	for k, v := range d.vars {
		d.fnEnv = append(d.fnEnv, k+"="+v)
	}
	// This process's own store (accounts set up through the domain, as
	// cmd/devstack does) finds the emulators as the functions do.
	for _, kv := range stack.Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	d.fnEnv = append(d.fnEnv, stack.Env()...)
	if d.st, err = store.New(ctx, d.cfg.TableName); err != nil {
		return nil, err
	}
	if _, err := store.EnsureTable(ctx, d.st.Client(), d.cfg.TableName); err != nil {
		return nil, err
	}
	d.svc = account.NewService(d.st, d.cfg)
	return d, nil
}

type creds struct {
	ID       int64
	Username string
	Password string
	Key      string
}

// newAccount creates an activated account through the domain, as the
// operator's bootstrap does, with an API key; admin or not.
func (d *deployment) newAccount(ctx context.Context, username string, admin bool) (creds, error) {
	password := "bench-" + auth.Random(12)
	a, _, err := d.svc.EnsureAdmin(ctx, username, domain, password, account.AlgSHA256)
	if err != nil {
		return creds{}, fmt.Errorf("account %s: %w", username, err)
	}
	if !admin {
		if a, err = d.st.SetAdmin(ctx, a, false, a.UpdatedAt); err != nil {
			return creds{}, fmt.Errorf("account %s: %w", username, err)
		}
	}
	key, err := d.svc.RefreshAPIKey(ctx, a.ID)
	if err != nil {
		return creds{}, fmt.Errorf("account %s: API key: %w", username, err)
	}
	return creds{ID: a.ID, Username: username, Password: password, Key: key}, nil
}
