package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/stats"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// Statistics items (docs/access-patterns.md, "Statistics"). A message or a
// call is one item; its devices are attributes of that item, so that every
// Flexisip event is exactly one conditional write (no read first), an
// unknown parent id is a failed condition, and the period read-back finds
// each event's outcome on the index entry:
//
//	MSG#<id> / MSG     from, sent_at, encrypted, statuses (NS: the
//	                   classes of the last_status values seen, 200 for
//	                   2xx, 0 for others), d<h>_{i,t,s,a,c,u} per
//	                   device: id, recipient, last_status, received_at,
//	                   created_at, updated_at
//	CALL#<id> / CALL   from, to, initiated_at, ended_at, states (SS: the
//	                   outcome-deciding invite_terminated states seen:
//	                   accepted, error), d<h>_{i,r,a,s,c,u}
//	                   per device: id, rang_at, invite_terminated at and
//	                   state, created_at, updated_at
//
// <h> is 8 hex digits of SHA-256 of the device (and, for messages, of the
// recipient): attribute names stay short whatever the device id, so that a
// call with two devices stays under 1 KB (one write unit). The index sort
// keys hold no id (an index entry carries the item's key anyway). GSI5
// (INCLUDE: the summary attributes, not the device ones) keys every event
// by sender domain and day; GSI2 (keys only) by sender, for the deletion
// of an account's statistics. A device or end update writes the GSI5
// entry only when it changes an indexed attribute (the first accepted or
// error state, the first 2xx or the first other status, ended_at);
// otherwise it is the item's write alone.
const (
	pfxMessage   = "MSG#"
	pfxCall      = "CALL#"
	pfxStatsDay  = "STATS#"
	pfxStatsFrom = "STATSFROM#"
	statsIndex   = "GSI5"
)

var _ stats.Store = (*Store)(nil)

func messageKey(id string) map[string]types.AttributeValue { return key(pfxMessage+id, "MSG") }
func callKey(id string) map[string]types.AttributeValue    { return key(pfxCall+id, "CALL") }

// statsDayPK is the GSI5 partition of a kind ("MSG", "CALL"), a sender
// domain and a UTC day: one partition per day keeps a busy domain's
// writes spread and makes a day one Query.
func statsDayPK(kind, domain string, day time.Time) string {
	return pfxStatsDay + kind + "#" + strings.ToLower(domain) + "#" + day.UTC().Format("2006-01-02")
}

func statsFromPK(username, domain string) string {
	return pfxStatsFrom + strings.ToLower(username) + "@" + strings.ToLower(domain)
}

// deviceHash names a device's attributes within its event's item (the
// parts: the device, and the recipient of a message).
func deviceHash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:4])
}

// deviceRowID is the stable id of a device row: one per event and device
// (the same device under two calls has two rows, so two ids), the same on
// every retry.
func deviceRowID(eventID string, parts ...string) int64 {
	sum := sha256.Sum256([]byte(strings.Join(append([]string{eventID}, parts...), "\x00")))
	id, _ := strconv.ParseInt(hex.EncodeToString(sum[:])[:13], 16, 64)
	return id
}

func expiresAttr(item map[string]types.AttributeValue, t time.Time) {
	if !t.IsZero() {
		item["expires_at"] = num(t.Unix())
	}
}

func optStr(item map[string]types.AttributeValue, name string, v *string) {
	if v != nil {
		item[name] = str(*v)
	}
}

// CreateMessage stores a message unless its id exists (a re-post changes
// nothing: first write wins).
func (s *Store) CreateMessage(ctx context.Context, m *stats.Message) (bool, error) {
	return s.createOnce(ctx, messageItem(m))
}

// messageItem is a message's item without its devices (CreateMessage,
// and the import, which adds them).
func messageItem(m *stats.Message) map[string]types.AttributeValue {
	item := merge(messageKey(m.ID), map[string]types.AttributeValue{
		"from_username": str(m.FromUsername), "from_domain": str(m.FromDomain),
		"sent_at": timeAttr(m.SentAt), "encrypted": boolean(m.Encrypted),
		"created_at": timeAttr(m.CreatedAt), "updated_at": timeAttr(m.UpdatedAt),
		"GSI5PK": str(statsDayPK("MSG", m.FromDomain, m.SentAt)), "GSI5SK": timeAttr(m.SentAt),
		"GSI2PK": str(statsFromPK(m.FromUsername, m.FromDomain)), "GSI2SK": str("MSG"),
	})
	optStr(item, "conference_id", m.ConferenceID)
	expiresAttr(item, m.ExpiresAt)
	return item
}

// CreateCall stores a call unless its id exists.
func (s *Store) CreateCall(ctx context.Context, c *stats.Call) (bool, error) {
	return s.createOnce(ctx, callItem(c))
}

