//go:build integration

package e2e

import (
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

