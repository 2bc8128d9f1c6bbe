// Package devstack runs the project on a laptop without AWS and without
// Docker: the local AWS emulators (DynamoDB Local, the SES v2 emulator,
// moto for SNS), redis-server as Flexisip's registrar, MariaDB as the
// database Flexisip authenticates from, the real bootstrap binaries and
// the local API Gateway. It
// serves `make run`, `make test` (cmd/devstack) and `make bench`.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Options configure the emulators. A port of 0 picks a free one.
type Options struct {
	// ToolsDir holds what the Makefile installed: dynamodb/DynamoDBLocal.jar
	// and ses/node_modules/aws-ses-v2-local.
	ToolsDir     string
	DynamoDBPort int
	SESPort      int
	SNSPort      int
	// RedisPort is the redis-server standing in for Flexisip's registrar
	// (FLEXISIP_REDIS_URL); NoRedis starts none (a real registrar is
	// configured).
	RedisPort int
	NoRedis   bool
	// MariaDBPort is the MariaDB server standing in for the database
	// Flexisip authenticates from; NoMariaDB starts none. MariaDBDir keeps
	// its data ("" = a scratch directory removed at Close).
	MariaDBPort int
	MariaDBDir  string
	NoMariaDB   bool
	// DynamoDBDir keeps DynamoDB Local's data on disk; "" = in memory.
	DynamoDBDir string
	// Logs receives the emulators' output (default: discarded).
	Logs io.Writer
}

// Stack is a set of running emulators.
type Stack struct {
	DynamoDB string // http://127.0.0.1:port
	SES      string
	SNS      string
	// Redis is FLEXISIP_REDIS_URL of the local registrar ("" when none).
	Redis     string
	redisAddr string
	// MariaDB is the SQL server of Flexisip's side (nil when none).
	MariaDB *MariaDB

	mu    sync.Mutex
	procs []*exec.Cmd
}

// Env is the environment that points the AWS SDK (and the aws CLI) at the
// emulators, and the functions at the local registrar: no endpoint code
// anywhere else.
func (s *Stack) Env() []string {
	env := []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + s.DynamoDB,
		// The table's stream (the projection for Flexisip) is read from
		// DynamoDB Local; its failure queue and the DSN secret of the tests
		// live in moto, which serves SQS, Secrets Manager and SSM (the
		// functions' FLEXIAPI_SSM_PARAMETERS) as well.
		"AWS_ENDPOINT_URL_DYNAMODB_STREAMS=" + s.DynamoDB,
		"AWS_ENDPOINT_URL_SESV2=" + s.SES,
		"AWS_ENDPOINT_URL_SNS=" + s.SNS,
		"AWS_ENDPOINT_URL_SQS=" + s.SNS,
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=" + s.SNS,
		"AWS_ENDPOINT_URL_SSM=" + s.SNS,
		"AWS_ACCESS_KEY_ID=local",
		"AWS_SECRET_ACCESS_KEY=local",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	if s.Redis != "" {
		env = append(env, "FLEXISIP_REDIS_URL="+s.Redis)
	}
	if s.MariaDB != nil {
		// For the tests: the projection's database, and root to create
		// others (the FlexiAPI databases an import reads).
		env = append(env, "MARIADB_URL="+s.MariaDB.URL, "MARIADB_ROOT_URL="+s.MariaDB.RootURL)
	}
	return env
}

