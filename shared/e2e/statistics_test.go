//go:build integration

package e2e

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Statistics: the port of FlexiAPI's ApiStatisticsTest, then what Flexisip
// really sends, replayed, raced and costed.

// statID is a Flexisip-shaped id: 64 hex characters.
func statID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])
}

// statItem reads a statistics item from the table (strongly consistent).
func (e *env) statItem(pk, sk string) map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.st.Client().GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(e.st.Table()), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Item
}

func (e *env) messageItem(id string) map[string]types.AttributeValue {
	return e.statItem("MSG#"+id, "MSG")
}
func (e *env) callItem(id string) map[string]types.AttributeValue {
	return e.statItem("CALL#"+id, "CALL")
}

var deviceAttr = regexp.MustCompile(`^d[0-9a-f]{8}_i$`)

// devices returns the device attributes of an item, by device id.
func devices(item map[string]types.AttributeValue) map[string]map[string]string {
	out := map[string]map[string]string{}
	for name, v := range item {
		if !deviceAttr.MatchString(name) {
			continue
		}
		prefix := strings.TrimSuffix(name, "i")
		fields := map[string]string{}
		for n, fv := range item {
			if strings.HasPrefix(n, prefix) {
				fields[strings.TrimPrefix(n, prefix)] = attrText(fv)
			}
		}
		out[attrText(v)] = fields
	}
	return out
}

func attrText(v types.AttributeValue) string {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return x.Value
	case *types.AttributeValueMemberN:
		return x.Value
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint(x.Value)
	}
	return fmt.Sprintf("%v", v)
}

func s(v types.AttributeValue) string {
	if v == nil {
		return "<absent>"
	}
	return attrText(v)
}

