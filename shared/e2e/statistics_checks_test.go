//go:build integration

package e2e

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestStatisticsBadInput: malformed dates, unknown ids, oversized and
// mistyped values get a 4xx JSON answer and store nothing.
func TestStatisticsBadInput(t *testing.T) {
	e := newEnv(t, nil)
	user := e.newAccount("statuser", "secret-pass", "SHA-256", false)
	callID, msgID := statID("bad-call"), statID("bad-message")
	e.send(flexisipSequence(callID, msgID))
	call, msg := e.callItem(callID), e.messageItem(msgID)
	before := e.snapshot()
	newID := statID("never-stored")
	huge := strings.Repeat("x", 300_000)
	msgBody := func(field, value string) string {
		m := map[string]string{"id": `"` + newID + `"`, "from": `"alice@` + domain + `"`, "sent_at": `"2024-03-25T10:11:12Z"`, "encrypted": "false"}
		m[field] = value
		var parts []string
		for k, v := range m {
			parts = append(parts, `"`+k+`":`+v)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	callDev := "/api/statistics/calls/" + callID + "/devices/dev1"
	msgDev := "/api/statistics/messages/" + msgID + "/to/bob@" + domain + "/devices/dev1"
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"malformed JSON", "POST", "/api/statistics/messages", `{"id":`, 400, ""},
		{"JSON array", "POST", "/api/statistics/calls", `[1,2]`, 400, ""},
		{"empty body", "POST", "/api/statistics/calls", ``, 422, "id"},
		{"numeric id", "POST", "/api/statistics/messages", msgBody("id", "12345"), 422, "id"},
		{"id too long", "POST", "/api/statistics/messages", msgBody("id", `"`+strings.Repeat("a", 65)+`"`), 422, "id"},
		{"oversized id", "POST", "/api/statistics/messages", msgBody("id", `"`+huge+`"`), 422, "id"},
		{"from without @", "POST", "/api/statistics/messages", msgBody("from", `"alice"`), 422, "from"},
		{"from as an object", "POST", "/api/statistics/messages", msgBody("from", `{"a":"b"}`), 422, "from"},
		{"malformed date", "POST", "/api/statistics/messages", msgBody("sent_at", `"2023-13-01"`), 422, "sent_at"},
		{"numeric date", "POST", "/api/statistics/messages", msgBody("sent_at", `"20230717"`), 422, "sent_at"},
		{"impossible day", "POST", "/api/statistics/messages", msgBody("sent_at", `"2023-02-30"`), 422, "sent_at"},
		{"space before the offset", "POST", "/api/statistics/messages", msgBody("sent_at", `"2023-07-17T12:34:56 +02:00"`), 422, "sent_at"},
		{"encrypted not boolean", "POST", "/api/statistics/messages", msgBody("encrypted", `"yes"`), 422, "encrypted"},
		{"oversized conference", "POST", "/api/statistics/messages", msgBody("conference_id", `"`+huge+`"`), 422, "conference_id"},
		{"call without to", "POST", "/api/statistics/calls", `{"id":"` + newID + `","from":"a@b","initiated_at":"2024-03-25T10:11:12Z"}`, 422, "to"},
		{"call ended_at malformed", "POST", "/api/statistics/calls", `{"id":"` + newID + `","from":"a@b","to":"c@d","initiated_at":"2024-03-25T10:11:12Z","ended_at":"soon"}`, 422, "ended_at"},
		{"unknown message", "PATCH", "/api/statistics/messages/" + newID + "/to/bob@" + domain + "/devices/dev1", `{"last_status":200,"received_at":"2024-03-25T10:11:12Z"}`, 404, ""},
		{"over-long message id", "PATCH", "/api/statistics/messages/" + strings.Repeat("a", 100) + "/to/bob@" + domain + "/devices/dev1", `{"last_status":200,"received_at":"2024-03-25T10:11:12Z"}`, 404, ""},
		{"recipient without @", "PATCH", "/api/statistics/messages/" + msgID + "/to/bob/devices/dev1", `{"last_status":200,"received_at":"2024-03-25T10:11:12Z"}`, 422, "to"},
		{"over-long device", "PATCH", "/api/statistics/messages/" + msgID + "/to/bob@" + domain + "/devices/" + strings.Repeat("d", 300), `{"last_status":200,"received_at":"2024-03-25T10:11:12Z"}`, 422, "device_id"},
		{"status not an integer", "PATCH", msgDev, `{"last_status":"abc","received_at":"2024-03-25T10:11:12Z"}`, 422, "last_status"},
		{"status with a fraction", "PATCH", msgDev, `{"last_status":200.5,"received_at":"2024-03-25T10:11:12Z"}`, 422, "last_status"},
		{"status missing", "PATCH", msgDev, `{"received_at":"2024-03-25T10:11:12Z"}`, 422, "last_status"},
		{"received_at malformed", "PATCH", msgDev, `{"last_status":200,"received_at":"yesterday"}`, 422, "received_at"},
		{"unknown call", "PATCH", "/api/statistics/calls/" + newID + "/devices/dev1", `{"rang_at":"2024-03-25T10:11:12Z"}`, 404, ""},
		{"rang_at null", "PATCH", callDev, `{"rang_at":null}`, 422, "rang_at"},
		{"rang_at a number", "PATCH", callDev, `{"rang_at":1711361472}`, 422, "rang_at"},
		{"state without at", "PATCH", callDev, `{"invite_terminated":{"state":"declined"}}`, 422, "invite_terminated.at"},
		{"at without state", "PATCH", callDev, `{"invite_terminated":{"at":"2024-03-25T10:11:12Z"}}`, 422, "invite_terminated.state"},
		{"at malformed", "PATCH", callDev, `{"invite_terminated":{"at":"later","state":"declined"}}`, 422, "invite_terminated.at"},
		{"state not a string", "PATCH", callDev, `{"invite_terminated":{"at":"2024-03-25T10:11:12Z","state":3}}`, 422, "invite_terminated.state"},
		{"invite_terminated a string", "PATCH", callDev, `{"invite_terminated":"accepted"}`, 422, "invite_terminated"},
		{"unknown call end", "PATCH", "/api/statistics/calls/" + newID, `{"ended_at":"2024-03-25T10:11:12Z"}`, 404, ""},
		{"call end without date", "PATCH", "/api/statistics/calls/" + callID, `{}`, 422, "ended_at"},
		{"counts without a period", "GET", "/api/statistics/counts", "", 422, "from"},
		{"counts too long", "GET", "/api/statistics/counts?by=hour&from=2024-01-01&to=2024-03-01", "", 422, "to"},
		{"counts of another domain", "GET", countsDay + "&domain=elsewhere.org", "", 422, "domain"},
		{"export bad cursor", "GET", "/api/statistics/export/calls?from=2024-03-25&to=2024-03-26&cursor=" + url.QueryEscape("2024-03-27|x"), "", 422, "cursor"},
		{"export bad per_page", "GET", "/api/statistics/export/calls?from=2024-03-25&to=2024-03-26&per_page=5000", "", 422, "per_page"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.asAdmin(c.method, c.path, c.body)
			expect(t, r, c.status)
			if c.field != "" {
				if len(r.errorsOf(t, c.field)) == 0 {
					t.Fatalf("no error on %s: %s", c.field, r.Body)
				}
			}
		})
	}
	// Access: a user is refused, an anonymous caller challenged.
	expect(t, e.withKey(user.Key, "POST", "/api/statistics/calls", `{"id":"`+newID+`","from":"a@b","to":"c@d","initiated_at":"2024-03-25T10:11:12Z"}`), 403)
	expect(t, e.do("POST", "/api/statistics/calls", header{"From": "sip:statuser@" + domain}, `{"id":"`+newID+`","from":"a@b","to":"c@d","initiated_at":"2024-03-25T10:11:12Z"}`), 401)

	if e.callItem(newID) != nil || e.messageItem(newID) != nil {
		t.Fatal("a refused request stored an event")
	}
	if !reflect.DeepEqual(e.callItem(callID), call) || !reflect.DeepEqual(e.messageItem(msgID), msg) {
		t.Fatal("a refused request changed an event")
	}
	e.expectUnchanged(before)
}

