package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// Prices, us-east-1 (AWS public price pages, as of 2026-11; check before
// relying on them).
const (
	priceSource       = "AWS public price pages, us-east-1, as of 2026-11; check before relying on them"
	apiGatewayPerM    = 3.50         // REST API, per million requests (first 333 million a month)
	httpAPIPerM       = 1.00         // HTTP API, per million requests of up to 512 KB (first 300 million a month)
	lambdaPerM        = 0.20         // per million invocations
	lambdaPerGBs      = 0.0000133334 // arm64, per GB-second
	dynamoReadPerM    = 0.125        // on-demand, per million read request units (since November 2024)
	dynamoWritePerM   = 0.625        // on-demand, per million write request units (since November 2024)
	wafRequestPerM    = 0.60         // per million requests inspected by the web ACL
	logsIngestionPerG = 0.50         // CloudWatch Logs ingestion, per GB (shown apart, not in the total)
	// logsIAIngestionPerG is the Infrequent Access class's price, the
	// machine API's access log group's (infra/machine.go).
	logsIAIngestionPerG = 0.25
)

// Monthly and hourly prices of what a deployed stack costs with no
// traffic (section 8), and of the worked bill's other items (section 9):
// us-east-1, the same date as above. A month is 730 hours.
const (
	fixedPriceSource = "us-east-1, as of 2026-11, from the AWS price pages \"AWS WAF Pricing\", \"Amazon CloudWatch Pricing\", " +
		"\"AWS Secrets Manager Pricing\", \"AWS Key Management Service Pricing\", \"Elastic Load Balancing Pricing\", " +
		"\"Amazon VPC Pricing\" (public IPv4 addresses, NAT gateways), \"AWS PrivateLink Pricing\", \"Amazon Route 53 Pricing\", " +
		"\"AWS Systems Manager Pricing\", \"Amazon DynamoDB Pricing\", \"Amazon SES Pricing\", \"AWS End User Messaging SMS Pricing\"; " +
		"check before relying on them"
	hoursPerMonth         = 730
	wafWebACLPerMonth     = 5.00   // per web ACL
	wafRulePerMonth       = 1.00   // per rule of a web ACL or rule group
	alarmMetricPerMonth   = 0.10   // per metric of a standard-resolution alarm (a metric math alarm pays each metric it reads)
	alarmHighResPerMonth  = 0.30   // per metric of a high-resolution alarm (period under 60 s)
	compositeAlarmPerMon  = 0.50   // per composite alarm
	dashboardPerMonth     = 3.00   // per dashboard (an account's first 3 are free)
	customMetricPerMonth  = 0.30   // per custom metric, prorated by the hours it receives data
	secretPerMonth        = 0.40   // per Secrets Manager secret
	kmsKeyPerMonth        = 1.00   // per customer managed KMS key
	loadBalancerPerHour   = 0.0225 // Application or Network Load Balancer, plus its capacity units (traffic)
	publicIPv4PerHour     = 0.005  // per public IPv4 address (an internet-facing load balancer has one per subnet)
	natGatewayPerHour     = 0.045  // per NAT gateway, plus its data processed
	interfaceEndpointHour = 0.01   // per interface VPC endpoint and Availability Zone
	hostedZonePerMonth    = 0.50   // per Route 53 hosted zone
	ssmAdvancedPerMonth   = 0.05   // per advanced-tier SSM parameter (standard ones are free)
	dynamoStoragePerGB    = 0.25   // DynamoDB Standard table class, per GB-month
	dynamoPITRPerGB       = 0.20   // point-in-time recovery, per GB-month
	sesPerThousand        = 0.10   // SES, per 1,000 outbound emails
	// smsPerMessage is one SMS part to a United States number: the base
	// price ($0.00581) plus a carrier fee of about $0.003 (10DLC). Other
	// countries cost more, up to about ten times (France about $0.07).
	smsPerMessage = 0.00881
	smsCountry    = "United States"
)

