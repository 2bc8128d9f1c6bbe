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
	item := messageItem(&sm.Message)
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
	item := callItem(&sc.Call)
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
