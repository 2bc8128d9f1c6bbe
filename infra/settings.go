package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// Program names of the Lambda programs that are not endpoint groups (the
// same names as shared/devstack.Binaries, which infra may not import).
const (
	Authorizer  = "authorizer"
	Maintenance = "maintenance"
)

// Programs lists every Lambda program of the stack: the authorizer, one
// per endpoint group of the route table, and the scheduled maintenance.
// dist/<name>.zip holds each one's bootstrap (make build).
func Programs() []string {
	out := []string{Authorizer}
	out = append(out, api.Groups...)
	return append(out, Maintenance)
}

// Context keys of the stack (cdk.json "context", or -c key=value).
const (
	CtxStage         = "stage"            // stage name: stack FlexiAPI-<stage>, API Gateway stage; default dev
	CtxConfig        = "config"           // path of the JSON configuration file (FlexiAPI variables)
	CtxProduction    = "production"       // true: table deletion protection, RETAIN on table, secret and logs
	CtxDist          = "dist"             // directory of the prebuilt <name>.zip; default dist
	CtxLogRetention  = "logRetentionDays" // retention of every log group; default 30
	CtxAlarmEmail    = "alarmEmail"       // when set: an SNS topic with this email subscribed, as alarm action
	CtxThrottleRate  = "throttleRate"     // API Gateway stage steady-state limit (requests/s); default 1000
	CtxThrottleBurst = "throttleBurst"    // API Gateway stage burst limit; default 2000
	CtxAccessLogs    = "accessLogs"       // true: API Gateway access logs (needs the account's CloudWatch role)
	CtxSchedule      = "maintenanceSchedule"
	// CtxExistingTable names a table the stack uses instead of creating
	// its own (e.g. one restored from a point in time): it must have the
	// schema of shared/store/schema; the operator manages its settings.
	CtxExistingTable = "existingTable"
	// The machine API (an HTTP API, Flexisip's traffic): its stage's
	// route throttling, its access logs (on by default) and its alarms'
	// thresholds; its custom domain is domains.machine (domains.go).
	CtxMachineThrottleRate  = "machineThrottleRate"    // requests/s; default 1000
	CtxMachineThrottleBurst = "machineThrottleBurst"   // default 2000
	CtxMachineAccessLogs    = "machineAccessLogs"      // default true
	CtxMachineLatencyMS     = "machineLatencyAlarmMs"  // p99 latency alarm threshold; default 1000
	CtxMachine4xxPercent    = "machine4xxAlarmPercent" // 4xx rate alarm threshold (%); default 5
	// CtxLoadBalancer adds an Application Load Balancer in front of
	// the statistics function for Flexisip versions the HTTP API cannot
	// serve (no SNI before 2.4.4 / 2.5.0; HTTP/2 only): docs/flexisip.md.
	// It needs CtxLoadBalancerCertificate.
	CtxLoadBalancer            = "flexisipLoadBalancer"               // default false
	CtxLoadBalancerCertificate = "flexisipLoadBalancerCertificateArn" // ACM certificate (its default certificate)
	// The projection for Flexisip (flexisip.go): the Secrets Manager
	// secret holding the DSN of the database Flexisip authenticates from
	// (without it, no flexisip-sync function and no mapping), the function's
	// optional VPC placement (comma-separated subnet and security group
	// ids), and the stream of an existingTable.
	CtxFlexisipSecret      = "flexisipSqlSecretArn"
	CtxExistingTableStream = "existingTableStreamArn"
	// CtxVPC places functions in a VPC, per program (network.go):
	// {"accounts": {"subnets": [...], "securityGroups": [...]}, ...}.
	CtxVPC = "vpc"
	// CtxDomains gives an API a custom domain (domains.go):
	// {"rest": {"name": ..., "certificateArn": ..., "basePath": ..., "hostedZoneId": ...}}.
	CtxDomains = "domains"
	// Observability (observability.go): X-Ray tracing of the functions and
	// the REST stage, an AWS Backup plan of the table, and the alarms'
	// thresholds.
	CtxTracing        = "tracing"
	CtxBackup         = "backup"
	CtxLatencyAlarmMs = "latencyAlarmMs"
	CtxWAFBlockAlarm  = "wafBlockedAlarm"
	// Per program: <name>Memory (MB) and <name>Timeout (seconds), e.g.
	// accountsMemory=512.
	ctxMemorySuffix  = "Memory"
	ctxTimeoutSuffix = "Timeout"
)