// rawRequest sends a request line byte for byte (Go's client would
// percent-encode the quotes and angle brackets Flexisip sends raw).
func rawRequest(t *testing.T, base, method, path, key, body string) (int, string) {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nX-Api-Key: %s\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		method, path, u.Host, key, len(body), body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestStatisticsDeviceIDInPath: Flexisip's device id ("<urn:uuid:…>",
// quotes and angle brackets included) raw in the path and percent-encoded
// name the same device.
func TestStatisticsDeviceIDInPath(t *testing.T) {
	e := newEnv(t, nil)
	callID, msgID := statID("path-call"), statID("path-message")
	expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+callID+`","from":"tony@`+domain+`","to":"mike@`+domain+`","initiated_at":"2024-03-25T10:11:12Z"}`), 200)
	expect(t, e.asAdmin("POST", "/api/statistics/messages", `{"id":"`+msgID+`","from":"alice@`+domain+`","sent_at":"2024-03-25T10:11:12Z","encrypted":true}`), 200)
	device := `"<urn:uuid:8f6c2b1e-3333-4000-8000-000000000003>"`
	st, body := rawRequest(t, e.url, "PATCH", "/api/statistics/calls/"+callID+"/devices/"+device, e.admin.Key, `{"rang_at":"2024-03-25T10:11:13Z"}`)
	if st != 201 || !strings.Contains(body, `"device_id":"\"\u003curn:uuid:8f6c2b1e-3333-4000-8000-000000000003\u003e\""`) {
		t.Fatalf("raw device id: %d %s", st, body)
	}
	expect(t, e.asAdmin("PATCH", "/api/statistics/calls/"+callID+"/devices/"+url.PathEscape(device), `{"rang_at":"2024-03-25T10:11:14Z"}`), 200)
	// Fully percent-encoded, ':' included.
	enc := strings.NewReplacer(`"`, "%22", "<", "%3C", ">", "%3E", ":", "%3A").Replace(device)
	expect(t, e.asAdmin("PATCH", "/api/statistics/calls/"+callID+"/devices/"+enc, `{"rang_at":"2024-03-25T10:11:15Z"}`), 200)
	devs := devices(e.callItem(callID))
	if len(devs) != 1 || devs[device]["r"] != "2024-03-25T10:11:15Z" {
		t.Fatalf("devices %v", devs)
	}
	st, body = rawRequest(t, e.url, "PATCH", "/api/statistics/messages/"+msgID+"/to/bob@"+domain+"/devices/"+device, e.admin.Key, `{"last_status":200,"received_at":"2024-03-25T10:11:13Z"}`)
	if st != 201 {
		t.Fatalf("raw device id (message): %d %s", st, body)
	}
	expect(t, e.asAdmin("PATCH", "/api/statistics/messages/"+msgID+"/to/"+url.PathEscape("bob@"+domain)+"/devices/"+enc, `{"last_status":200,"received_at":"2024-03-25T10:11:13Z"}`), 200)
	if n := len(devices(e.messageItem(msgID))); n != 1 {
		t.Fatalf("%d message devices, want 1", n)
	}
}

