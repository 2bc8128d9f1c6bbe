//go:build integration

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
)

// Flexisip's statistics on the machine API: the same sequence (what
// Flexisip really sends) stores the same items through each door, and a
// bad key stores nothing.

// writeTime are the attributes a write stamps with its own time: the
// only ones that may differ between two replays of one sequence.
var writeTime = regexp.MustCompile(`^(created_at|updated_at|d[0-9a-f]{8}_[cu])$`)

// statsSnapshot is every statistics item of the table (calls, messages
// and their devices, with their index keys), write times left out.
func (e *env) statsSnapshot() string {
	e.t.Helper()
	out, err := e.st.Client().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(e.st.Table()), ConsistentRead: aws.Bool(true)})
	if err != nil || out.LastEvaluatedKey != nil {
		e.t.Fatalf("scan: %v (a test table fits in one page)", err)
	}
	var items []string
	for _, it := range out.Items {
		pk := attrString(it["PK"])
		if !strings.HasPrefix(pk, `"CALL#`) && !strings.HasPrefix(pk, `"MSG#`) {
			continue
		}
		for n := range it {
			if writeTime.MatchString(n) {
				delete(it, n)
			}
		}
		items = append(items, itemString(it, false))
	}
	sort.Strings(items)
	return strings.Join(items, "\n")
}

// prefixed moves a sequence from FlexiAPI's prefix to another one.
func prefixed(seq []flexisipEvent, prefix string) []flexisipEvent {
	out := make([]flexisipEvent, len(seq))
	for i, ev := range seq {
		out[i] = ev
		out[i].path = prefix + strings.TrimPrefix(ev.path, "/api/statistics/")
	}
	return out
}

// sendWith sends a sequence with Flexisip's headers through a client;
// every answer must be 2xx.
func sendWith(t *testing.T, c *http.Client, base, key string, seq []flexisipEvent) {
	t.Helper()
	for _, ev := range seq {
		r := doWith(t, c, ev.method, base+ev.path, devstack.FlexisipStatsHeaders(key), ev.body)
		if r.Status != 200 && r.Status != 201 {
			t.Fatalf("%s %s: %d %s", ev.method, ev.path, r.Status, r.Body)
		}
	}
}

func TestMachineStatisticsReplay(t *testing.T) {
	callID, msgID := statID("machine-call"), statID("machine-message")
	seq := flexisipSequence(callID, msgID)

	ref := newEnv(t, nil)
	ref.send(seq) // the REST API, as today
	want := ref.statsSnapshot()
	if !strings.Contains(want, `PK:"CALL#`) || !strings.Contains(want, `PK:"MSG#`) || !strings.Contains(want, "accepted_elsewhere") {
		t.Fatalf("the reference stored too little:\n%s", want)
	}

	channels := []struct {
		name   string
		prefix string
		tls    bool
		sni    bool
	}{
		{"machine port, /api/statistics/", "/api/statistics/", false, false},
		{"machine port, /api/stats/", "/api/stats/", false, false},
		{"TLS, HTTP/2 only, no SNI, /api/stats/", "/api/stats/", true, false},
		{"TLS, HTTP/2 only, SNI, /api/statistics/", "/api/statistics/", true, true},
	}
	for _, c := range channels {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			events := prefixed(seq, c.prefix)
			if !c.tls {
				for _, ev := range events {
					r := e.machineDo(ev.method, ev.path, header{"X-Api-Key": e.admin.Key, "Content-Type": "application/json", "Accept": "application/json"}, ev.body)
					if r.Status != 200 && r.Status != 201 {
						t.Fatalf("%s %s: %d %s", ev.method, ev.path, r.Status, r.Body)
					}
				}
			} else {
				base, hello := e.machineTLS()
				sendWith(t, devstack.FlexisipStatsClient(c.sni), base, e.admin.Key, events)
				hello.mu.Lock()
				for i := range hello.sni {
					if strings.Join(hello.alpn[i], ",") != "h2" || (hello.sni[i] != "") == !c.sni {
						t.Errorf("client hello %d: ALPN %v, SNI %q", i, hello.alpn[i], hello.sni[i])
					}
				}
				hello.mu.Unlock()
				if !strings.Contains(e.machineAccess.String(), `"proto":"HTTP/2.0"`) {
					t.Error("the access log does not show HTTP/2")
				}
			}
			if got := e.statsSnapshot(); got != want {
				t.Fatalf("stored through the machine API:\n%s\nthrough the REST API:\n%s", got, want)
			}
		})
	}
}