// Defaults of the context keys.
const (
	DefaultStage            = "dev"
	DefaultDist             = "dist"
	DefaultLogRetentionDays = 30
	DefaultThrottleRate     = 1000
	DefaultThrottleBurst    = 2000
	// DefaultSchedule runs the maintenance daily at 03:00 UTC.
	DefaultSchedule = "cron(0 3 * * ? *)"
	// DefaultLatencyAlarmMs: the REST API's p99 latency (API Gateway's
	// Latency, authorizer and function included) above which the alarm
	// fires, over 5 minutes.
	DefaultLatencyAlarmMs = 2000
	// DefaultWAFBlockAlarm: requests blocked by the rate rule in 5 minutes.
	DefaultWAFBlockAlarm = 100

	DefaultMachineThrottleRate  = 1000
	DefaultMachineThrottleBurst = 2000
	DefaultMachineLatencyMS     = 1000
	DefaultMachine4xxPercent    = 5
)

// Sizing is the memory (MB) and timeout (seconds) of one function.
type Sizing struct {
	MemoryMB       int
	TimeoutSeconds int
}

// DefaultSizing: the authorizer and meta are small and quick; accounts
// does the real work; the maintenance pages through the table.
var DefaultSizing = map[string]Sizing{
	Authorizer:        {MemoryMB: 128, TimeoutSeconds: 10},
	api.GroupMeta:     {MemoryMB: 128, TimeoutSeconds: 5},
	api.GroupAccounts: {MemoryMB: 256, TimeoutSeconds: 15},
	// statistics: one small write per event; the read-back of a long
	// period runs one Query per day.
	// resources: contacts lists and types fan out to their links on
	// deletion and rename.
	api.GroupResources: {MemoryMB: 256, TimeoutSeconds: 28},
	// statistics at 128 MB: Flexisip's events are its volume and each is
	// one read (the key, on the machine API) and one write; Lambda bills
	// GB-s, and the read-back's pages (at most 1000 rows) fit.
	api.GroupStatistics: {MemoryMB: 128, TimeoutSeconds: 28},
	// messages: one SIP MESSAGE, waited for at most SIP_MESSAGE_TIMEOUT
	// (default 5 s); no table.
	api.GroupMessages: {MemoryMB: 128, TimeoutSeconds: 10},
	// extauth: two small reads and one write per SIP request; Flexisip
	// waits for it (one check in flight per domain).
	api.GroupExtAuth: {MemoryMB: 256, TimeoutSeconds: 5},
	Maintenance:      {MemoryMB: 256, TimeoutSeconds: 300},
}

// defaultSizing is used for a group added to the route table later.
var defaultSizing = Sizing{MemoryMB: 256, TimeoutSeconds: 15}

// SecretVars are the variables whose value must never sit in the template
// in clear: the configuration file may only give them as a Secrets
// Manager dynamic reference. APP_KEY, when not given, is generated.
var SecretVars = map[string]bool{
	"APP_KEY":             true,
	"SIP_SENDER_PASSWORD": true,
	"HCAPTCHA_SECRET":     true,
	// Flexisip's credential for the SIP check (machine API).
	"FLEXISIP_AUTH_SECRET":          true,
	"FLEXISIP_AUTH_SECRET_PREVIOUS": true,
}

// stackVars are set by the stack itself, never by the configuration file.
var stackVars = map[string]string{
	"FLEXIAPI_TABLE":          "it is the name of the table the stack creates",
	"FLEXISIP_SQL_SECRET_ARN": "the stack sets it from the context " + CtxFlexisipSecret,
	"FLEXISIP_SQL_DSN":        "deployed, the DSN lives in Secrets Manager: give the secret's ARN as the context " + CtxFlexisipSecret,
	config.SSMParametersVar:   `the stack sets it from the variables given as {"ssmParameter": "/name"}`,
}

// synthVars are read by the stack itself at synth, so the file must hold
// their value, not an SSM parameter the functions read later.
var synthVars = map[string]string{
	"SIP_PROXY":                      "decides whether POST /api/messages is deployed",
	"SIP_SENDER_URI":                 "decides whether POST /api/messages is deployed",
	"FLEXIAPI_RATE_LIMIT_PER_MINUTE": "is the WAF rule's limit",
	"SNS_PUSH_PLATFORM_APPLICATIONS": "becomes the applications' ARNs in the accounts function's environment",
	"MAIL_FROM_ADDRESS":              "names the SES identity the accounts function may send from",
}