// callItem is a call's item without its devices (CreateCall, and the
// import, which adds them).
func callItem(c *stats.Call) map[string]types.AttributeValue {
	item := merge(callKey(c.ID), map[string]types.AttributeValue{
		"from_username": str(c.FromUsername), "from_domain": str(c.FromDomain),
		"to_username": str(c.ToUsername), "to_domain": str(c.ToDomain), "initiated_at": timeAttr(c.InitiatedAt),
		"created_at": timeAttr(c.CreatedAt), "updated_at": timeAttr(c.UpdatedAt),
		"GSI5PK": str(statsDayPK("CALL", c.FromDomain, c.InitiatedAt)), "GSI5SK": timeAttr(c.InitiatedAt),
		"GSI2PK": str(statsFromPK(c.FromUsername, c.FromDomain)), "GSI2SK": str("CALL"),
	})
	if c.EndedAt != nil {
		item["ended_at"] = timeAttr(*c.EndedAt)
	}
	optStr(item, "conference_id", c.ConferenceID)
	expiresAttr(item, c.ExpiresAt)
	return item
}

// createOnce is a PutItem that never overwrites: a re-post is a failed
// condition, answered as success without change.
func (s *Store) createOnce(ctx context.Context, item map[string]types.AttributeValue) (bool, error) {
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item,
		ConditionExpression:    aws.String("attribute_not_exists(PK)"),
		ReturnConsumedCapacity: indexesCapacity,
	})
	if isConditionFailed(err) {
		// A failed condition is charged as a write of the item.
		meterFailedWrite(ctx)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	meterWriteIndexes(ctx, out.ConsumedCapacity)
	return true, nil
}

// updateExisting runs one UpdateItem on an existing item, only when it
// changes something: cond says "something differs" (a re-sent event then
// leaves the item, updated_at included, as it was, like Eloquent's save
// of an unchanged model). It returns the item before the update (or the
// unchanged item) and whether it wrote. A missing item is ErrNotFound.
// Either way it is one write request: a failed condition is charged as a
// write.
func (s *Store) updateExisting(ctx context.Context, k map[string]types.AttributeValue, expr, cond string,
	names map[string]string, vals map[string]types.AttributeValue) (map[string]types.AttributeValue, bool, error) {
	in := &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: k,
		UpdateExpression:                    aws.String(expr),
		ConditionExpression:                 aws.String("attribute_exists(PK) AND (" + cond + ")"),
		ExpressionAttributeValues:           vals,
		ReturnValues:                        types.ReturnValueAllOld,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              indexesCapacity,
	}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	out, err := s.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		meterFailedWrite(ctx)
		if len(ccf.Item) == 0 {
			return nil, false, stats.ErrNotFound
		}
		return ccf.Item, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	meterWriteIndexes(ctx, out.ConsumedCapacity)
	return out.Attributes, true, nil
}

// differs is the condition "one of these attributes is absent or holds
// another value" (names #a, values :a, pairwise).
func differs(pairs ...string) string {
	var parts []string
	for i := 0; i < len(pairs); i += 2 {
		parts = append(parts, "attribute_not_exists("+pairs[i]+") OR "+pairs[i]+" <> "+pairs[i+1])
	}
	return strings.Join(parts, " OR ")
}

// UpsertMessageDevice records a recipient device's status on its message:
// one UpdateItem, conditional on the message, returning the old item to
// tell an insert (201) from an update (200).
func (s *Store) UpsertMessageDevice(ctx context.Context, d *stats.MessageDevice) (*stats.MessageDevice, bool, error) {
	h, id := deviceHash(d.ToUsername, d.ToDomain, d.DeviceID), deviceRowID(d.MessageID, d.ToUsername, d.ToDomain, d.DeviceID)
	p := "d" + h + "_"
	old, wrote, err := s.updateExisting(ctx, messageKey(d.MessageID),
		"SET #id = :id, #to = :to, #st = :st, #ra = :ra, #c = if_not_exists(#c, :now), #u = :now ADD statuses :sts",
		differs("#st", ":st", "#ra", ":ra"),
		map[string]string{"#id": p + "i", "#to": p + "t", "#st": p + "s", "#ra": p + "a", "#c": p + "c", "#u": p + "u"},
		map[string]types.AttributeValue{":id": str(d.DeviceID), ":to": str(d.ToUsername + "@" + d.ToDomain),
			":st": num(d.LastStatus), ":ra": timeAttr(d.ReceivedAt), ":now": timeAttr(d.UpdatedAt),
			// The class, not the value: a second failure status (or a
			// 202 after a 200) leaves the set, hence GSI5, unchanged.
			":sts": &types.AttributeValueMemberNS{Value: []string{strconv.FormatInt(stats.OutcomeStatus(d.LastStatus), 10)}}})
	if err != nil {
		return nil, false, err
	}
	row := *d
	row.ID = id
	created := true
	if c := getOptTime(old, p+"c"); c != nil {
		row.CreatedAt, created = *c, false
	}
	if !wrote {
		row.UpdatedAt = getTime(old, p+"u")
	}
	return &row, created, nil
}