// TestStatisticsIngestionCapacity: each Flexisip event is one write
// request (no read) in the function and one decision costing at most one
// read unit in the authorizer, as DynamoDB Local reports them in the
// request log lines (ReturnConsumedCapacity INDEXES: wcu is the total,
// wcu_index its index part). Every event costs exactly 1 write unit on
// the table (its item is under 1 KB); the index entries are apart: an
// announcement writes GSI5 and GSI2, a device or end event writes GSI5
// only when it changes an outcome or ended_at. A re-sent event (a failed
// condition) is 1 unit on the table and none on the indexes.
func TestStatisticsIngestionCapacity(t *testing.T) {
	e := newEnv(t, nil)
	// The admin key's last use is written at most once a minute: use it
	// once first so that the measured requests take the common path.
	expect(t, e.asAdmin("GET", "/api/accounts/me", ""), 200)
	seq := flexisipSequence(statID("cap-call"), statID("cap-message"))
	// Index units of the first pass: call (GSI5, GSI2), ringing ×2,
	// terminated ×2 (accepted decides the outcome, accepted_elsewhere
	// does not), end (ended_at), message (GSI5, GSI2), delivered ×2 (the
	// second 200 adds nothing to the statuses).
	firstPassIndex := []float64{2, 0, 0, 1, 0, 1, 2, 1, 0}
	var ids []string
	var wantIndex []float64
	for pass := 0; pass < 2; pass++ {
		for i, ev := range seq {
			r := e.asAdmin(ev.method, ev.path, ev.body)
			if r.Status != 200 && r.Status != 201 {
				t.Fatalf("%s %s: %d %s", ev.method, ev.path, r.Status, r.Body)
			}
			ids = append(ids, r.Header.Get("x-amzn-RequestId"))
			if pass == 0 {
				wantIndex = append(wantIndex, firstPassIndex[i])
			} else {
				wantIndex = append(wantIndex, 0)
			}
		}
	}
	var fn []statLine
	var authz map[string][]statLine
	for i := 0; i < 50; i++ {
		fn, authz = logLines(t, e.logs.String(), "statistics")
		if len(fn) >= len(ids) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	byID := map[string]statLine{}
	for _, l := range fn {
		byID[l.RequestID] = l
	}
	var table, index, authRCU float64
	for i, id := range ids {
		l, ok := byID[id]
		if !ok {
			t.Fatalf("no log line for request %d (%s)", i, id)
		}
		if l.WCUIndex == nil {
			t.Fatalf("event %d, %s %s: no wcu_index on its log line", i, l.Method, l.Route)
		}
		table += l.WCU - *l.WCUIndex
		index += *l.WCUIndex
		if l.WCU-*l.WCUIndex != 1 || *l.WCUIndex != wantIndex[i] || l.RCU != 0 || l.DBCalls != 1 {
			t.Errorf("event %d, %s %s (%d): %.1f WCU of which %.1f on indexes, %.1f RCU, %d calls; want 1 WCU on the table, %.0f on indexes, no read, one call",
				i, l.Method, l.Route, l.Status, l.WCU, *l.WCUIndex, l.RCU, l.DBCalls, wantIndex[i])
		}
		a := authz[id]
		if len(a) != 1 || a[0].RCU > 1 || a[0].WCU != 0 {
			t.Errorf("event %d: authorizer %+v; want one decision, at most 1 RCU, no write", i, a)
			continue
		}
		authRCU += a[0].RCU
	}
	n := float64(len(ids))
	t.Logf("%d events: table %.2f WCU, indexes %.2f WCU, authorizer %.2f RCU per event (first pass: %.0f table + %.0f index WCU for %d events)",
		len(ids), table/n, index/n, authRCU/n, float64(len(seq)), index, len(seq))
}

// TestStatisticsReadBack: counts per day and hour with outcomes, the CSV
// exports page by page, and a bounded number of queries.
func TestStatisticsReadBack(t *testing.T) {
	e := newEnv(t, nil)
	// Three calls on 2024-03-25 (answered, missed, failed), one the next
	// day, one of another domain; two messages (delivered, pending).
	call := func(seed, from, at string) string {
		id := statID(seed)
		expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+id+`","from":"`+from+`","to":"mike@`+domain+`","initiated_at":"`+at+`"}`), 200)
		return id
	}
	answered := call("rb-1", "tony@"+domain, "2024-03-25T10:00:00Z")
	missed := call("rb-2", "tony@"+domain, "2024-03-25T10:30:00Z")
	failed := call("rb-3", "tony@"+domain, "2024-03-25T11:00:00+00:00")
	call("rb-4", "tony@"+domain, "2024-03-26T00:00:00Z")
	call("rb-5", "tony@elsewhere.org", "2024-03-25T10:00:00Z")
	term := func(id, state string) {
		expect(t, e.asAdmin("PATCH", "/api/statistics/calls/"+id+"/devices/d", `{"invite_terminated":{"at":"2024-03-25T12:00:00Z","state":"`+state+`"}}`), 201)
	}
	term(answered, "accepted")
	term(missed, "declined")
	term(failed, "error")
	expect(t, e.asAdmin("PATCH", "/api/statistics/calls/"+answered, `{"ended_at":"2024-03-25T10:05:00Z"}`), 200)
	m1, m2 := statID("rb-m1"), statID("rb-m2")
	for _, id := range []string{m1, m2} {
		expect(t, e.asAdmin("POST", "/api/statistics/messages", `{"id":"`+id+`","from":"alice@`+domain+`","sent_at":"2024-03-25T10:10:00Z","encrypted":false}`), 200)
	}
	expect(t, e.asAdmin("PATCH", "/api/statistics/messages/"+m1+"/to/bob@"+domain+"/devices/d", `{"last_status":200,"received_at":"2024-03-25T10:10:01Z"}`), 201)

	r := e.asAdmin("GET", countsDay, "")
	expect(t, r, 200)
	want := `{"domain":"` + domain + `","from":"2024-03-25T00:00:00.000000Z","to":"2024-03-26T00:00:00.000000Z","by":"day","data":[` +
		`{"moment":"2024-03-25","calls":{"total":3,"answered":1,"missed":1,"failed":1,"in_progress":0},"messages":{"total":2,"delivered":1,"failed":0,"pending":1}}]}`
	if r.Body != want {
		t.Fatalf("counts\n got %s\nwant %s", r.Body, want)
	}
	r = e.asAdmin("GET", countsDay+"&by=hour", "")
	expect(t, r, 200)
	data := r.JSON(t)["data"].([]any)
	if len(data) != 24 {
		t.Fatalf("%d hourly buckets, want 24", len(data))
	}
	if h := data[10].(map[string]any); h["moment"] != "2024-03-25 10" || h["calls"].(map[string]any)["total"] != float64(2) ||
		h["messages"].(map[string]any)["total"] != float64(2) {
		t.Fatalf("10:00 bucket %v", h)
	}

	// The export, one call per page: three pages linked by cursors.
	path := "/api/statistics/export/calls?from=2024-03-25&to=2024-03-26&per_page=1"
	var rows [][]string
	for page := 0; path != ""; page++ {
		if page > 5 {
			t.Fatal("the export does not end")
		}
		r := e.asAdmin("GET", path, "")
		expect(t, r, 200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("Content-Type %q", ct)
		}
		recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil || len(recs) < 1 || strings.Join(recs[0], ",") != "id,from,to,initiated_at,ended_at,duration_seconds,outcome" {
			t.Fatalf("page %d: %v %q", page, err, r.Body)
		}
		if len(recs) != 2 {
			t.Fatalf("page %d has %d events, want 1 (no empty last page): %q", page, len(recs)-1, r.Body)
		}
		rows = append(rows, recs[1:]...)
		path = ""
		if link := r.Header.Get("Link"); link != "" {
			u, err := url.Parse(strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`))
			if err != nil {
				t.Fatal(err)
			}
			path = u.RequestURI()
		}
	}
	if len(rows) != 3 || rows[0][0] != answered || rows[0][5] != "300" || rows[0][6] != "answered" || rows[1][6] != "missed" || rows[2][6] != "failed" {
		t.Fatalf("exported %v", rows)
	}
	r = e.asAdmin("GET", "/api/statistics/export/messages?from=2024-03-25&to=2024-03-26", "")
	expect(t, r, 200)
	if recs, _ := csv.NewReader(strings.NewReader(r.Body)).ReadAll(); len(recs) != 3 || r.Header.Get("Link") != "" {
		t.Fatalf("messages export %q", r.Body)
	}

	// One day of a domain: one Query for its calls, one for its messages.
	var lines []statLine
	for i := 0; i < 50; i++ {
		lines, _ = logLines(t, e.logs.String(), "statistics")
		if len(lines) > 0 && lines[len(lines)-1].Route == "/api/statistics/export/messages" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	seen := false
	for _, l := range lines {
		if strings.HasPrefix(l.Route, "/api/statistics/export/") {
			t.Logf("%s page: %d queries, %.1f RCU", l.Route, l.DBCalls, l.RCU)
		}
		if l.Route == "/api/statistics/counts" && l.Status == 200 {
			seen = true
			if l.DBCalls != 2 || l.WCU != 0 {
				t.Errorf("counts of one day: %d calls, %.1f WCU; want 2 queries and no write", l.DBCalls, l.WCU)
			}
			t.Logf("counts of one day: %d queries, %.1f RCU", l.DBCalls, l.RCU)
		}
	}
	if !seen {
		t.Fatal("no counts request line")
	}
}

// TestStatisticsRetention: with STATISTICS_RETENTION_DAYS an event carries
// its TTL, and an expired event is not read back even before DynamoDB's
// TTL deletes it.
func TestStatisticsRetention(t *testing.T) {
	e := newEnv(t, map[string]string{"STATISTICS_RETENTION_DAYS": "2"})
	now := time.Now().UTC().Truncate(time.Second)
	old, recent := statID("old"), statID("recent")
	for id, at := range map[string]time.Time{old: now.Add(-72 * time.Hour), recent: now.Add(-time.Hour)} {
		expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+id+`","from":"tony@`+domain+`","to":"mike@`+domain+`","initiated_at":"`+at.Format(time.RFC3339)+`"}`), 200)
	}
	if got, want := s(e.callItem(recent)["expires_at"]), fmt.Sprint(now.Add(-time.Hour+48*time.Hour).Unix()); got != want {
		t.Fatalf("expires_at %s, want %s (initiated_at + 2 days)", got, want)
	}
	from, to := now.Add(-96*time.Hour).Format("2006-01-02"), now.Add(24*time.Hour).Format("2006-01-02")
	r := e.asAdmin("GET", "/api/statistics/export/calls?from="+from+"&to="+to, "")
	expect(t, r, 200)
	if strings.Contains(r.Body, old) || !strings.Contains(r.Body, recent) {
		t.Fatalf("export %q: the expired call must be gone, the recent one present", r.Body)
	}
}
