package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flexiapi-serverless/flexiapi/shared/importer"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
)

// importedMessageItem is the item CreateMessage and UpsertMessageDevice
// leave for a message and its devices.
func importedMessageItem(sm importer.StatsMessage) map[string]types.AttributeValue {
	m := sm.Message
	item := merge(messageKey(m.ID), map[string]types.AttributeValue{
		"from_username": str(m.FromUsername), "from_domain": str(m.FromDomain),
		"sent_at": timeAttr(m.SentAt), "encrypted": boolean(m.Encrypted),
		"created_at": timeAttr(m.CreatedAt), "updated_at": timeAttr(m.UpdatedAt),
		"GSI5PK": str(statsDayPK("MSG", m.FromDomain, m.SentAt)), "GSI5SK": timeAttr(m.SentAt),
		"GSI2PK": str(statsFromPK(m.FromUsername, m.FromDomain)), "GSI2SK": str("MSG"),
	})
	optStr(item, "conference_id", m.ConferenceID)
	expiresAttr(item, m.ExpiresAt)
	classes := map[string]bool{}
	for _, d := range sm.Devices {
		h := deviceHash(d.ToUsername, d.ToDomain, d.DeviceID)
		p := "d" + h + "_"
		item[p+"i"], item[p+"t"] = str(d.DeviceID), str(d.ToUsername+"@"+d.ToDomain)
		item[p+"s"], item[p+"a"] = num(d.LastStatus), timeAttr(d.ReceivedAt)
		item[p+"c"], item[p+"u"] = timeAttr(d.CreatedAt), timeAttr(d.UpdatedAt)
		classes[strconv.FormatInt(stats.OutcomeStatus(d.LastStatus), 10)] = true
	}
	if len(classes) > 0 {
		item["statuses"] = &types.AttributeValueMemberNS{Value: setValues(classes)}
	}
	return item
}

// importedCallItem is the item CreateCall, UpsertCallDevice and EndCall
// leave for a call and its devices.
func importedCallItem(sc importer.StatsCall) map[string]types.AttributeValue {
	c := sc.Call
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
	states := map[string]bool{}
	for _, d := range sc.Devices {
		h := deviceHash(d.DeviceID)
		p := "d" + h + "_"
		item[p+"i"], item[p+"c"], item[p+"u"] = str(d.DeviceID), timeAttr(d.CreatedAt), timeAttr(d.UpdatedAt)
		if d.RangAt != nil {
			item[p+"r"] = timeAttr(*d.RangAt)
		}
		if d.InviteTerminatedAt != nil {
			item[p+"a"] = timeAttr(*d.InviteTerminatedAt)
		}
		if d.InviteTerminatedState != nil {
			item[p+"s"] = str(*d.InviteTerminatedState)
			for _, m := range stats.StateMarks(*d.InviteTerminatedState) {
				states[m] = true
			}
		}
	}
	if len(states) > 0 {
		item["states"] = &types.AttributeValueMemberSS{Value: setValues(states)}
	}
	return item
}

func setValues(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	return out
}

// ImportMessages writes the missing messages.
func (s *Store) ImportMessages(ctx context.Context, ms []importer.StatsMessage, o importer.WriteOptions) ([]importer.Result, error) {
	items := make([]map[string]types.AttributeValue, len(ms))
	for i, m := range ms {
		items[i] = importedMessageItem(m)
	}
	return s.importEvents(ctx, items, o, "statistics messages")
}

// ImportCalls writes the missing calls.
func (s *Store) ImportCalls(ctx context.Context, cs []importer.StatsCall, o importer.WriteOptions) ([]importer.Result, error) {
	items := make([]map[string]types.AttributeValue, len(cs))
	for i, c := range cs {
		items[i] = importedCallItem(c)
	}
	return s.importEvents(ctx, items, o, "statistics calls")
}

func (s *Store) importEvents(ctx context.Context, items []map[string]types.AttributeValue, o importer.WriteOptions, what string) ([]importer.Result, error) {
	keys := make([]map[string]types.AttributeValue, len(items))
	for i, it := range items {
		keys[i] = keyOf(it)
	}
	res, err := s.missing(ctx, keys, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return res, s.putMissing(ctx, items, res, o)
}
