package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// The worked monthly bill (section 9): stated traffic for a number of
// users, multiplied by the per-request costs measured in the same run,
// plus storage, messages and the fixed cost of section 8.

// traffic is the worked example's load. Per user and day unless named
// otherwise; a month is 30 days.
type traffic struct {
	users int
	days  float64
	// registrations are SIP REGISTERs (a refresh an hour); the proxy
	// also authenticates each call and message a user sends: every one
	// is a SIP check on the machine API.
	registrations, calls, messages float64
	// statistics events per call and per message: Flexisip's sequence
	// as section 5 replays it.
	eventsPerCall, eventsPerMessage float64
	provisioning                    float64 // remote provisioning fetches (each app start)
	appRequests                     float64 // the Linphone app's account requests (Digest rounds)
	adminRequestsPerDay             float64 // the operator's scripts, API key, whole service
	creationsPerMonth               float64 // new accounts (admin API)
	passwordChangesPerMonth         float64 // account changes the projection for Flexisip carries
	emailsPerMonth, smsPerMonth     float64 // validations and recoveries
	// storedBytesPerEvent is what one call or message keeps in the table
	// (its item, its GSI5 and GSI2 entries, DynamoDB's 100 bytes per
	// item and entry); accountBytes the same for an account and its
	// companion items (SIP identity, markers, key).
	storedBytesPerEvent, accountBytes float64
}

// tenThousand is the traffic of the worked example.
func tenThousand() traffic {
	perCall, perMessage := sequenceShape()
	return traffic{users: 10_000, days: 30, registrations: 24, calls: 4, messages: 10,
		eventsPerCall: perCall, eventsPerMessage: perMessage, provisioning: 1, appRequests: 2,
		adminRequestsPerDay: 1_000, creationsPerMonth: 500, passwordChangesPerMonth: 1_000,
		emailsPerMonth: 1_500, smsPerMonth: 300, storedBytesPerEvent: 1_000, accountBytes: 2_000}
}

// sequenceShape counts the events of one call and of one message in the
// sequence section 5 replays (ingestSequence).
func sequenceShape() (perCall, perMessage float64) {
	callKinds := map[string]bool{ingestKinds[0]: true, ingestKinds[1]: true, ingestKinds[2]: true, ingestKinds[3]: true}
	for _, e := range ingestSequence(0) {
		if callKinds[e.kind] {
			perCall++
		} else {
			perMessage++
		}
	}
	return perCall, perMessage
}

// billLine is one item of the bill: quantity × price per unit.
type billLine struct {
	what     string
	quantity float64 // a month
	per      float64 // the price is per this many (1e6 for per million)
	price    float64 // dollars per `per`; 0 with a reason when not measured
	source   string  // where the price comes from
	missing  string  // not measured in this run: why
	monthly  float64
}

// bill is the computed bill.
type bill struct {
	t     traffic
	lines []billLine
	total float64
}

// monthlyOf is a line's amount: quantity / per × price.
func monthlyOf(l billLine) float64 {
	if l.missing != "" || l.per == 0 {
		return 0
	}
	return l.quantity / l.per * l.price
}

// measuredPrices are the per-million costs (all-in: logs included) the
// bill multiplies, from this run's sections; a missing one has its reason.
type measuredPrices struct {
	sipCheck, machineEvent, provisioning, digestRound, apiKey, creation, projection float64
	why                                                                             map[string]string
}

func (r *report) measuredPrices() measuredPrices {
	m := measuredPrices{why: map[string]string{}}
	switch mr := r.machineAPI; {
	case mr == nil:
		m.why["sipCheck"], m.why["machineEvent"] = "the machine API was not run", "the machine API was not run"
	case mr.err != nil:
		m.why["sipCheck"], m.why["machineEvent"] = mr.err.Error(), mr.err.Error()
	default:
		if mr.check == nil || mr.check.err != nil || mr.check.n == 0 {
			m.why["sipCheck"] = "section 5c failed"
		} else {
			m.sipCheck = checkCost(mr.check, r.mem).allIn
		}
		if !ingestOK(mr.ingest) {
			m.why["machineEvent"] = "section 5b failed"
		} else {
			m.machineEvent = machineIngestCost(mr, r.mem).allIn
		}
	}
	for _, s := range []struct {
		key string
		to  *float64
	}{{"digest_me", &m.digestRound}, {"apikey_me", &m.apiKey}, {"admin_create", &m.creation}} {
		if sc := r.scenario(s.key); sc != nil && sc.ops > 0 {
			*s.to = scenarioCost(sc, s.key, r.mem).allIn
		} else {
			m.why[s.key] = "not measured (section 4)"
		}
	}
	if c := r.capCase("GET /provisioning", authNone); c != nil && c.err == nil {
		group := api.GroupResources
		for _, rt := range api.Routes.Routes() {
			if rt.ID() == "GET /provisioning" {
				group = rt.Group
			}
		}
		m.provisioning = capacityCost(c, group, r.mem).allIn
	} else {
		m.why["provisioning"] = "GET /provisioning not measured (section 3)"
	}
	if f := r.flexisip; f != nil && f.err == nil && len(f.lags) > 0 {
		c := costOf(len(f.lags), f.seqInvocations, f.seqDurations, f.memoryMB)
		m.projection = c.total + c.logs
	} else {
		m.why["projection"] = "section 6 did not run"
	}
	return m
}

