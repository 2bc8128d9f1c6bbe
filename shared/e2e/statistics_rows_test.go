//go:build integration

package e2e

import (
	"strings"
	"testing"
)

// TestStatisticsDeviceRowIDs: a device row's id is one per event and
// device: the same device under two calls (or two messages) is two rows
// with two ids, and a retried PATCH keeps its row's id.
func TestStatisticsDeviceRowIDs(t *testing.T) {
	e := newEnv(t, nil)
	const device = `"<urn:uuid:8f6c2b1e-4444-4000-8000-000000000004>"`
	idOf := func(r response, status int) float64 {
		t.Helper()
		expect(t, r, status)
		return r.JSON(t)["id"].(float64)
	}
	var calls, messages []float64
	for _, seed := range []string{"ids-a", "ids-b"} {
		call := statID("call-" + seed)
		expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+call+`","from":"a@`+domain+`","to":"b@`+domain+`","initiated_at":"2024-03-25T10:11:12Z"}`), 200)
		path := "/api/statistics/calls/" + call + "/devices/" + device
		first := idOf(e.asAdmin("PATCH", path, `{"rang_at":"2024-03-25T10:11:13Z"}`), 201)
		if again := idOf(e.asAdmin("PATCH", path, `{"rang_at":"2024-03-25T10:11:14Z"}`), 200); again != first {
			t.Fatalf("call %s: the row's id changed on update: %v then %v", seed, first, again)
		}
		calls = append(calls, first)

		msg := statID("msg-" + seed)
		expect(t, e.asAdmin("POST", "/api/statistics/messages", `{"id":"`+msg+`","from":"a@`+domain+`","sent_at":"2024-03-25T10:11:12Z","encrypted":false}`), 200)
		mpath := "/api/statistics/messages/" + msg + "/to/b@" + domain + "/devices/" + device
		mfirst := idOf(e.asAdmin("PATCH", mpath, `{"last_status":200,"received_at":"2024-03-25T10:11:13Z"}`), 201)
		if again := idOf(e.asAdmin("PATCH", mpath, `{"last_status":202,"received_at":"2024-03-25T10:11:14Z"}`), 200); again != mfirst {
			t.Fatalf("message %s: the row's id changed on update: %v then %v", seed, mfirst, again)
		}
		messages = append(messages, mfirst)
	}
	if calls[0] == calls[1] {
		t.Errorf("one device under two calls: both rows have id %v", calls[0])
	}
	if messages[0] == messages[1] {
		t.Errorf("one device under two messages: both rows have id %v", messages[0])
	}
}

// TestStatisticsCallInProgress: a call no device has reported the end of
// its invitation for is in_progress in the counts and the export, not
// missed; once a device declines it is missed, once one accepts answered.
func TestStatisticsCallInProgress(t *testing.T) {
	e := newEnv(t, nil)
	call := statID("in-progress")
	expect(t, e.asAdmin("POST", "/api/statistics/calls", `{"id":"`+call+`","from":"tony@`+domain+`","to":"mike@`+domain+`","initiated_at":"2024-04-02T10:00:00Z"}`), 200)
	expect(t, e.asAdmin("PATCH", "/api/statistics/calls/"+call+"/devices/phone", `{"rang_at":"2024-04-02T10:00:01Z"}`), 201)
	counts := func() map[string]any {
		t.Helper()
		r := e.asAdmin("GET", "/api/statistics/counts?from=2024-04-02&to=2024-04-03", "")
		expect(t, r, 200)
		return r.JSON(t)["data"].([]any)[0].(map[string]any)["calls"].(map[string]any)
	}
	outcome := func() string {
		t.Helper()
		r := e.asAdmin("GET", "/api/statistics/export/calls?from=2024-04-02&to=2024-04-03", "")
		expect(t, r, 200)
		lines := strings.Split(strings.TrimSpace(r.Body), "\n")
		cells := strings.Split(lines[len(lines)-1], ",")
		return cells[len(cells)-1]
	}
	if c := counts(); c["in_progress"] != float64(1) || c["missed"] != float64(0) || c["total"] != float64(1) {
		t.Fatalf("ringing call: %v", c)
	}
	if got := outcome(); got != "in_progress" {
		t.Fatalf("export outcome %q", got)
	}
	expect(t, e.asAdmin("PATCH", "/api/statistics/calls/"+call+"/devices/phone", `{"invite_terminated":{"at":"2024-04-02T10:00:09Z","state":"declined"}}`), 200)
	if c := counts(); c["in_progress"] != float64(0) || c["missed"] != float64(1) {
		t.Fatalf("declined call: %v", c)
	}
	expect(t, e.asAdmin("PATCH", "/api/statistics/calls/"+call+"/devices/desk", `{"invite_terminated":{"at":"2024-04-02T10:00:10Z","state":"accepted"}}`), 201)
	if c := counts(); c["answered"] != float64(1) || c["missed"] != float64(0) {
		t.Fatalf("accepted call: %v", c)
	}
}
