// Command devstack runs FlexiAPI Serverless on this machine without AWS
// and without Docker.
//
//	devstack run            emulators + table + bootstrap admin + the
//	                        local REST API on FLEXIAPI_PORT and machine API
//	                        on FLEXIAPI_MACHINE_PORT, each also over TLS
//	                        with HTTP/2 (FLEXIAPI_TLS_PORT,
//	                        FLEXIAPI_MACHINE_TLS_PORT) (make run)
//	devstack exec -- CMD    emulators on free ports, CMD run with the
//	                        AWS_ENDPOINT_URL_* variables set (make test)
//	devstack build [-arch arm64] [-out dist]
//	                        the bootstraps with the deployment flags, and
//	                        one <name>.zip per function (make build)
//
// Every process it starts is stopped when it ends, on Ctrl-C or on error
// (process groups, and a parent-death signal should it be killed).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/store"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: devstack run | exec -- COMMAND [ARGS...] | build [-arch arm64] [-out dist]")
		os.Exit(2)
	}
	var err error
	code := 0
	switch os.Args[1] {
	case "run":
		err = run()
	case "exec":
		code, err = execute(os.Args[2:])
	case "build":
		err = build(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
		code = 2
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// localDir holds make run's state and the files it writes for the other
// tools (endpoints.json, admin.json, functions.json); FLEXIAPI_LOCAL_DIR
// moves it (the README test runs a stack of its own beside a developer's).
var localDir = func() string {
	if d := os.Getenv("FLEXIAPI_LOCAL_DIR"); d != "" {
		return d
	}
	return ".local"
}()

// build is `make build`: what the CDK stack deploys.
func build(args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	arch := fs.String("arch", "arm64", "GOARCH of the bootstraps")
	out := fs.String("out", "dist", "output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bins, err := devstack.Build(context.Background(), ".", *out, *arch)
	if err != nil {
		return err
	}
	for name, path := range bins {
		if err := devstack.Zip(path, filepath.Join(*out, name+".zip")); err != nil {
			return err
		}
		st, _ := os.Stat(path)
		fmt.Printf("%s/%s/bootstrap  %.1f MB (linux/%s)\n", *out, name, float64(st.Size())/1e6, *arch)
	}
	return nil
}

func envInt(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil {
			return n
		}
		fmt.Fprintf(os.Stderr, "devstack: %s=%q is not a number, using %d\n", name, v, def)
	}
	return def
}

// execute starts the emulators on free ports, runs the command with their
// endpoints in its environment, and stops them.
func execute(args []string) (int, error) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return 2, errors.New("exec needs a command")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stack, err := devstack.Start(ctx, devstack.Options{ToolsDir: filepath.Join(localDir, "tools")})
	if err != nil {
		return 1, err
	}
	defer stack.Close()
	fmt.Fprintf(os.Stderr, "devstack: DynamoDB Local %s, SES emulator %s, moto (SNS) %s, redis-server (registrar) %s, MariaDB 127.0.0.1:%d\n",
		stack.DynamoDB, stack.SES, stack.SNS, stack.Redis, stack.MariaDB.Port)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(), stack.Env()...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}

// run is `make run`.
func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := logging.New("devstack")

	if err := os.MkdirAll(localDir, 0o755); err != nil {
		return err
	}
	appKey, err := localAppKey()
	if err != nil {
		return err
	}
	// The configuration the functions get: this environment, plus a local
	// APP_KEY and table name when none is set (APP_URL unset: links follow
	// the host each request came in on). Validate it now, with the
	// functions' own rules, rather than in every bootstrap.
	defaults := map[string]string{"APP_KEY": appKey, "FLEXIAPI_TABLE": "flexiapi"}
	getenv := func(k string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return defaults[k]
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	fnEnv := devstack.ConfigEnv()
	for k, v := range defaults {
		if os.Getenv(k) == "" {
			fnEnv = append(fnEnv, k+"="+v)
		}
	}

	stack, err := devstack.Start(ctx, devstack.Options{
		ToolsDir:     filepath.Join(localDir, "tools"),
		DynamoDBPort: envInt("DYNAMODB_PORT", 8000),
		SESPort:      envInt("SES_PORT", 8005),
		SNSPort:      envInt("SNS_PORT", 5000),
		RedisPort:    envInt("REDIS_PORT", 6380),
		// A configured registrar (a real Flexisip's Redis) replaces ours.
		NoRedis:     os.Getenv("FLEXISIP_REDIS_URL") != "",
		DynamoDBDir: filepath.Join(localDir, "dynamodb-data"),
		MariaDBPort: envInt("MARIADB_PORT", 3307),
		MariaDBDir:  filepath.Join(localDir, "mariadb"),
	})
	if err != nil {
		return err
	}
	defer stack.Close()
	for _, kv := range stack.Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	fnEnv = append(fnEnv, stack.Env()...)

	st, err := store.New(ctx, cfg.TableName)
	if err != nil {
		return err
	}
	if _, err := store.EnsureTable(ctx, st.Client(), cfg.TableName); err != nil {
		return err
	}
	// The push platform applications the configuration names
	// (SNS_PUSH_PLATFORM_APPLICATIONS).
	if err := devstack.EnsurePushApplications(ctx, stack.SNS, cfg.PushApps); err != nil {
		return err
	}
	admin, err := bootstrapAdmin(ctx, account.NewService(st, cfg), cfg)
	if err != nil {
		return fmt.Errorf("bootstrap admin: %w", err)
	}

	bins, err := devstack.Build(ctx, ".", filepath.Join(localDir, "bin"), "")
	if err != nil {
		return err
	}
	gw, err := devstack.NewGateway(devstack.GatewayOptions{
		Bootstraps: bins, Env: fnEnv, RateLimitPerMinute: cfg.RateLimitPerMinute, Logger: log,
	})
	if err != nil {
		return err
	}
	defer gw.Close()

	// The projection for Flexisip: the table's stream feeds the
	// flexisip-sync bootstrap, which writes into MariaDB (or the database
	// FLEXISIP_SQL_DSN names).
	sqlDSN, err := startFlexisipSync(ctx, st, stack, cfg, bins[devstack.FlexisipSync], log)
	if err != nil {
		return err
	}
	defer sqlDSN.close()

	machine, err := devstack.NewMachineGateway(gw, devstack.MachineOptions{Logger: log, AccessLog: os.Stderr})
	if err != nil {
		return err
	}
	tlsCfg, err := devstack.TLSConfig(filepath.Join(localDir, "tls"))
	if err != nil {
		return err
	}

	// Each API in clear text and over TLS (HTTP/2 and HTTP/1.1), so that
	// a real Flexisip, whose statistics client speaks only HTTP/2 over
	// TLS, can be pointed at make run.
	listen := func(variable string, port int) (net.Listener, string, error) {
		addr := "127.0.0.1:" + strconv.Itoa(envInt(variable, port))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, "", fmt.Errorf("listen on %s (set %s to change it): %w", addr, variable, err)
		}
		return ln, addr, nil
	}
	endpoints := map[string]string{"dynamodb": stack.DynamoDB, "ses": stack.SES, "sns": stack.SNS, "redis": stack.Redis,
		"flexisip_sql": sqlDSN.dsn}
	var addr string
	for _, l := range []struct {
		variable string
		port     int
		handler  http.Handler
		tls      bool
		key      string
	}{
		{"FLEXIAPI_PORT", 8080, gw, false, "api"},
		{"FLEXIAPI_TLS_PORT", 8443, gw, true, "api_tls"},
		{"FLEXIAPI_MACHINE_PORT", 8081, machine, false, "machine"},
		{"FLEXIAPI_MACHINE_TLS_PORT", 8444, machine, true, "machine_tls"},
	} {
		ln, a, err := listen(l.variable, l.port)
		if err != nil {
			return err
		}
		if l.tls {
			defer devstack.ServeTLS(ln, l.handler, tlsCfg)()
			endpoints[l.key] = "https://" + a + "/api"
			continue
		}
		srv := &http.Server{Handler: l.handler, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		endpoints[l.key] = "http://" + a + "/api"
		if l.key == "api" {
			addr = a
		}
	}
	if err := writeJSON(filepath.Join(localDir, "endpoints.json"), endpoints); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(localDir, "admin.json"), admin); err != nil {
		return err
	}
	// flexiapi-admin, run next to make run, uses the same stack and
	// settings as the functions (APP_KEY aside: it never answers Digest).
	cli := cliEnv(fnEnv)
	cli["FLEXISIP_SQL_DSN"] = sqlDSN.dsn // flexiapi-admin flexisip-sync -rebuild
	if err := writeJSON(filepath.Join(localDir, "functions.json"), cli); err != nil {
		return err
	}
	fmt.Printf("\nFlexiAPI Serverless is running at http://%s/api, its machine API (Flexisip) at %s (Ctrl-C stops everything)\n\n", addr, endpoints["machine"])
	fmt.Printf(".local/endpoints.json:\n%s\n.local/admin.json:\n%s\n", mustJSON(endpoints), mustJSON(admin))
	fmt.Printf("Try: curl -H \"x-api-key: %s\" -H 'accept: application/json' http://%s/api/accounts/me\n\n", admin.APIKey, addr)
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "devstack: stopping")
	return nil
}