// memorySizes are the functions' memory in MB, and where they come from:
// the CDK stack's sizing table (infra/*.go: `<name>: {MemoryMB: N, ...}`,
// `defaultSizing = Sizing{MemoryMB: N}` for a later group), overridden by
// `<name>Memory` in cdk.json's context, as the stack reads them.
func memorySizes() (map[string]int, string) {
	names := []string{api.GroupMeta, api.GroupAccounts, devstack.Authorizer, devstack.Maintenance}
	for _, g := range api.Groups {
		if !slices.Contains(names, g) {
			names = append(names, g)
		}
	}
	assumed := func(why string) (map[string]int, string) {
		out := map[string]int{}
		for _, n := range names {
			out[n] = 256
		}
		out[api.GroupMeta] = 128
		return out, why + ": assumed 128 MB for meta, 256 MB for the others"
	}
	if _, err := os.Stat("infra"); err != nil {
		return assumed("infra/ has no CDK stack yet")
	}
	found := map[string]int{}
	fallback := 0
	_ = filepath.WalkDir("infra", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "cdk.out" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, m := range sizingRE.FindAllSubmatch(b, -1) {
			if n, err := strconv.Atoi(string(m[2])); err == nil {
				found[programName(string(m[1]))] = n
			}
		}
		if m := defaultSizingRE.FindSubmatch(b); m != nil {
			fallback, _ = strconv.Atoi(string(m[1]))
		}
		return nil
	})
	if len(found) == 0 {
		return assumed("no sizing table found in infra/*.go")
	}
	out := map[string]int{}
	var missing []string
	for _, n := range names {
		switch {
		case found[n] > 0:
			out[n] = found[n]
		case fallback > 0:
			out[n] = fallback
		default:
			out[n] = 256
			missing = append(missing, n)
		}
	}
	note := "read from the CDK stack's sizing table (infra/)"
	if b, err := os.ReadFile("cdk.json"); err == nil {
		var cdk struct {
			Context map[string]any `json:"context"`
		}
		if json.Unmarshal(b, &cdk) == nil {
			for _, n := range names {
				if v, ok := cdk.Context[n+"Memory"].(float64); ok && v > 0 {
					out[n] = int(v)
					note += fmt.Sprintf(", %sMemory=%d from cdk.json", n, int(v))
				}
			}
		}
	}
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %d MB", n, out[n]))
	}
	note += ": " + strings.Join(parts, ", ")
	if len(missing) > 0 {
		note += fmt.Sprintf(" (%v not in the table: assumed 256 MB)", missing)
	}
	return out, note
}

var (
	sizingRE        = regexp.MustCompile(`([A-Za-z_][\w.]*|"[\w-]+")\s*:\s*\{\s*MemoryMB\s*:\s*(\d+)`)
	defaultSizingRE = regexp.MustCompile(`defaultSizing\s*=\s*Sizing\{\s*MemoryMB\s*:\s*(\d+)`)
)

// programName maps the stack's key spelling (Authorizer, api.GroupMeta,
// "accounts") to a program name.
func programName(key string) string {
	key = strings.Trim(key, `"`)
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	key = strings.TrimPrefix(key, "Group")
	return strings.ToLower(key)
}

// costKind is one request kind of the cost model.
type costKind struct {
	name       string
	gwRequests float64 // API Gateway requests per operation
	authzCalls float64 // authorizer invocations per operation
	fnCalls    float64 // function invocations per operation
	fn         string  // the function's name, for its memory
	authzMS    float64 // mean billed ms per authorizer invocation
	fnMS       float64 // mean billed ms per function invocation
	rcu, wcu   float64 // per operation, authorizer and function together
	logBytes   float64 // per operation, the functions' lines
	fromLoad   bool    // figures from the warm phase (else from the capacity phase)
	// httpAPI: the machine API (the HTTP API's price, no WAF); its access
	// log lines are part of the logs.
	httpAPI        bool
	accessLogBytes float64
}