// computeBill multiplies the traffic by the prices, and adds the storage,
// the messages and the fixed cost (fixed < 0: not computed).
func computeBill(t traffic, m measuredPrices, fixed float64, fixedWhy string, usageMetrics float64) bill {
	u, d := float64(t.users), t.days
	events := u * (t.calls*t.eventsPerCall + t.messages*t.eventsPerMessage) * d
	storedGB := (u*(t.calls+t.messages)*d*t.storedBytesPerEvent + u*t.accountBytes) / 1e9
	const perM = 1e6
	lines := []billLine{
		{what: fmt.Sprintf("SIP checks on the machine API: %s users × (%g registrations + %g calls + %g messages) × %g days", thousands(u), t.registrations, t.calls, t.messages, d),
			quantity: u * (t.registrations + t.calls + t.messages) * d, per: perM, price: m.sipCheck, source: "5c, all-in", missing: m.why["sipCheck"]},
		{what: fmt.Sprintf("Statistics events on the machine API: %s users × (%g calls × %g events + %g messages × %g events) × %g days", thousands(u), t.calls, t.eventsPerCall, t.messages, t.eventsPerMessage, d),
			quantity: events, per: perM, price: m.machineEvent, source: "5b, all-in (the mean of the sequence's events)", missing: m.why["machineEvent"]},
		{what: fmt.Sprintf("Remote provisioning fetches (GET /provisioning): %s users × %g × %g days", thousands(u), t.provisioning, d),
			quantity: u * t.provisioning * d, per: perM, price: m.provisioning, source: "section 3's request, priced as section 4, logs included", missing: m.why["provisioning"]},
		{what: fmt.Sprintf("Linphone app account requests (Digest rounds): %s users × %g × %g days", thousands(u), t.appRequests, d),
			quantity: u * t.appRequests * d, per: perM, price: m.digestRound, source: "4, Digest round, logs included", missing: m.why["digest_me"]},
		{what: fmt.Sprintf("Admin scripts (API key): %s a day × %g days", thousands(t.adminRequestsPerDay), d),
			quantity: t.adminRequestsPerDay * d, per: perM, price: m.apiKey, source: "4, API key, logs included", missing: m.why["apikey_me"]},
		{what: fmt.Sprintf("Account creations (admin API): %s a month", thousands(t.creationsPerMonth)),
			quantity: t.creationsPerMonth, per: perM, price: m.creation, source: "4, DynamoDB Local's transaction units: an upper bound", missing: m.why["admin_create"]},
		{what: fmt.Sprintf("Projection for Flexisip: %s creations + %s password changes, one at a time", thousands(t.creationsPerMonth), thousands(t.passwordChangesPerMonth)),
			quantity: t.creationsPerMonth + t.passwordChangesPerMonth, per: perM, price: m.projection, source: "6, one change at a time, logs included", missing: m.why["projection"]},
		{what: fmt.Sprintf("Emails (SES): %s a month", thousands(t.emailsPerMonth)), quantity: t.emailsPerMonth, per: 1000, price: sesPerThousand, source: "price table"},
		{what: fmt.Sprintf("SMS (SNS, to %s numbers): %s a month", smsCountry, thousands(t.smsPerMonth)), quantity: t.smsPerMonth, per: 1, price: smsPerMessage, source: "price table; varies by country"},
		{what: fmt.Sprintf("DynamoDB storage and point-in-time recovery at the end of the first month: %s accounts × %s bytes + %s calls and messages × %s bytes",
			thousands(u), thousands(t.accountBytes), thousands(u*(t.calls+t.messages)*d), thousands(t.storedBytesPerEvent)),
			quantity: storedGB, per: 1, price: dynamoStoragePerGB + dynamoPITRPerGB, source: "price table, per GB-month"},
		{what: "Custom metrics of the log metric filters, at most (section 8)", quantity: 1, per: 1, price: usageMetrics, source: "section 8"},
		{what: "The fixed monthly cost of `" + sampleDeployConfig + "` (section 8)", quantity: 1, per: 1, price: fixed, source: "section 8", missing: fixedWhy},
	}
	b := bill{t: t}
	for _, l := range lines {
		l.monthly = monthlyOf(l)
		b.total += l.monthly
		b.lines = append(b.lines, l)
	}
	return b
}