// A missing, wrong, non-admin, expired or blocked key gets its JSON error
// on the machine API, and nothing is stored.
func TestMachineStatisticsKeys(t *testing.T) {
	e := newEnv(t, nil)
	user := e.newAccount("someone1", "someone-pass", "MD5", false)
	expired := e.newAccount("expired2", "expired-pass", "MD5", true)
	// Its last use two hours ago (APP_API_KEY_EXPIRATION_MINUTES is 60).
	past := time.Now().Add(-2 * time.Hour)
	if err := e.st.TouchAPIKey(context.Background(), auth.HashAPIKey(expired.Key), past, past.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	blocked := e.newAccount("blocked2", "blocked-pass", "MD5", true)
	expect(t, e.asAdmin("POST", fmt.Sprintf("/api/accounts/%d/block", blocked.ID), ""), 200)

	ev := prefixed(flexisipSequence(statID("keys-call"), statID("keys-msg")), "/api/stats/")[0]
	before := e.snapshot()
	base, _ := e.machineTLS()
	client := devstack.FlexisipStatsClient(false)
	for _, c := range []struct {
		name    string
		h       http.Header
		status  int
		message string
	}{
		{"missing", http.Header{"Content-Type": {"application/json"}}, 401, api.MsgNoCredentials},
		{"wrong", devstack.FlexisipStatsHeaders("not-a-key"), 401, api.MsgInvalidAPIKey},
		{"non-admin", devstack.FlexisipStatsHeaders(user.Key), 403, api.MsgUnauthorizedArea},
		{"expired", devstack.FlexisipStatsHeaders(expired.Key), 401, api.MsgInvalidAPIKey},
		{"blocked", devstack.FlexisipStatsHeaders(blocked.Key), 403, api.MsgBlocked},
		{"wrong cookie", http.Header{"Cookie": {"x-api-key=not-a-key"}}, 401, api.MsgInvalidAPIKey},
		{"a Digest header is no credential here", http.Header{"Authorization": {`Digest username="admin"`}, "From": {"sip:admin@" + domain}}, 401, api.MsgNoCredentials},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := doWith(t, client, ev.method, base+ev.path, c.h, ev.body)
			expect(t, r, c.status)
			if m := r.JSON(t)["message"]; m != c.message {
				t.Fatalf("message %q, want %q", m, c.message)
			}
			if r.Header.Get("WWW-Authenticate") != "" {
				t.Fatal("the machine API sends no challenge")
			}
		})
	}
	e.expectUnchanged(before)
	// The admin's key, as a cookie, is accepted.
	r := doWith(t, client, ev.method, base+ev.path, http.Header{"Cookie": {"x-api-key=" + e.admin.Key}, "Content-Type": {"application/json"}}, ev.body)
	expect(t, r, 200)
}

// Flexisip's conference events: 202, nothing stored, under both
// prefixes; still behind the key.
func TestMachineConferenceEvents(t *testing.T) {
	e := newEnv(t, nil)
	before := e.snapshot()
	h := header{"X-Api-Key": e.admin.Key}
	for _, p := range []string{"/api/stats/", "/api/statistics/"} {
		for _, c := range [][3]string{
			{"POST", "conferences", `{"id":"c0nf","created_at":"2024-03-25T10:11:12Z","schedule":null}`},
			{"PATCH", "conferences/c0nf", `{"ended_at":"2024-03-25T11:00:00Z"}`},
			{"POST", "conferences/c0nf/participants/alice@" + domain + "/events", `{"type":"added","at":"2024-03-25T10:11:13Z"}`},
			{"POST", "conferences/c0nf/participants/alice@" + domain + "/devices/%22%3Curn:uuid:1%3E%22/events", `not even JSON`},
		} {
			r := e.machineDo(c[0], p+c[1], h, c[2])
			if r.Status != 202 || r.JSON(t)["message"] != "Conference events are not stored." {
				t.Errorf("%s %s%s: %d %s", c[0], p, c[1], r.Status, r.Body)
			}
		}
		expect(t, e.machineDo("POST", p+"conferences", nil, `{}`), 401)
	}
	e.expectUnchanged(before)
	// On the REST API, FlexiAPI has no such route.
	expect(t, e.asAdmin("POST", "/api/statistics/conferences", `{}`), 404)
}

// API_KEY_NON_EXPIRING_ACCOUNTS: the machine account's key outlives
// APP_API_KEY_EXPIRATION_MINUTES on both APIs; another admin's does not.
func TestNonExpiringMachineKey(t *testing.T) {
	e := newEnv(t, map[string]string{"API_KEY_NON_EXPIRING_ACCOUNTS": "flexisip1@" + domain})
	machine := e.newAccount("flexisip1", "flexisip-pass", "MD5", true)
	other := e.newAccount("otheradm1", "other-pass", "MD5", true)
	ctx := context.Background()
	item := func(key string) string { return e.snapshot()[`"APIKEY#`+auth.HashAPIKey(key)+`" "APIKEY"`] }
	if s := e.statItem("APIKEY#"+auth.HashAPIKey(machine.Key), "APIKEY"); s["expires_at"] != nil {
		t.Fatalf("the non-expiring key has a TTL: %v", item(machine.Key))
	}
	past := time.Now().Add(-30 * 24 * time.Hour)
	for _, k := range []string{machine.Key, other.Key} {
		if err := e.st.TouchAPIKey(ctx, auth.HashAPIKey(k), past, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	ev := prefixed(flexisipSequence(statID("nx-call"), statID("nx-msg")), "/api/stats/")[0]
	expect(t, e.machineDo(ev.method, ev.path, header{"X-Api-Key": machine.Key}, ev.body), 200)
	expect(t, e.withKey(machine.Key, "GET", "/api/accounts/me", ""), 200)
	expect(t, e.machineDo(ev.method, ev.path, header{"X-Api-Key": other.Key}, ev.body), 401)
	expect(t, e.withKey(other.Key, "GET", "/api/accounts/me", ""), 401)
	if s := e.statItem("APIKEY#"+auth.HashAPIKey(machine.Key), "APIKEY"); s["expires_at"] != nil {
		t.Fatal("using the non-expiring key gave it a TTL")
	}
}