// Start launches the three emulators and waits until each answers. On
// error, whatever started is stopped.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	s := &Stack{}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	moto, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, errors.New("moto_server not found on PATH: it ships with the machine image (pip install 'moto[server]')")
	}
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("java not found on PATH: DynamoDB Local needs a Java runtime (17 or newer)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node not found on PATH: the SES v2 emulator needs Node.js")
	}
	jarDir, err := filepath.Abs(filepath.Join(o.ToolsDir, "dynamodb"))
	if err != nil {
		return nil, err
	}
	jar := filepath.Join(jarDir, "DynamoDBLocal.jar")
	if _, err := os.Stat(jar); err != nil {
		return nil, fmt.Errorf("%s missing: run `make tools` (the Makefile installs DynamoDB Local)", jar)
	}
	sesCLI := filepath.Join(o.ToolsDir, "ses", "node_modules", "aws-ses-v2-local", "dist", "cli.js")
	if _, err := os.Stat(sesCLI); err != nil {
		return nil, fmt.Errorf("%s missing: run `make tools` (the Makefile installs aws-ses-v2-local)", sesCLI)
	}

	ddbPort, err := freePort(o.DynamoDBPort)
	if err != nil {
		return nil, err
	}
	ddbArgs := []string{"-Djava.library.path=" + filepath.Join(jarDir, "DynamoDBLocal_lib"), "-jar", jar, "-sharedDb", "-port", strconv.Itoa(ddbPort)}
	// DynamoDB Local writes a metadata file into its working directory.
	workDir := jarDir
	if o.DynamoDBDir != "" {
		if workDir, err = filepath.Abs(o.DynamoDBDir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(workDir, 0o755); err != nil {
			return nil, err
		}
		ddbArgs = append(ddbArgs, "-dbPath", workDir)
	} else {
		ddbArgs = append(ddbArgs, "-inMemory")
	}
	s.DynamoDB = fmt.Sprintf("http://127.0.0.1:%d", ddbPort)
	if err := s.spawnIn(workDir, o.Logs, "dynamodb", java, ddbArgs...); err != nil {
		return nil, err
	}

	sesPort, err := freePort(o.SESPort)
	if err != nil {
		return nil, err
	}
	s.SES = fmt.Sprintf("http://127.0.0.1:%d", sesPort)
	if err := s.spawn(o.Logs, "ses", node, sesCLI, "--host", "127.0.0.1", "--port", strconv.Itoa(sesPort)); err != nil {
		return nil, err
	}

	snsPort, err := freePort(o.SNSPort)
	if err != nil {
		return nil, err
	}
	s.SNS = fmt.Sprintf("http://127.0.0.1:%d", snsPort)
	if err := s.spawn(o.Logs, "sns", moto, "-H", "127.0.0.1", "-p", strconv.Itoa(snsPort)); err != nil {
		return nil, err
	}

	if !o.NoRedis {
		if err := s.startRedis(o); err != nil {
			return nil, err
		}
	}

	deadline, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if !o.NoMariaDB {
		m, err := StartMariaDB(deadline, MariaDBOptions{Port: o.MariaDBPort, Dir: o.MariaDBDir, Logs: o.Logs})
		if err != nil {
			return nil, err
		}
		s.MariaDB = m
	}
	if s.redisAddr != "" {
		if err := waitRedis(deadline, s.redisAddr); err != nil {
			return nil, fmt.Errorf("redis-server did not start: %w", err)
		}
	}
	if err := waitHTTP(deadline, s.SES+"/store"); err != nil {
		return nil, fmt.Errorf("SES emulator did not start: %w", err)
	}
	if err := waitHTTP(deadline, s.SNS+"/moto-api/data.json"); err != nil {
		return nil, fmt.Errorf("moto did not start: %w", err)
	}
	if err := waitDynamoDB(deadline, s.DynamoDB); err != nil {
		return nil, fmt.Errorf("DynamoDB Local did not start: %w", err)
	}
	ok = true
	return s, nil
}

// spawn starts a child in its own process group, killed with its parent.
func (s *Stack) spawn(logs io.Writer, name, path string, args ...string) error {
	return s.spawnIn("", logs, name, path, args...)
}

func (s *Stack) spawnIn(dir string, logs io.Writer, name, path string, args ...string) error {
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Stdout = prefixWriter(logs, name)
	cmd.Stderr = prefixWriter(logs, name)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	s.mu.Lock()
	s.procs = append(s.procs, cmd)
	s.mu.Unlock()
	return nil
}

// Close stops every emulator (the whole process group of each).
func (s *Stack) Close() {
	if s.MariaDB != nil {
		s.MariaDB.Close()
	}
	s.mu.Lock()
	procs := s.procs
	s.procs = nil
	s.mu.Unlock()
	for _, p := range procs {
		if p.Process != nil {
			syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
		}
	}
	for _, p := range procs {
		p.Wait()
	}
}

// freePort returns want, or a free port when want is 0.
func freePort(want int) (int, error) {
	if want != 0 {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", want))
		if err != nil {
			return 0, fmt.Errorf("port %d is taken: %w", want, err)
		}
		l.Close()
		return want, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitHTTP(ctx context.Context, url string) error {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (last error: %v)", url, ctx.Err(), err)
		case <-time.After(150 * time.Millisecond):
		}
	}
}

func waitDynamoDB(ctx context.Context, endpoint string) error {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"),
		awsconfig.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
		})))
	if err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
	for {
		_, err := db.ListTables(ctx, &dynamodb.ListTablesInput{})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
