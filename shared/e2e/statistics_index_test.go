//go:build integration

package e2e

import (
	"net/url"
	"strconv"
	"testing"
	"time"
)

// TestStatisticsIndexWritesFollowOutcomes: a device event writes the
// event's GSI5 entry only when it changes what the read-back classifies
// (a message's first 2xx or first other status, a call's first accepted
// or error), never for a status or state of a class already seen; the
// counts still classify every event. (Few devices per event: the item
// stays under 1 KB, 1 write unit on the table.)
func TestStatisticsIndexWritesFollowOutcomes(t *testing.T) {
	e := newEnv(t, nil)
	expect(t, e.asAdmin("GET", "/api/accounts/me", ""), 200)
	msg, call := statID("ix-message"), statID("ix-call")
	msgDev := func(to, dev string, status int) flexisipEvent {
		return flexisipEvent{"PATCH", "/api/statistics/messages/" + msg + "/to/" + to + "@" + domain + "/devices/" + url.PathEscape(dev),
			`{"last_status":` + strconv.Itoa(status) + `,"received_at":"2024-03-25T10:12:01Z"}`}
	}
	callDev := func(dev, state string) flexisipEvent {
		return flexisipEvent{"PATCH", "/api/statistics/calls/" + call + "/devices/" + dev,
			`{"invite_terminated":{"at":"2024-03-25T10:11:20Z","state":"` + state + `"}}`}
	}
	steps := []struct {
		ev    flexisipEvent
		index float64
	}{
		{flexisipEvent{"POST", "/api/statistics/messages", `{"id":"` + msg + `","from":"alice@` + domain + `","to":{"bob@` + domain + `":{"d1":null}},"sent_at":"2024-03-25T10:12:00Z","encrypted":false}`}, 2},
		{msgDev("bob", "d1", 486), 1},   // pending → failed
		{msgDev("bob", "d2", 503), 0},   // still failed
		{msgDev("carol", "d1", 200), 1}, // failed → delivered
		{msgDev("carol", "d2", 202), 0}, // still delivered
		{msgDev("bob", "d1", 408), 0},   // a device's new failure: still delivered
		{flexisipEvent{"POST", "/api/statistics/calls", `{"id":"` + call + `","from":"tony@` + domain + `","to":"mike@` + domain + `","initiated_at":"2024-03-25T10:11:12Z"}`}, 2},
		{callDev("d1", "error"), 1},    // missed → failed
		{callDev("d2", "declined"), 0}, // decides nothing
		{callDev("d3", "accepted"), 1}, // failed → answered
		{callDev("d4", "error"), 0},    // error already seen
	}
	var ids []string
	for i, s := range steps {
		r := e.asAdmin(s.ev.method, s.ev.path, s.ev.body)
		if r.Status != 200 && r.Status != 201 {
			t.Fatalf("step %d, %s %s: %d %s", i, s.ev.method, s.ev.path, r.Status, r.Body)
		}
		ids = append(ids, r.Header.Get("x-amzn-RequestId"))
	}
	byID := map[string]statLine{}
	for try := 0; try < 50 && len(byID) < len(ids); try++ {
		fn, _ := logLines(t, e.logs.String(), "statistics")
		for _, l := range fn {
			byID[l.RequestID] = l
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, id := range ids {
		l, ok := byID[id]
		if !ok || l.WCUIndex == nil {
			t.Fatalf("step %d: no log line with wcu_index (%+v)", i, l)
		}
		if l.WCU-*l.WCUIndex != 1 || *l.WCUIndex != steps[i].index {
			t.Errorf("step %d, %s %s: %.1f WCU of which %.1f on indexes; want 1 on the table, %.0f on indexes",
				i, steps[i].ev.method, steps[i].ev.path, l.WCU, *l.WCUIndex, steps[i].index)
		}
	}
	r := e.asAdmin("GET", countsDay, "")
	expect(t, r, 200)
	want := `{"domain":"` + domain + `","from":"2024-03-25T00:00:00.000000Z","to":"2024-03-26T00:00:00.000000Z","by":"day","data":[` +
		`{"moment":"2024-03-25","calls":{"total":1,"answered":1,"missed":0,"failed":0,"in_progress":0},"messages":{"total":1,"delivered":1,"failed":0,"pending":0}}]}`
	if r.Body != want {
		t.Fatalf("counts\n got %s\nwant %s", r.Body, want)
	}
}
