package localesm

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// record is one stream record as the event source mapping hands it to a
// function: the JSON of an events.DynamoDBEventRecord, plus what the
// mapping itself needs.
type record struct {
	seq      string
	json     json.RawMessage
	arrival  time.Time // ApproximateCreationDateTime (DynamoDB Local rounds it to the minute)
	fetched  time.Time // when this mapping read it: the age that counts locally
	matching bool      // passes the filter
}

// eventRecord writes a stream record in the form Lambda delivers it.
func eventRecord(r types.Record, streamARN string) (json.RawMessage, error) {
	d := r.Dynamodb
	if d == nil {
		return nil, fmt.Errorf("stream record %s has no dynamodb part", aws.ToString(r.EventID))
	}
	body := map[string]any{
		"Keys":           attrMap(d.Keys),
		"SequenceNumber": aws.ToString(d.SequenceNumber),
		"SizeBytes":      aws.ToInt64(d.SizeBytes),
		"StreamViewType": string(d.StreamViewType),
	}
	if d.ApproximateCreationDateTime != nil {
		body["ApproximateCreationDateTime"] = d.ApproximateCreationDateTime.Unix()
	}
	if d.NewImage != nil {
		body["NewImage"] = attrMap(d.NewImage)
	}
	if d.OldImage != nil {
		body["OldImage"] = attrMap(d.OldImage)
	}
	return json.Marshal(map[string]any{
		"eventID":        aws.ToString(r.EventID),
		"eventName":      string(r.EventName),
		"eventVersion":   aws.ToString(r.EventVersion),
		"eventSource":    "aws:dynamodb",
		"awsRegion":      aws.ToString(r.AwsRegion),
		"dynamodb":       body,
		"eventSourceARN": streamARN,
	})
}

func attrMap(m map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = attr(v)
	}
	return out
}

// attr is one value in DynamoDB's JSON form.
func attr(v types.AttributeValue) map[string]any {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": true}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *types.AttributeValueMemberBS:
		bs := make([]string, len(v.Value))
		for i, b := range v.Value {
			bs[i] = base64.StdEncoding.EncodeToString(b)
		}
		return map[string]any{"BS": bs}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = attr(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": attrMap(v.Value)}
	}
	return map[string]any{"NULL": true}
}

// matches applies an event filter pattern as Lambda's event filtering
// does for the forms the mapping uses: an object descends into the
// record, an array lists the values accepted.
func matches(pattern, value any) bool {
	switch p := pattern.(type) {
	case map[string]any:
		v, ok := value.(map[string]any)
		if !ok {
			return false
		}
		for k, sub := range p {
			if !matches(sub, v[k]) {
				return false
			}
		}
		return true
	case []any:
		for _, accepted := range p {
			if accepted == value {
				return true
			}
		}
		return false
	}
	return pattern == value
}

// newID is a random UUID (version 4).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