// TestApiStatisticsTestTestMessages ports testMessages, with our
// difference: a re-posted id is 200 and changes nothing.
func TestApiStatisticsTestTestMessages(t *testing.T) {
	e := newEnv(t, nil)
	sender := e.newAccount("statsender", "secret-pass", "SHA-256", false)
	id := statID("message-1")
	body := `{"id":"` + id + `","from":"statsender@` + domain + `","sent_at":"2024-03-25T10:11:12Z","encrypted":false,"conference_id":null}`
	r := e.asAdmin("POST", "/api/statistics/messages", body)
	expect(t, r, 200)
	if r.Body != "1" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("answer %q (%s), want the text 1", r.Body, r.Header.Get("Content-Type"))
	}
	item := e.messageItem(id)
	if s(item["from_username"]) != "statsender" || s(item["from_domain"]) != domain || s(item["sent_at"]) != "2024-03-25T10:11:12Z" {
		t.Fatalf("stored %v", item)
	}

	// The same id from someone else: 200, first write wins.
	expect(t, e.asAdmin("POST", "/api/statistics/messages", strings.Replace(body, "statsender@", "other@", 1)), 200)
	if got := e.messageItem(id); !reflect.DeepEqual(got, item) {
		t.Fatalf("a re-post changed the message: %v", got)
	}

	r = e.asAdmin("POST", "/api/statistics/messages", `{"id":"`+statID("message-2")+`","from":"statsender@`+domain+`","sent_at":"bad_date","encrypted":false}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "sent_at"); !reflect.DeepEqual(got, []string{"validation.iso_date"}) {
		t.Fatalf("sent_at errors %v", got)
	}
	if e.messageItem(statID("message-2")) != nil {
		t.Fatal("an invalid message was stored")
	}

	dev := "/api/statistics/messages/" + id + "/to/" + url.PathEscape("bob@"+domain) + "/devices/" + url.PathEscape(`"<urn:uuid:8f6c2b1e-0000-4000-8000-000000000001>"`)
	r = e.asAdmin("PATCH", dev, `{"last_status":200,"received_at":"2024-03-25T10:11:13Z"}`)
	expect(t, r, 201)
	if got := keysOf(t, r.Body); strings.Join(got, ",") != "message_id,to_username,to_domain,device_id,last_status,received_at,updated_at,created_at,id" {
		t.Fatalf("insert keys %v", got)
	}
	r = e.asAdmin("PATCH", dev, `{"last_status":201,"received_at":"2024-03-25T10:11:14Z"}`)
	expect(t, r, 200)
	if got := keysOf(t, r.Body); strings.Join(got, ",") != "id,message_id,to_username,to_domain,device_id,last_status,received_at,created_at,updated_at" {
		t.Fatalf("update keys %v", got)
	}
	row := r.JSON(t)
	if row["last_status"] != float64(201) || row["received_at"] != "2024-03-25T10:11:14.000000Z" || row["to_username"] != "bob" ||
		row["device_id"] != `"<urn:uuid:8f6c2b1e-0000-4000-8000-000000000001>"` {
		t.Fatalf("row %v", row)
	}
	devs := devices(e.messageItem(id))
	if len(devs) != 1 {
		t.Fatalf("%d device rows, want 1: %v", len(devs), devs)
	}
	for _, d := range devs {
		if d["s"] != "201" {
			t.Fatalf("last_status %q, want 201", d["s"])
		}
	}

	// Another recipient: a second row.
	r = e.asAdmin("PATCH", "/api/statistics/messages/"+id+"/to/"+url.PathEscape("carol@"+domain)+"/devices/dev2", `{"last_status":"200","received_at":"2024-03-25T10:11:15Z"}`)
	expect(t, r, 201)
	if r.JSON(t)["last_status"] != "200" {
		t.Fatalf("last_status is echoed as sent: %v", r.JSON(t)["last_status"])
	}
	if n := len(devices(e.messageItem(id))); n != 2 {
		t.Fatalf("%d device rows, want 2", n)
	}

	// Deleting the sender account (admin) removes its messages.
	expect(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", sender.ID), ""), 200)
	if e.messageItem(id) != nil {
		t.Fatal("the sender's message survived the deletion of its account")
	}
}

// TestApiStatisticsTestTestCalls ports testCalls, with our differences (a
// PATCH keeps what it does not carry, the nested invite_terminated is
// stored, a re-post changes nothing).
func TestApiStatisticsTestTestCalls(t *testing.T) {
	e := newEnv(t, nil)
	sender := e.newAccount("statcaller", "secret-pass", "SHA-256", false)
	id := statID("call-1")
	body := `{"id":"` + id + `","from":"statcaller@` + domain + `","to":"mike@` + domain + `","devices":{"dev1":null},"initiated_at":"2024-03-25T10:11:12Z","ended_at":null,"conference_id":null}`
	r := e.asAdmin("POST", "/api/statistics/calls", body)
	expect(t, r, 200)
	if r.Body != "1" {
		t.Fatalf("answer %q", r.Body)
	}
	item := e.callItem(id)
	if s(item["to_username"]) != "mike" || s(item["initiated_at"]) != "2024-03-25T10:11:12Z" || item["ended_at"] != nil {
		t.Fatalf("stored %v", item)
	}
	expect(t, e.asAdmin("POST", "/api/statistics/calls", strings.Replace(body, "mike@", "someone@", 1)), 200)
	if got := e.callItem(id); !reflect.DeepEqual(got, item) {
		t.Fatal("a re-post changed the call")
	}

	dev := "/api/statistics/calls/" + id + "/devices/dev1"
	full := `{"rang_at":"2024-03-25T10:11:13Z","invite_terminated":{"at":"2024-03-25T10:11:20Z","state":"accepted"}}`
	r = e.asAdmin("PATCH", dev, full)
	expect(t, r, 201)
	if got := keysOf(t, r.Body); strings.Join(got, ",") != "call_id,device_id,rang_at,invite_terminated_at,invite_terminated_state,updated_at,created_at,id" {
		t.Fatalf("insert keys %v", got)
	}
	r = e.asAdmin("PATCH", dev, strings.Replace(full, "10:11:20Z", "10:11:21Z", 1))
	expect(t, r, 200)
	if got := keysOf(t, r.Body); strings.Join(got, ",") != "id,call_id,device_id,rang_at,invite_terminated_at,invite_terminated_state,created_at,updated_at" {
		t.Fatalf("update keys %v", got)
	}
	r = e.asAdmin("PATCH", dev, `{"invite_terminated":{"state":"declined"}}`)
	expect(t, r, 422)
	if got := r.errorsOf(t, "invite_terminated.at"); len(got) != 1 {
		t.Fatalf("errors %v", r.Body)
	}
	r = e.asAdmin("PATCH", dev, `{"rang_at":"2024-03-25T10:11:14Z"}`)
	expect(t, r, 200)
	row := r.JSON(t)
	if row["rang_at"] != "2024-03-25T10:11:14.000000Z" || row["invite_terminated_at"] != "2024-03-25T10:11:21.000000Z" || row["invite_terminated_state"] != "accepted" {
		t.Fatalf("a PATCH with rang_at only must keep invite_terminated: %v", row)
	}
	devs := devices(e.callItem(id))
	if len(devs) != 1 || devs["dev1"]["r"] != "2024-03-25T10:11:14Z" || devs["dev1"]["s"] != "accepted" || devs["dev1"]["a"] != "2024-03-25T10:11:21Z" {
		t.Fatalf("device rows %v", devs)
	}

	r = e.asAdmin("PATCH", "/api/statistics/calls/"+id, `{"ended_at":"2024-03-25T12:34:56+02:00"}`)
	expect(t, r, 200)
	if got := keysOf(t, r.Body); strings.Join(got, ",") != "id,from_username,from_domain,to_username,to_domain,initiated_at,ended_at,conference_id,created_at,updated_at" {
		t.Fatalf("call keys %v", got)
	}
	if got := r.JSON(t)["ended_at"]; got != "2024-03-25T10:34:56.000000Z" {
		t.Fatalf("ended_at %v: an offset is converted to UTC", got)
	}

	expect(t, e.asAdmin("DELETE", fmt.Sprintf("/api/accounts/%d", sender.ID), ""), 200)
	if e.callItem(id) != nil {
		t.Fatal("the sender's call survived the deletion of its account")
	}
}

// flexisipEvent is one request of Flexisip's statistics client.
type flexisipEvent struct{ method, path, body string }

// flexisipSequence is what Flexisip really sends for a call from tony to
// mike, who has two devices (one answers), and a message from alice to
// bob and carol (one device each), the device ids raw as +sip.instance.
func flexisipSequence(callID, msgID string) []flexisipEvent {
	d1, d2 := `"<urn:uuid:8f6c2b1e-1111-4000-8000-000000000001>"`, `"<urn:uuid:8f6c2b1e-2222-4000-8000-000000000002>"`
	dev := func(d string) string { return url.PathEscape(d) }
	return []flexisipEvent{
		{"POST", "/api/statistics/calls", `{"id":"` + callID + `","from":"tony@` + domain + `","to":"mike@` + domain + `","devices":{` +
			jsonKey(d1) + `:null,` + jsonKey(d2) + `:null},"initiated_at":"2024-03-25T10:11:12Z","ended_at":null,"conference_id":null}`},
		{"PATCH", "/api/statistics/calls/" + callID + "/devices/" + dev(d1), `{"rang_at":"2024-03-25T10:11:13Z"}`},
		{"PATCH", "/api/statistics/calls/" + callID + "/devices/" + dev(d2), `{"rang_at":"2024-03-25T10:11:13Z"}`},
		{"PATCH", "/api/statistics/calls/" + callID + "/devices/" + dev(d1), `{"invite_terminated":{"at":"2024-03-25T10:11:20Z","state":"accepted"}}`},
		{"PATCH", "/api/statistics/calls/" + callID + "/devices/" + dev(d2), `{"invite_terminated":{"at":"2024-03-25T10:11:20Z","state":"accepted_elsewhere"}}`},
		{"PATCH", "/api/statistics/calls/" + callID, `{"ended_at":"2024-03-25T10:15:00Z"}`},
		{"POST", "/api/statistics/messages", `{"id":"` + msgID + `","from":"alice@` + domain + `","to":{"bob@` + domain + `":{` + jsonKey(d1) +
			`:null},"carol@` + domain + `":{` + jsonKey(d2) + `:null}},"sent_at":"2024-03-25T10:12:00Z","encrypted":false,"conference_id":null}`},
		{"PATCH", "/api/statistics/messages/" + msgID + "/to/bob@" + domain + "/devices/" + dev(d1), `{"last_status":200,"received_at":"2024-03-25T10:12:01Z"}`},
		{"PATCH", "/api/statistics/messages/" + msgID + "/to/carol@" + domain + "/devices/" + dev(d2), `{"last_status":200,"received_at":"2024-03-25T10:12:02Z"}`},
	}
}

func jsonKey(s string) string { b, _ := json.Marshal(s); return string(b) }

// send posts events with Flexisip's headers; every answer must be 2xx.
func (e *env) send(events []flexisipEvent) {
	e.t.Helper()
	for _, ev := range events {
		r := e.asAdmin(ev.method, ev.path, ev.body)
		if r.Status < 200 || r.Status > 201 {
			e.t.Fatalf("%s %s: %d %s", ev.method, ev.path, r.Status, r.Body)
		}
	}
}

const countsDay = "/api/statistics/counts?from=2024-03-25&to=2024-03-26"

// TestStatisticsFlexisipReplay: Flexisip's exact sequence, then the same
// again shuffled (a retrying, reordering client): the stored items and the
// read-back are identical after both passes.
func TestStatisticsFlexisipReplay(t *testing.T) {
	e := newEnv(t, nil)
	callID, msgID := statID("replay-call"), statID("replay-message")
	seq := flexisipSequence(callID, msgID)
	e.send(seq)
	call, msg := e.callItem(callID), e.messageItem(msgID)
	if n := len(devices(call)); n != 2 {
		t.Fatalf("call devices %d, want 2", n)
	}
	if n := len(devices(msg)); n != 2 {
		t.Fatalf("message devices %d, want 2", n)
	}
	d := devices(call)[`"<urn:uuid:8f6c2b1e-1111-4000-8000-000000000001>"`]
	if d["r"] != "2024-03-25T10:11:13Z" || d["s"] != "accepted" || d["a"] != "2024-03-25T10:11:20Z" {
		t.Fatalf("the termination PATCH must keep rang_at and store invite_terminated: %v", d)
	}
	counts := e.asAdmin("GET", countsDay, "")
	expect(t, counts, 200)
	day := counts.JSON(t)["data"].([]any)[0].(map[string]any)
	if c := day["calls"].(map[string]any); c["total"] != float64(1) || c["answered"] != float64(1) {
		t.Fatalf("calls %v", c)
	}
	if m := day["messages"].(map[string]any); m["total"] != float64(1) || m["delivered"] != float64(1) {
		t.Fatalf("messages %v", m)
	}

	// A second later (timestamps would move if anything were rewritten),
	// the same events again in another order.
	time.Sleep(1100 * time.Millisecond)
	shuffled := append([]flexisipEvent(nil), seq...)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	e.send(shuffled)
	if got := e.callItem(callID); !reflect.DeepEqual(got, call) {
		t.Fatalf("the replay changed the call:\nbefore %v\nafter  %v", call, got)
	}
	if got := e.messageItem(msgID); !reflect.DeepEqual(got, msg) {
		t.Fatalf("the replay changed the message:\nbefore %v\nafter  %v", msg, got)
	}
	if again := e.asAdmin("GET", countsDay, ""); again.Body != counts.Body {
		t.Fatalf("read-back changed:\n%s\n%s", counts.Body, again.Body)
	}
}

// TestStatisticsConcurrentPosts: 20 concurrent announcements of one call
// id, each with another callee, store exactly one call (one of them).
func TestStatisticsConcurrentPosts(t *testing.T) {
	e := newEnv(t, nil)
	id := statID("race")
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.asAdmin("POST", "/api/statistics/calls", fmt.Sprintf(`{"id":"%s","from":"tony@%s","to":"callee%d@%s","initiated_at":"2024-03-25T10:11:12Z"}`, id, domain, i, domain)).Status
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != 200 {
			t.Fatalf("POST %d: %d", i, st)
		}
	}
	item := e.callItem(id)
	if !strings.HasPrefix(s(item["to_username"]), "callee") {
		t.Fatalf("stored %v", item)
	}
	day := e.asAdmin("GET", countsDay, "").JSON(t)["data"].([]any)[0].(map[string]any)
	if day["calls"].(map[string]any)["total"] != float64(1) {
		t.Fatalf("counts %v, want exactly one call", day)
	}
}

// TestStatisticsConcurrentDevicePatches: PATCHes of different devices of
// one call at once all land.
func TestStatisticsConcurrentDevicePatches(t *testing.T) {
	e := newEnv(t, nil)
	id := statID("devices")
	expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+id+`","from":"tony@`+domain+`","to":"mike@`+domain+`","initiated_at":"2024-03-25T10:11:12Z"}`), 200)
	var wg sync.WaitGroup
	statuses := make([]int, 12)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.asAdmin("PATCH", fmt.Sprintf("/api/statistics/calls/%s/devices/dev%02d", id, i), `{"rang_at":"2024-03-25T10:11:13Z"}`).Status
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != 201 {
			t.Fatalf("PATCH %d: %d", i, st)
		}
	}
	if n := len(devices(e.callItem(id))); n != len(statuses) {
		t.Fatalf("%d devices stored, want %d", n, len(statuses))
	}
}

// statLine is a statistics function's request log line.
type statLine struct {
	RequestID string  `json:"request_id"`
	Method    string  `json:"method"`
	Route     string  `json:"route"`
	Status    int     `json:"status"`
	RCU       float64 `json:"rcu"`
	WCU       float64 `json:"wcu"`
	// WCUIndex is the part of WCU that went to index entries (absent
	// where the writes did not ask for the breakdown).
	WCUIndex *float64 `json:"wcu_index"`
	DBCalls  int      `json:"db_calls"`
}

// logLines returns the request lines of one component, and the authorizer
// lines by request id.
func logLines(t *testing.T, logs, component string) (fn []statLine, authz map[string][]statLine) {
	t.Helper()
	authz = map[string][]statLine{}
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.IndexByte(line, '{')
		if i < 0 {
			continue
		}
		var l statLine
		if json.Unmarshal([]byte(line[i:]), &l) != nil {
			continue
		}
		switch {
		case strings.Contains(line, `"component":"authorizer"`):
			authz[l.RequestID] = append(authz[l.RequestID], l)
		case strings.Contains(line, `"component":"`+component+`"`) && strings.Contains(line, `"msg":"request"`):
			fn = append(fn, l)
		}
	}
	return fn, authz
}