// localAppKey keeps one APP_KEY per checkout (.local/app_key), so nonces
// and the Digest opaque survive restarts.
func localAppKey() (string, error) {
	if k := os.Getenv("APP_KEY"); k != "" {
		return k, nil
	}
	path := filepath.Join(localDir, "app_key")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	k := "base64:" + auth.Random(43)
	return k, os.WriteFile(path, []byte(k+"\n"), 0o600)
}

type adminFile struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Domain   string `json:"domain"`
	Password string `json:"password"`
	APIKey   string `json:"api_key"`
}

// bootstrapAdmin is idempotent: the same admin account (and password, kept
// in .local/admin.json) across runs, with a fresh API key each time (keys
// expire after APP_API_KEY_EXPIRATION_MINUTES unused).
func bootstrapAdmin(ctx context.Context, svc *account.Service, cfg *config.Config) (adminFile, error) {
	username := os.Getenv("FLEXIAPI_ADMIN_USERNAME")
	if username == "" {
		username = "admin"
	}
	var prev adminFile
	if b, err := os.ReadFile(filepath.Join(localDir, "admin.json")); err == nil {
		json.Unmarshal(b, &prev)
	}
	password := prev.Password
	if password == "" || prev.Username != username || prev.Domain != cfg.SIPDomain {
		password = auth.Random(16)
	}
	a, _, err := svc.EnsureAdmin(ctx, username, cfg.SIPDomain, password, cfg.DefaultPasswordAlgorithm)
	if err != nil {
		return adminFile{}, err
	}
	key, err := svc.RefreshAPIKey(ctx, a.ID)
	if err != nil {
		return adminFile{}, err
	}
	return adminFile{ID: a.ID, Username: a.Username, Domain: a.Domain, Password: password, APIKey: key}, nil
}

// cliEnv is the functions' environment for flexiapi-admin, without APP_KEY.
func cliEnv(fnEnv []string) map[string]string {
	out := map[string]string{}
	for _, kv := range fnEnv {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "APP_KEY" {
			out[k] = v
		}
	}
	return out
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func writeJSON(path string, v any) error {
	return os.WriteFile(path, []byte(mustJSON(v)+"\n"), 0o600)
}