// UpsertCallDevice records a callee device's progress: only the fields
// the request carries are set, in one UpdateItem conditional on the
// call.
func (s *Store) UpsertCallDevice(ctx context.Context, u stats.CallDeviceUpdate) (*stats.CallDevice, bool, error) {
	h, id := deviceHash(u.DeviceID), deviceRowID(u.CallID, u.DeviceID)
	p := "d" + h + "_"
	names := map[string]string{"#id": p + "i", "#c": p + "c", "#u": p + "u"}
	vals := map[string]types.AttributeValue{":id": str(u.DeviceID), ":now": timeAttr(u.Now)}
	set := []string{"#id = :id", "#c = if_not_exists(#c, :now)", "#u = :now"}
	cond := []string{"#c", ":now"} // a new device always writes
	add := ""
	if u.RangAt != nil {
		names["#r"] = p + "r"
		vals[":r"] = timeAttr(*u.RangAt)
		set = append(set, "#r = :r")
		cond = append(cond, "#r", ":r")
	}
	if u.Terminated != nil {
		names["#ta"], names["#ts"] = p+"a", p+"s"
		vals[":ta"], vals[":ts"] = timeAttr(u.Terminated.At), str(u.Terminated.State)
		set = append(set, "#ta = :ta", "#ts = :ts")
		cond = append(cond, "#ta", ":ta", "#ts", ":ts")
		// The indexed set gets the termination mark and the states that
		// decide the outcome, not the others (declined, canceled,
		// accepted_elsewhere…): a set that does not change leaves the GSI5
		// entry alone.
		vals[":states"] = &types.AttributeValueMemberSS{Value: stats.StateMarks(u.Terminated.State)}
		add = " ADD states :states"
	}
	// The "new device" pair compares created_at with now only to have
	// attribute_not_exists(#c): an existing device's created_at is kept.
	condition := strings.Replace(differs(cond...), " OR #c <> :now", "", 1)
	old, wrote, err := s.updateExisting(ctx, callKey(u.CallID), "SET "+strings.Join(set, ", ")+add, condition, names, vals)
	if err != nil {
		return nil, false, err
	}
	row := &stats.CallDevice{ID: id, CallID: u.CallID, DeviceID: u.DeviceID, CreatedAt: u.Now, UpdatedAt: u.Now,
		RangAt: getOptTime(old, p+"r"), InviteTerminatedAt: getOptTime(old, p+"a"), InviteTerminatedState: getOptS(old, p+"s")}
	created := true
	if c := getOptTime(old, p+"c"); c != nil {
		row.CreatedAt, created = *c, false
	}
	if !wrote {
		row.UpdatedAt = getTime(old, p+"u")
	}
	if u.RangAt != nil {
		row.RangAt = u.RangAt
	}
	if u.Terminated != nil {
		at, st := u.Terminated.At, u.Terminated.State
		row.InviteTerminatedAt, row.InviteTerminatedState = &at, &st
	}
	return row, created, nil
}

// EndCall sets a call's ended_at (last write wins, as FlexiAPI; the same
// value again changes nothing).
func (s *Store) EndCall(ctx context.Context, id string, endedAt, now time.Time) (*stats.Call, error) {
	old, wrote, err := s.updateExisting(ctx, callKey(id), "SET ended_at = :e, updated_at = :now", differs("ended_at", ":e"), nil,
		map[string]types.AttributeValue{":e": timeAttr(endedAt), ":now": timeAttr(now)})
	if err != nil {
		return nil, err
	}
	c := callFromItem(old)
	if wrote {
		c.EndedAt, c.UpdatedAt = &endedAt, now
	}
	return c, nil
}

func callFromItem(item map[string]types.AttributeValue) *stats.Call {
	c := &stats.Call{ID: strings.TrimPrefix(getS(item, schema.PartitionKey), pfxCall), FromUsername: getS(item, "from_username"), FromDomain: getS(item, "from_domain"),
		ToUsername: getS(item, "to_username"), ToDomain: getS(item, "to_domain"), InitiatedAt: getTime(item, "initiated_at"),
		EndedAt: getOptTime(item, "ended_at"), ConferenceID: getOptS(item, "conference_id"),
		CreatedAt: getTime(item, "created_at"), UpdatedAt: getTime(item, "updated_at")}
	if n := getN(item, "expires_at"); n > 0 {
		c.ExpiresAt = time.Unix(n, 0).UTC()
	}
	if ss, ok := item["states"].(*types.AttributeValueMemberSS); ok {
		c.States = ss.Value
	}
	return c
}

func messageFromItem(item map[string]types.AttributeValue) *stats.Message {
	m := &stats.Message{ID: strings.TrimPrefix(getS(item, schema.PartitionKey), pfxMessage), FromUsername: getS(item, "from_username"), FromDomain: getS(item, "from_domain"),
		SentAt: getTime(item, "sent_at"), Encrypted: getBool(item, "encrypted"), ConferenceID: getOptS(item, "conference_id"),
		CreatedAt: getTime(item, "created_at"), UpdatedAt: getTime(item, "updated_at")}
	if n := getN(item, "expires_at"); n > 0 {
		m.ExpiresAt = time.Unix(n, 0).UTC()
	}
	if ns, ok := item["statuses"].(*types.AttributeValueMemberNS); ok {
		for _, v := range ns.Value {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				m.Statuses = append(m.Statuses, n)
			}
		}
	}
	return m
}