// Settings is everything the stack is built from.
type Settings struct {
	Stage      string
	Production bool
	// DistDir is the absolute directory of the Lambda zips.
	DistDir string
	// ConfigFile is the configuration file read ("" = none).
	ConfigFile string
	// Env are the FlexiAPI variables the configuration file sets (values
	// as given; "{{resolve:...}}" dynamic references passed through).
	// Unset variables keep the functions' defaults. APP_KEY is in Env only
	// when the file gives a reference to an existing secret.
	Env map[string]string
	// Params are the variables the file gives as SSM parameters (variable
	// → parameter name): the functions get FLEXIAPI_SSM_PARAMETERS and
	// ssm:GetParameters on these, and read the values at start.
	Params map[string]string
	// RateLimitPerMinute is the WAF rule's limit per client IP; 0 = no
	// rule (and no web ACL).
	RateLimitPerMinute int
	LogRetentionDays   int // 0 = never expire
	AlarmEmail         string
	Sizing             map[string]Sizing
	ThrottleRate       float64
	ThrottleBurst      int
	AccessLogs         bool
	Schedule           string
	// ExistingTable, when set, is the table the functions use; the stack
	// then creates none.
	ExistingTable string
	// FlexisipSecretARN names the DSN secret of the projection for Flexisip
	// ("" = no projection).
	FlexisipSecretARN string
	// VPC places programs in a VPC, by program name (network.go).
	VPC map[string]VPCPlacement
	// Domains are the custom domains, by API (domains.go).
	Domains map[string]Domain
	// Tracing turns on X-Ray for the functions and the REST stage.
	Tracing bool
	// Backup is the AWS Backup plan of the table (nil = none).
	Backup *BackupPlan
	// LatencyAlarmMs and WAFBlockAlarm are alarm thresholds.
	LatencyAlarmMs int
	WAFBlockAlarm  int
	// ExistingTableStreamARN is the stream of ExistingTable (the
	// projection reads it; the operator enables it, NEW_AND_OLD_IMAGES).
	ExistingTableStreamARN string
	// Routes are the routes the API deploys: the route table without the
	// routes of closed gates (POST /api/messages without SIP_PROXY and
	// SIP_SENDER_URI is no resource, so it answers 404 before any
	// authorizer runs, as FlexiAPI does without its SIP daemon).
	Routes *api.Table
	// Machine is the machine API's configuration.
	Machine MachineSettings
}

// MachineSettings configure the machine API (and the optional load
// balancer of the statistics client).
type MachineSettings struct {
	ThrottleRate     float64
	ThrottleBurst    int
	AccessLogs       bool
	LatencyAlarmMS   int
	ClientErrorPct   int
	LoadBalancer     bool
	LoadBalancerCert string
}

// Given reports whether the file sets a variable, by value or as an SSM
// parameter.
func (s *Settings) Given(name string) bool {
	_, inEnv := s.Env[name]
	_, inParams := s.Params[name]
	return inEnv || inParams
}

// StackName is the CloudFormation stack name of a stage.
func StackName(stage string) string { return "FlexiAPI-" + stage }

// Context reads one context value (nil when absent).
type Context func(key string) any

