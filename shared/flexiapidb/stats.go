package flexiapidb

import (
	"context"
	"database/sql"

	"github.com/flexiapi-serverless/flexiapi/shared/importer"
)

// Messages reads statistics_messages by id, with their devices.
func (d *DB) Messages(ctx context.Context, afterID string, limit int) ([]importer.Message, error) {
	var out []importer.Message
	err := d.each(ctx, "statistics_messages",
		"SELECT id, from_username, from_domain, sent_at, encrypted, conference_id, created_at, updated_at "+
			"FROM statistics_messages WHERE id > ? ORDER BY id LIMIT ?", []any{afterID, limit},
		func(r *sql.Rows) error {
			var m importer.Message
			var sent, conf, c, u sql.NullString
			var enc int64
			if err := r.Scan(&m.ID, &m.FromUsername, &m.FromDomain, &sent, &enc, &conf, &c, &u); err != nil {
				return err
			}
			m.SentAt, m.Encrypted, m.ConferenceID, m.CreatedAt, m.UpdatedAt = reqTime(sent), enc != 0, optString(conf), optTime(c), optTime(u)
			out = append(out, m)
			return nil
		})
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := map[string]*importer.Message{}
	args := make([]any, len(out))
	for i := range out {
		byID[collationKey(out[i].ID)] = &out[i]
		args[i] = out[i].ID
	}
	err = d.each(ctx, "statistics_message_devices",
		"SELECT id, message_id, to_username, to_domain, device_id, last_status, received_at, created_at, updated_at "+
			"FROM statistics_message_devices WHERE message_id IN ("+inList(len(args))+") ORDER BY id", args,
		func(r *sql.Rows) error {
			var dv importer.MessageDevice
			var msg string
			var recv, c, u sql.NullString
			if err := r.Scan(&dv.ID, &msg, &dv.ToUsername, &dv.ToDomain, &dv.DeviceID, &dv.LastStatus, &recv, &c, &u); err != nil {
				return err
			}
			dv.ReceivedAt, dv.CreatedAt, dv.UpdatedAt = reqTime(recv), optTime(c), optTime(u)
			if m := byID[collationKey(msg)]; m != nil {
				m.Devices = append(m.Devices, dv)
			}
			return nil
		})
	return out, err
}

// Calls reads statistics_calls by id, with their devices.
func (d *DB) Calls(ctx context.Context, afterID string, limit int) ([]importer.Call, error) {
	var out []importer.Call
	err := d.each(ctx, "statistics_calls",
		"SELECT id, from_username, from_domain, to_username, to_domain, initiated_at, ended_at, conference_id, created_at, updated_at "+
			"FROM statistics_calls WHERE id > ? ORDER BY id LIMIT ?", []any{afterID, limit},
		func(r *sql.Rows) error {
			var cl importer.Call
			var init, ended, conf, c, u sql.NullString
			if err := r.Scan(&cl.ID, &cl.FromUsername, &cl.FromDomain, &cl.ToUsername, &cl.ToDomain, &init, &ended, &conf, &c, &u); err != nil {
				return err
			}
			cl.InitiatedAt, cl.EndedAt, cl.ConferenceID, cl.CreatedAt, cl.UpdatedAt = reqTime(init), optTime(ended), optString(conf), optTime(c), optTime(u)
			out = append(out, cl)
			return nil
		})
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := map[string]*importer.Call{}
	args := make([]any, len(out))
	for i := range out {
		byID[collationKey(out[i].ID)] = &out[i]
		args[i] = out[i].ID
	}
	err = d.each(ctx, "statistics_call_devices",
		"SELECT id, call_id, device_id, rang_at, invite_terminated_at, invite_terminated_state, created_at, updated_at "+
			"FROM statistics_call_devices WHERE call_id IN ("+inList(len(args))+") ORDER BY id", args,
		func(r *sql.Rows) error {
			var dv importer.CallDevice
			var call string
			var rang, term, state, c, u sql.NullString
			if err := r.Scan(&dv.ID, &call, &dv.DeviceID, &rang, &term, &state, &c, &u); err != nil {
				return err
			}
			dv.RangAt, dv.InviteTerminatedAt, dv.InviteTerminatedState, dv.CreatedAt, dv.UpdatedAt = optTime(rang), optTime(term), optString(state), optTime(c), optTime(u)
			if cl := byID[collationKey(call)]; cl != nil {
				cl.Devices = append(cl.Devices, dv)
			}
			return nil
		})
	return out, err
}