type costLine struct {
	kind                          costKind
	gateway, lambdaReq, lambdaGBs float64
	dynamo, waf, total, logs      float64
	allIn                         float64 // total with the logs
	authzGBs, fnGBs               float64
	authzMem, fnMem               int
}

func price(k costKind, mem map[string]int) costLine {
	l := costLine{kind: k, authzMem: mem[devstack.Authorizer], fnMem: mem[k.fn]}
	l.gateway = k.gwRequests * apiGatewayPerM
	if k.httpAPI {
		l.gateway = k.gwRequests * httpAPIPerM
	}
	l.lambdaReq = (k.authzCalls + k.fnCalls) * lambdaPerM
	// per million operations: invocations × seconds × GB × price × 1e6
	l.authzGBs = k.authzCalls * k.authzMS / 1000 * float64(l.authzMem) / 1024
	l.fnGBs = k.fnCalls * k.fnMS / 1000 * float64(l.fnMem) / 1024
	l.lambdaGBs = (l.authzGBs + l.fnGBs) * lambdaPerGBs * 1e6
	l.dynamo = k.rcu*dynamoReadPerM + k.wcu*dynamoWritePerM
	if !k.httpAPI {
		l.waf = k.gwRequests * wafRequestPerM
	}
	l.total = l.gateway + l.lambdaReq + l.lambdaGBs + l.dynamo + l.waf
	l.logs = k.logBytes*1e6/1e9*logsIngestionPerG + k.accessLogBytes*1e6/1e9*logsIAIngestionPerG
	l.allIn = l.total + l.logs
	return l
}

// scenarioCost prices one operation of a warm scenario (section 4): the
// invocations, units and log bytes of the measured phase, the billed
// durations of the one-worker phase.
func scenarioCost(s *scenario, name string, mem map[string]int) costLine {
	ck := costKind{name: name, fn: api.GroupAccounts, fromLoad: true}
	if s.key == "ping" {
		ck.fn = api.GroupMeta
	}
	ck.gwRequests = float64(len(s.res.IDs)) / s.ops
	ck.authzCalls = float64(s.u.AuthCalls) / s.ops
	ck.fnCalls = float64(s.u.FnCalls) / s.ops
	if s.u1.AuthCalls > 0 {
		ck.authzMS = s.u1.AuthBilledMS / float64(s.u1.AuthCalls)
	}
	if s.u1.FnCalls > 0 {
		ck.fnMS = s.u1.FnBilledMS / float64(s.u1.FnCalls)
	}
	ck.rcu = (s.u.AuthRCU + s.u.FnRCU) / s.ops
	ck.wcu = (s.u.AuthWCU + s.u.FnWCU) / s.ops
	ck.logBytes = float64(s.u.LogBytes) / s.ops
	return price(ck, mem)
}

// capacityCost prices one request of the capacity phase (section 3): a
// single measured request, so rougher than the warm scenarios.
func capacityCost(c *capResult, fn string, mem map[string]int) costLine {
	ck := costKind{name: c.routeID, fn: fn, gwRequests: float64(max(len(c.legs), 1)),
		authzCalls: float64(c.authU.AuthCalls), fnCalls: float64(c.fnU.FnCalls),
		rcu: c.authU.AuthRCU + c.fnU.FnRCU, wcu: c.authU.AuthWCU + c.fnU.FnWCU,
		logBytes: float64(c.authU.LogBytes + c.fnU.LogBytes)}
	if c.authU.AuthCalls > 0 {
		ck.authzMS = c.authU.AuthBilledMS / float64(c.authU.AuthCalls)
	}
	if c.fnU.FnCalls > 0 {
		ck.fnMS = c.fnU.FnBilledMS / float64(c.fnU.FnCalls)
	}
	return price(ck, mem)
}
