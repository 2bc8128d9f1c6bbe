package streamgw

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func readEvent(t *testing.T) (raw []byte, ev events.DynamoDBEvent) {
	t.Helper()
	raw, err := os.ReadFile("../../events/dynamodb-stream-account.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return raw, ev
}

// TestStreamEvent: the sample stream event decodes into aws-lambda-go's
// type without loss, and into account changes: the block of account 7
// (before and after, every field Flexisip's rows need) and the deletion
// of account 9.
func TestStreamEvent(t *testing.T) {
	raw, ev := readEvent(t)
	again, _ := json.Marshal(ev)
	var a, b any
	json.Unmarshal(raw, &a)
	json.Unmarshal(again, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("re-marshalled event differs:\n%s", again)
	}
	changes, seqs, bad, err := Changes(ev)
	if err != nil || bad != -1 || len(changes) != 2 {
		t.Fatalf("%d changes, bad %d, %v", len(changes), bad, err)
	}
	if seqs[0] != "4421584500000000017450439091" || seqs[1] != "4421584600000000017450439092" {
		t.Fatalf("sequences %v", seqs)
	}
	c := changes[0]
	if c.AccountID != 7 || c.Old == nil || c.New == nil || c.Old.Blocked || !c.New.Blocked {
		t.Fatalf("block: %+v", c)
	}
	n := c.New
	if n.Username != "bob" || n.Domain != "sip.example.org" || !n.Activated || n.Phone == nil || *n.Phone != "+33612345678" ||
		n.Passwords["SHA-256"] == "" || n.CreatedAt.Format("2006-01-02T15:04:05Z") != "2024-03-20T09:00:00Z" ||
		len(n.Dictionary) != 1 || n.ID != 7 {
		t.Fatalf("new image: %+v", n)
	}
	if d := changes[1]; d.AccountID != 9 || d.New != nil || d.Old == nil || d.Old.Passwords["MD5"] == "" {
		t.Fatalf("deletion: %+v", d)
	}
}

// TestStreamEventOtherItemsAndBadRecords: records of other items are left
// out; a record that cannot be read stops the conversion at its index.
func TestStreamEventOtherItemsAndBadRecords(t *testing.T) {
	_, ev := readEvent(t)
	nonce := ev.Records[0]
	nonce.Change.Keys = map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute("NONCE#abc"), "SK": events.NewStringAttribute("NONCE")}
	bad := ev.Records[1]
	bad.Change.Keys = map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute("ACCOUNT#x"), "SK": events.NewStringAttribute("ACCOUNT")}
	ev.Records = []events.DynamoDBEventRecord{nonce, ev.Records[0], bad, ev.Records[1]}
	changes, _, i, err := Changes(ev)
	if len(changes) != 1 || i != 2 || err == nil {
		t.Fatalf("%d changes, bad at %d, %v", len(changes), i, err)
	}
}