// sampleFixed is the sample configuration's fixed cost and its custom
// metrics' ceiling (section 8), or why it is missing.
func sampleFixed(stacks []*stackVariant) (fixed, metrics float64, why string) {
	for _, v := range stacks {
		if v.config != sampleDeployConfig {
			continue
		}
		if v.err != nil || v.fixed == nil {
			return 0, 0, fmt.Sprintf("not computed: %v", v.err)
		}
		for _, it := range v.fixed.items {
			if it.usage {
				metrics += it.monthly
			}
		}
		return v.fixed.total, metrics, ""
	}
	return 0, 0, "not computed (section 8 did not run)"
}

func renderFixed(b *strings.Builder, stacks []*stackVariant) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## 8. Fixed monthly cost of a deployed stack\n\n")
	if len(stacks) == 0 {
		p("Not run.\n\n")
		return
	}
	p("What a deployed stack costs in a month with no traffic at all, computed from the stack itself: the CDK app of `infra/` synthesized "+
		"as `cdk synth` runs it (`go run -C infra .` with cdk.json's context, placeholder Lambda packages), for each configuration below, then "+
		"every resource of the template that has a monthly or hourly price counted and priced. Prices: %s. Everything else in the template "+
		"costs nothing, or only by use (requests, storage, data: the per-request figures of sections 4 to 6); the list is below the table.\n\n", fixedPriceSource)
	var keys []string
	rows := map[string]fixedItem{}
	for _, v := range stacks {
		if v.fixed == nil {
			continue
		}
		for _, it := range v.fixed.items {
			if _, ok := rows[it.key]; !ok {
				keys = append(keys, it.key)
				rows[it.key] = it
			}
		}
	}
	p("| Item | Price |")
	for _, v := range stacks {
		p(" %s |", v.name)
	}
	p("\n|---|---|%s\n", strings.Repeat("---|", len(stacks)))
	for _, k := range keys {
		p("| %s | %s |", rows[k].what, rows[k].price)
		for _, v := range stacks {
			cell := "–"
			if v.fixed != nil {
				for _, it := range v.fixed.items {
					if it.key == k {
						cell = fmt.Sprintf("%s: $%.2f", it.detail, it.monthly)
						if it.usage {
							cell = fmt.Sprintf("%s: up to $%.2f, not in the total", it.detail, it.monthly)
						}
					}
				}
			}
			p(" %s |", cell)
		}
		p("\n")
	}
	p("| **Total a month** | |")
	for _, v := range stacks {
		if v.err != nil || v.fixed == nil {
			p(" not computed: %s |", strings.ReplaceAll(firstLine(fmt.Sprint(v.err)), "|", "/"))
			continue
		}
		p(" **$%.2f** |", v.fixed.total)
	}
	p("\n\n")
	for _, v := range stacks {
		if v.fixed == nil {
			continue
		}
		var free []string
		for _, t := range sortedResourceIDs(v.fixed.free) {
			free = append(free, fmt.Sprintf("%s %d", strings.TrimPrefix(t, "AWS::"), v.fixed.free[t]))
		}
		p("- %s, synthesized in %s. <details><summary>Resources with no fixed price</summary>%s.</details>", v.name, v.took.Round(100*time.Millisecond), strings.Join(free, ", "))
		if len(v.fixed.unknown) > 0 {
			p(" **Not in the price table** (check them by hand): %s.", strings.Join(v.fixed.unknown, ", "))
		}
		p("\n")
	}
	p("\nNot in these figures: an account's free tiers (the first 3 dashboards, 10 alarm metrics and 10 custom metrics are free), the load balancer's "+
		"capacity units (traffic), the backup plan's snapshots ($0.10 per GB-month of warm storage) and the DNS hosted zone the custom domains "+
		"use (the operator's: $%.2f a month each, not created by the stack). The ACM certificates, the API Gateway custom domains and their alias "+
		"records cost nothing.\n\n", hostedZonePerMonth)
}