var (
	stageRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,39}$`)
	tableNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
)

// LoadSettings reads the context and the configuration file. cwd is the
// directory relative paths are tried against after the repository root.
func LoadSettings(ctx Context, repoRoot, cwd string) (*Settings, error) {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	s := &Settings{Sizing: map[string]Sizing{}, Env: map[string]string{}, Params: map[string]string{}}

	// The deploy configuration file: its variables, and its settings under
	// the context given on the command line (which wins).
	if path := ctxString(ctx, CtxConfig, ""); path != "" {
		s.ConfigFile = resolvePath(path, repoRoot, cwd)
		f, err := ReadConfigFile(s.ConfigFile)
		if err != nil {
			return nil, err
		}
		s.Env, s.Params = f.Vars, f.Params
		if err := checkSettingNames(f.Settings); err != nil {
			return nil, fmt.Errorf("configuration %s: %w", s.ConfigFile, err)
		}
		ctx = layered(ctx, f.Settings)
	}
	if err := checkRenamedKeys(ctx); err != nil {
		return nil, err
	}

	s.Stage = ctxString(ctx, CtxStage, DefaultStage)
	if !stageRE.MatchString(s.Stage) {
		fail("context %s=%q: must start with a letter and hold only letters, digits and '-' (at most 40)", CtxStage, s.Stage)
	}
	var err error
	if s.Production, err = ctxBool(ctx, CtxProduction, false); err != nil {
		fail("%v", err)
	}
	if s.AccessLogs, err = ctxBool(ctx, CtxAccessLogs, false); err != nil {
		fail("%v", err)
	}
	s.DistDir = resolvePath(ctxString(ctx, CtxDist, DefaultDist), repoRoot, cwd)
	if s.LogRetentionDays, err = ctxInt(ctx, CtxLogRetention, DefaultLogRetentionDays); err != nil {
		fail("%v", err)
	} else if _, ok := retentionDays[s.LogRetentionDays]; !ok {
		fail("context %s=%d: CloudWatch Logs accepts %s (0 = never expire)", CtxLogRetention, s.LogRetentionDays, retentionList())
	}
	s.AlarmEmail = ctxString(ctx, CtxAlarmEmail, "")
	if s.AlarmEmail != "" && !strings.Contains(s.AlarmEmail, "@") {
		fail("context %s=%q: not an email address", CtxAlarmEmail, s.AlarmEmail)
	}
	rate, err := ctxInt(ctx, CtxThrottleRate, DefaultThrottleRate)
	if err != nil {
		fail("%v", err)
	}
	s.ThrottleRate = float64(rate)
	if s.ThrottleBurst, err = ctxInt(ctx, CtxThrottleBurst, DefaultThrottleBurst); err != nil {
		fail("%v", err)
	}
	if rate < 1 || s.ThrottleBurst < 1 {
		fail("contexts %s and %s must be at least 1", CtxThrottleRate, CtxThrottleBurst)
	}
	loadMachineSettings(ctx, &s.Machine, fail)
	s.ExistingTable = ctxString(ctx, CtxExistingTable, "")
	if s.ExistingTable != "" && !tableNameRE.MatchString(s.ExistingTable) {
		fail("context %s=%q: not a DynamoDB table name", CtxExistingTable, s.ExistingTable)
	}
	loadFlexisipSettings(ctx, s, fail) // flexisip.go
	s.Schedule = ctxString(ctx, CtxSchedule, DefaultSchedule)
	if !strings.HasPrefix(s.Schedule, "cron(") && !strings.HasPrefix(s.Schedule, "rate(") {
		fail("context %s=%q: must be an EventBridge cron(...) or rate(...) expression", CtxSchedule, s.Schedule)
	}
	for _, p := range Programs() {
		def, ok := DefaultSizing[p]
		if !ok {
			def = defaultSizing
		}
		mem, err := ctxInt(ctx, p+ctxMemorySuffix, def.MemoryMB)
		if err != nil {
			fail("%v", err)
		} else if mem < 128 || mem > 10240 {
			fail("context %s%s=%d: Lambda memory is 128 to 10240 MB", p, ctxMemorySuffix, mem)
		}
		to, err := ctxInt(ctx, p+ctxTimeoutSuffix, def.TimeoutSeconds)
		if err != nil {
			fail("%v", err)
		} else if to < 1 || to > 900 {
			fail("context %s%s=%d: Lambda timeout is 1 to 900 seconds", p, ctxTimeoutSuffix, to)
		}
		s.Sizing[p] = Sizing{MemoryMB: mem, TimeoutSeconds: to}
	}

	loadVPC(ctx, s, fail)     // network.go
	loadDomains(ctx, s, fail) // domains.go
	loadObservability(ctx, s, fail)
	for _, name := range []string{"SIP_PROXY", "SIP_SENDER_URI"} {
		if strings.HasPrefix(s.Env[name], "{{resolve:") {
			fail("configuration %s: %s decides at synth time whether POST /api/messages is deployed: give its value, not a reference", s.ConfigFile, name)
		}
	}
	s.RateLimitPerMinute = 600
	if len(errs) == 0 {
		cfg, err := checkConfig(s.Env)
		if err != nil {
			fail("configuration %s: %v", s.ConfigFile, err)
		} else {
			s.RateLimitPerMinute = cfg.RateLimitPerMinute
			s.Routes = api.Routes.Deployed(api.GatesOf(cfg))
			if to := s.Sizing[api.GroupMessages].TimeoutSeconds; cfg.MessagesConfigured() && time.Duration(to)*time.Second <= cfg.SIPMessageTimeout {
				fail("configuration %s: SIP_MESSAGE_TIMEOUT=%s must be below the messages function's timeout (%ds; context %s%s)",
					s.ConfigFile, cfg.SIPMessageTimeout, to, api.GroupMessages, ctxTimeoutSuffix)
			}
			if n := s.RateLimitPerMinute; n > 0 && n < 10 {
				fail("configuration %s: FLEXIAPI_RATE_LIMIT_PER_MINUTE=%d: an AWS WAF rate-based rule needs a limit of at least 10 (0 = no rule)", s.ConfigFile, n)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return s, nil
}

// loadMachineSettings reads the machine API's context keys.
func loadMachineSettings(ctx Context, m *MachineSettings, fail func(string, ...any)) {
	num := func(key string, def, min int) int {
		n, err := ctxInt(ctx, key, def)
		if err != nil {
			fail("%v", err)
		} else if n < min {
			fail("context %s=%d: must be at least %d", key, n, min)
		}
		return n
	}
	m.ThrottleRate = float64(num(CtxMachineThrottleRate, DefaultMachineThrottleRate, 1))
	m.ThrottleBurst = num(CtxMachineThrottleBurst, DefaultMachineThrottleBurst, 1)
	m.LatencyAlarmMS = num(CtxMachineLatencyMS, DefaultMachineLatencyMS, 1)
	m.ClientErrorPct = num(CtxMachine4xxPercent, DefaultMachine4xxPercent, 1)
	var err error
	if m.AccessLogs, err = ctxBool(ctx, CtxMachineAccessLogs, true); err != nil {
		fail("%v", err)
	}
	if m.LoadBalancer, err = ctxBool(ctx, CtxLoadBalancer, false); err != nil {
		fail("%v", err)
	}
	m.LoadBalancerCert = ctxString(ctx, CtxLoadBalancerCertificate, "")
	if m.LoadBalancer && m.LoadBalancerCert == "" {
		fail("context %s=true needs %s: an HTTPS listener needs a certificate", CtxLoadBalancer, CtxLoadBalancerCertificate)
	}
	if arn := m.LoadBalancerCert; arn != "" && !acmARNRE.MatchString(arn) {
		fail("context %s=%q: not an ACM certificate ARN", CtxLoadBalancerCertificate, arn)
	}
}

// ReadConfigFile reads the deploy configuration (config.ReadDeployFile:
// FlexiAPI variables and stack settings in one JSON object) and checks its
// variables for the stack: secret variables only as Secrets Manager
// dynamic references ("{{resolve:secretsmanager:<name or ARN>:SecretString:<json key>}}")
// or SSM parameters (which must then be SecureStrings: synth cannot check
// a parameter's type), no variable the stack sets itself, and no SSM
// parameter for a variable the stack reads at synth.
func ReadConfigFile(path string) (*config.DeployFile, error) {
	f, err := config.ReadDeployFile(path)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(f.Vars))
	for k := range f.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	var errs []string
	for _, name := range names {
		s := f.Vars[name]
		if why, ok := stackVars[name]; ok {
			errs = append(errs, fmt.Sprintf("%s cannot be configured: %s", name, why))
			continue
		}
		if SecretVars[name] && !strings.HasPrefix(s, "{{resolve:secretsmanager:") {
			errs = append(errs, fmt.Sprintf("%s is a secret: give it as a Secrets Manager dynamic reference "+
				"(\"{{resolve:secretsmanager:<secret name or ARN>:SecretString:<json key or empty>}}\"), never in clear%s",
				name, map[bool]string{true: "; leave it out to have the stack generate it", false: ""}[name == "APP_KEY"]))
			continue
		}
		if strings.HasPrefix(s, "{{resolve:") && !strings.HasPrefix(s, "{{resolve:secretsmanager:") && !strings.HasPrefix(s, "{{resolve:ssm:") {
			errs = append(errs, fmt.Sprintf("%s: Lambda environment variables accept only {{resolve:secretsmanager:...}} and {{resolve:ssm:...}} references", name))
			continue
		}
	}
	for _, name := range sortedNames(f.Params) {
		if why, ok := stackVars[name]; ok {
			errs = append(errs, fmt.Sprintf("%s cannot be configured: %s", name, why))
		} else if why, ok := synthVars[name]; ok {
			errs = append(errs, fmt.Sprintf("%s cannot be an SSM parameter: the stack reads it at synth (it %s): give its value", name, why))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("configuration %s: %s", path, strings.Join(errs, "; "))
	}
	return f, nil
}

// settingKeys are the settings a deploy configuration file may hold: the
// context keys, but for config itself (a file names no other file).
func settingKeys() map[string]bool {
	keys := map[string]bool{}
	for _, k := range []string{CtxStage, CtxProduction, CtxDist, CtxLogRetention, CtxAlarmEmail, CtxThrottleRate,
		CtxThrottleBurst, CtxAccessLogs, CtxSchedule, CtxExistingTable, CtxFlexisipSecret, CtxExistingTableStream,
		CtxVPC, CtxDomains, CtxTracing, CtxBackup, CtxLatencyAlarmMs, CtxWAFBlockAlarm,
		CtxMachineThrottleRate, CtxMachineThrottleBurst, CtxMachineAccessLogs, CtxMachineLatencyMS, CtxMachine4xxPercent,
		CtxLoadBalancer, CtxLoadBalancerCertificate} {
		keys[k] = true
	}
	for _, p := range Programs() {
		keys[p+ctxMemorySuffix] = true
		keys[p+ctxTimeoutSuffix] = true
	}
	return keys
}

// checkSettingNames refuses a setting the stack does not know (a typo
// would otherwise be ignored).
func checkSettingNames(settings map[string]any) error {
	known := settingKeys()
	var bad []string
	for k := range settings {
		if !known[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("%s: not a setting of the stack (deploy/README.md lists them; FlexiAPI variables are UPPER_CASE)", strings.Join(bad, ", "))
}

// renamedKeys are context keys that were replaced.
var renamedKeys = map[string]string{
	"flexisipSubnets":        `the setting vpc: {"flexisip-sync": {"subnets": [...], "securityGroups": [...]}}`,
	"flexisipSecurityGroups": `the setting vpc: {"flexisip-sync": {"subnets": [...], "securityGroups": [...]}}`,
}

func checkRenamedKeys(ctx Context) error {
	for old, now := range renamedKeys {
		if ctx(old) != nil {
			return fmt.Errorf("context %s was replaced by %s", old, now)
		}
	}
	return nil
}

// layered reads the command line's context first, then the file's
// settings.
func layered(ctx Context, file map[string]any) Context {
	return func(key string) any {
		if v := ctx(key); v != nil {
			return v
		}
		return file[key]
	}
}

// checkConfig validates the values with the functions' own loader, so a
// bad value fails the synth rather than every function's cold start.
// Dynamic references cannot be checked here: they count as unset.
func checkConfig(env map[string]string) (*config.Config, error) {
	return config.Load(func(name string) string {
		v := env[name]
		if strings.HasPrefix(v, "{{resolve:") {
			v = ""
		}
		switch {
		case name == "APP_KEY" && v == "":
			return "checked-at-deploy-time"
		case name == "FLEXIAPI_TABLE":
			return "checked-at-deploy-time"
		}
		return v
	})
}

// resolvePath makes a context path absolute: relative to the repository
// root (where cdk.json is), else to the current directory when the file
// exists only there.
func resolvePath(p, repoRoot, cwd string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	fromRoot := filepath.Join(repoRoot, p)
	if _, err := os.Stat(fromRoot); err != nil {
		if fromCwd := filepath.Join(cwd, p); fileExists(fromCwd) {
			return fromCwd
		}
	}
	return fromRoot
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// FindRepoRoot walks up from dir to the repository root: the directory
// that holds infra/go.mod.
func FindRepoRoot(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if fileExists(filepath.Join(d, "infra", "go.mod")) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no repository root (a directory holding infra/go.mod) above %s", dir)
		}
		d = parent
	}
}

func ctxString(ctx Context, key, def string) string {
	switch v := ctx(key).(type) {
	case nil:
		return def
	case string:
		if strings.TrimSpace(v) == "" {
			return def
		}
		return strings.TrimSpace(v)
	default:
		return fmt.Sprint(v)
	}
}

func ctxBool(ctx Context, key string, def bool) (bool, error) {
	switch v := ctx(key).(type) {
	case nil:
		return def, nil
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "":
			return def, nil
		case "true", "1", "yes":
			return true, nil
		case "false", "0", "no":
			return false, nil
		}
	}
	return false, fmt.Errorf("context %s=%v: must be true or false", key, ctx(key))
}

func ctxInt(ctx Context, key string, def int) (int, error) {
	switch v := ctx(key).(type) {
	case nil:
		return def, nil
	case float64:
		if v == float64(int(v)) {
			return int(v), nil
		}
	case int:
		return v, nil
	case string:
		if strings.TrimSpace(v) == "" {
			return def, nil
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("context %s=%v: must be an integer", key, ctx(key))
}
