package statsapi

import (
	"encoding/json"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/stats"
)

// kv is one member of an ordered JSON object: FlexiAPI's rows list their
// keys in the order Eloquent builds them (insert and update differ).
type kv struct {
	k string
	v any
}

func object(members ...kv) []byte {
	b := []byte{'{'}
	for i, m := range members {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(m.k)
		v, err := json.Marshal(m.v)
		if err != nil {
			v = []byte("null")
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}')
}

func ts(t time.Time) string { return stats.Timestamp(t) }

func optTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return stats.Timestamp(*t)
}

func optStr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// messageDeviceJSON renders a recipient device row; last_status is echoed
// as sent (a number, or a numeric string), as FlexiAPI does.
func messageDeviceJSON(d *stats.MessageDevice, lastStatus any, created bool) []byte {
	if created {
		return object(kv{"message_id", d.MessageID}, kv{"to_username", d.ToUsername}, kv{"to_domain", d.ToDomain},
			kv{"device_id", d.DeviceID}, kv{"last_status", lastStatus}, kv{"received_at", ts(d.ReceivedAt)},
			kv{"updated_at", ts(d.UpdatedAt)}, kv{"created_at", ts(d.CreatedAt)}, kv{"id", d.ID})
	}
	return object(kv{"id", d.ID}, kv{"message_id", d.MessageID}, kv{"to_username", d.ToUsername}, kv{"to_domain", d.ToDomain},
		kv{"device_id", d.DeviceID}, kv{"last_status", lastStatus}, kv{"received_at", ts(d.ReceivedAt)},
		kv{"created_at", ts(d.CreatedAt)}, kv{"updated_at", ts(d.UpdatedAt)})
}

func callDeviceJSON(d *stats.CallDevice, created bool) []byte {
	if created {
		return object(kv{"call_id", d.CallID}, kv{"device_id", d.DeviceID}, kv{"rang_at", optTS(d.RangAt)},
			kv{"invite_terminated_at", optTS(d.InviteTerminatedAt)}, kv{"invite_terminated_state", optStr(d.InviteTerminatedState)},
			kv{"updated_at", ts(d.UpdatedAt)}, kv{"created_at", ts(d.CreatedAt)}, kv{"id", d.ID})
	}
	return object(kv{"id", d.ID}, kv{"call_id", d.CallID}, kv{"device_id", d.DeviceID}, kv{"rang_at", optTS(d.RangAt)},
		kv{"invite_terminated_at", optTS(d.InviteTerminatedAt)}, kv{"invite_terminated_state", optStr(d.InviteTerminatedState)},
		kv{"created_at", ts(d.CreatedAt)}, kv{"updated_at", ts(d.UpdatedAt)})
}

func callJSON(c *stats.Call) []byte {
	return object(kv{"id", c.ID}, kv{"from_username", c.FromUsername}, kv{"from_domain", c.FromDomain},
		kv{"to_username", c.ToUsername}, kv{"to_domain", c.ToDomain}, kv{"initiated_at", ts(c.InitiatedAt)},
		kv{"ended_at", optTS(c.EndedAt)}, kv{"conference_id", optStr(c.ConferenceID)},
		kv{"created_at", ts(c.CreatedAt)}, kv{"updated_at", ts(c.UpdatedAt)})
}