func renderBill(b *strings.Builder, r *report) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	t := tenThousand()
	fixed, metrics, why := sampleFixed(r.stacks)
	bl := computeBill(t, r.measuredPrices(), fixed, why, metrics)
	p("## 9. A worked monthly bill: %s users\n\n", thousands(float64(t.users)))
	p("The traffic is an assumption, stated here; every per-request price is this run's measured all-in figure (logs included) from the "+
		"section named, and the fixed cost is section 8's for `%s` (Flexisip's traffic on the machine API, the projection for Flexisip on). "+
		"Per user and day: %g SIP registrations (a refresh an hour), %g calls and %g messages sent (the proxy authenticates each: one SIP check "+
		"per registration, call and message), each call %g statistics events and each message %g (Flexisip's sequence of section 5: two callee "+
		"devices, two recipients), %g remote provisioning fetch (an app start), %g account requests of the Linphone app (Digest rounds). For the "+
		"whole service: %s admin-script requests a day (API key), %s new accounts and %s password changes a month, %s emails (SES) and %s SMS "+
		"(SNS, %s numbers at $%g each: the price varies by country, up to about ten times more), a month of %g days. Storage: %s bytes "+
		"kept per call or message (its item and index entries) and %s per account, an assumption, not measured.\n\n",
		sampleDeployConfig, t.registrations, t.calls, t.messages, t.eventsPerCall, t.eventsPerMessage, t.provisioning, t.appRequests,
		thousands(t.adminRequestsPerDay), thousands(t.creationsPerMonth), thousands(t.passwordChangesPerMonth), thousands(t.emailsPerMonth),
		thousands(t.smsPerMonth), smsCountry, smsPerMessage, t.days, thousands(t.storedBytesPerEvent), thousands(t.accountBytes))
	p("| Item | Quantity a month | Price | Source | Per month |\n|---|---|---|---|---|\n")
	for _, l := range bl.lines {
		qty, pr := quantity(l), unitPrice(l)
		if l.missing != "" {
			p("| %s | %s | not measured: %s | %s | – |\n", l.what, qty, l.missing, l.source)
			continue
		}
		p("| %s | %s | %s | %s | $%.2f |\n", l.what, qty, pr, l.source, l.monthly)
	}
	missing := 0
	for _, l := range bl.lines {
		if l.missing != "" {
			missing++
		}
	}
	total := fmt.Sprintf("**$%.2f**, $%.4f a user", bl.total, bl.total/float64(t.users))
	if missing > 0 {
		total += fmt.Sprintf(" (without the %d item(s) not measured)", missing)
	}
	p("| **Total a month** | | | | %s |\n\n", total)
	p("Not in the bill: free tiers, data transfer out, the REST API's access logs (on in the sample, not measured), CloudWatch Logs storage "+
		"after ingestion ($0.03 per GB-month), the daily maintenance run, and the statistics' growth: without `STATISTICS_RETENTION_DAYS` the "+
		"table grows by about %.1f GB a month, $%.2f more each month.\n\n",
		usersOf(t)*(t.calls+t.messages)*t.days*t.storedBytesPerEvent/1e9, usersOf(t)*(t.calls+t.messages)*t.days*t.storedBytesPerEvent/1e9*(dynamoStoragePerGB+dynamoPITRPerGB))
}

func usersOf(t traffic) float64 { return float64(t.users) }

func quantity(l billLine) string {
	switch {
	case l.per == 1e6 && l.quantity >= 1e5:
		return fmt.Sprintf("%s M", num(math.Round(l.quantity/1e4)/100))
	case strings.Contains(l.what, "storage"):
		return fmt.Sprintf("%.2f GB", l.quantity)
	case l.quantity == 1 && l.per == 1:
		return "1"
	}
	return thousands(l.quantity)
}

// thousands prints a whole number with thousands separators: 10,000.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func unitPrice(l billLine) string {
	switch l.per {
	case 1e6:
		return fmt.Sprintf("$%s per million", usd(l.price))
	case 1000:
		return fmt.Sprintf("$%.2f per 1,000", l.price)
	}
	if strings.Contains(l.what, "storage") {
		return fmt.Sprintf("$%.2f per GB-month", l.price)
	}
	if l.quantity == 1 {
		return fmt.Sprintf("$%.2f a month", l.price)
	}
	return fmt.Sprintf("$%g each", l.price)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// costOnly is -only-cost: sections 8 and 9 on stdout, the bill without
// this run's per-request figures (none was measured).
func costOnly(ctx context.Context, rep *report, tmp string) error {
	rep.stacks = priceStacks(ctx, tmp)
	var b strings.Builder
	renderFixed(&b, rep.stacks)
	renderBill(&b, rep)
	fmt.Print(b.String())
	return ctx.Err()
}
