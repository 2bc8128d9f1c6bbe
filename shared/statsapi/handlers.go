// Package statsapi adapts the statistics group's HTTP requests to the
// statistics domain (shared/stats) and renders FlexiAPI's answers. It does
// not import the AWS SDK: the meta function links its schemas for the
// documentation.
package statsapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/stats"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Schemas are the statistics request bodies.
func Schemas() api.Schemas {
	out := api.Schemas{}
	for name, s := range stats.Schemas() {
		out[name] = s
	}
	return out
}

type handlers struct {
	svc *stats.Service
	cfg *config.Config
}

// Handlers maps the statistics group's handler names to code.
func Handlers(svc *stats.Service, cfg *config.Config) map[string]api.Handler {
	h := handlers{svc: svc, cfg: cfg}
	return map[string]api.Handler{
		"StatisticsMessageCreate":   h.messageCreate,
		"StatisticsMessageDevice":   h.messageDevice,
		"StatisticsCallCreate":      h.callCreate,
		"StatisticsCallDevice":      h.callDevice,
		"StatisticsCallEnd":         h.callEnd,
		"StatisticsCounts":          h.counts,
		"StatisticsExportCalls":     h.exportCalls,
		"StatisticsExportMessages":  h.exportMessages,
		"StatisticsConferenceEvent": conferenceEvent,
	}
}

// MsgConferenceIgnored answers Flexisip's conference events (machine API).
const MsgConferenceIgnored = "Conference events are not stored."

// conferenceEvent accepts a conference event of Flexisip's and stores
// nothing: FlexiAPI has no such route, and a 404 would look like a wrong
// key or prefix to the machine API's 4xx alarm. The body is not read, so
// no payload can make it fail (docs/compatibility.md).
func conferenceEvent(context.Context, *api.Request) (*api.Response, error) {
	return api.JSON(http.StatusAccepted, map[string]string{"message": MsgConferenceIgnored}), nil
}

// FlexiAPI answers the two announcements with the text "1".
func one() *api.Response { return api.Text(http.StatusOK, "1") }

func (h handlers) messageCreate(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	if err := h.svc.AnnounceMessage(ctx, in); err != nil {
		return nil, err
	}
	return one(), nil
}

func (h handlers) callCreate(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	if err := h.svc.AnnounceCall(ctx, in); err != nil {
		return nil, err
	}
	return one(), nil
}

// eventID reads a message or call id from the path: longer than any
// stored id means unknown.
func eventID(r *api.Request, name string) (string, error) {
	id := r.Param(name)
	if len(id) > stats.MaxIDLength {
		return "", api.NotFound()
	}
	return id, nil
}

func deviceID(r *api.Request) (string, error) {
	d := r.Param("device_id")
	if len([]rune(d)) > stats.MaxDeviceLength {
		return "", api.InvalidField("device_id", fmt.Sprintf("The device id must not be greater than %d characters.", stats.MaxDeviceLength))
	}
	return d, nil
}

func (h handlers) messageDevice(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := eventID(r, "message_id")
	if err != nil {
		return nil, err
	}
	to := r.Param("to")
	if len([]rune(to)) > stats.MaxAddressLength {
		return nil, api.InvalidField("to", fmt.Sprintf("The to must not be greater than %d characters.", stats.MaxAddressLength))
	}
	user, dom, ok := stats.SplitAddress(to)
	if !ok {
		return nil, api.InvalidField("to", "The to format is invalid.")
	}
	device, err := deviceID(r)
	if err != nil {
		return nil, err
	}
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	rawStatus, _ := in.Get("last_status")
	status, _ := stats.AsInteger(rawStatus)
	received, _ := dateOf(in, "received_at")
	row, created, err := h.svc.RecordMessageDevice(ctx, id, user, dom, device, status, received)
	if err != nil {
		return nil, domainError(err)
	}
	if created {
		return api.RawJSON(http.StatusCreated, messageDeviceJSON(row, rawStatus, true)), nil
	}
	return api.RawJSON(http.StatusOK, messageDeviceJSON(row, rawStatus, false)), nil
}

// dateOf reads a date the schema validated.
func dateOf(in validate.Input, name string) (time.Time, bool) {
	s, ok := in.String(name)
	if !ok {
		return time.Time{}, false
	}
	return stats.ParseISODate(s)
}

func (h handlers) callDevice(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := eventID(r, "call_id")
	if err != nil {
		return nil, err
	}
	device, err := deviceID(r)
	if err != nil {
		return nil, err
	}
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	term, errs := termination(in)
	if errs != nil {
		return nil, api.Invalid(errs)
	}
	u := stats.CallDeviceUpdate{CallID: id, DeviceID: device, Terminated: term}
	if at, ok := dateOf(in, "rang_at"); ok {
		u.RangAt = &at
	}
	row, created, err := h.svc.RecordCallDevice(ctx, u)
	if err != nil {
		return nil, domainError(err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return api.RawJSON(status, callDeviceJSON(row, created)), nil
}

// termination validates the nested invite_terminated object: at and state
// go together (FlexiAPI's required_with, both ways), at is an ISO date and
// state a string (FlexiAPI validates neither and then stores nothing;
// D11 stores them).
func termination(in validate.Input) (*stats.Termination, *validate.Errors) {
	raw, present := in.Get("invite_terminated")
	if !present || raw == nil {
		return nil, nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, validate.Single("invite_terminated", "The invite terminated must be an object.")
	}
	at, hasAt := obj["at"]
	state, hasState := obj["state"]
	hasAt, hasState = hasAt && at != nil, hasState && state != nil
	if !hasAt && !hasState {
		return nil, nil
	}
	errs := &validate.Errors{}
	var t stats.Termination
	if !hasAt {
		errs.Add("invite_terminated.at", "The invite terminated.at field is required when invite terminated.state is present.")
	} else if s, ok := at.(string); !ok {
		errs.Add("invite_terminated.at", stats.ISODateMessage)
	} else if v, ok := stats.ParseISODate(s); !ok {
		errs.Add("invite_terminated.at", stats.ISODateMessage)
	} else {
		t.At = v
	}
	if !hasState {
		errs.Add("invite_terminated.state", "The invite terminated.state field is required when invite terminated.at is present.")
	} else if s, ok := state.(string); !ok {
		errs.Add("invite_terminated.state", "The invite terminated.state must be a string.")
	} else if len([]rune(s)) > stats.MaxStateLength {
		errs.Add("invite_terminated.state", fmt.Sprintf("The invite terminated.state must not be greater than %d characters.", stats.MaxStateLength))
	} else {
		t.State = s
	}
	if !errs.Empty() {
		return nil, errs
	}
	return &t, nil
}

func (h handlers) callEnd(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := eventID(r, "call_id")
	if err != nil {
		return nil, err
	}
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	ended, _ := dateOf(in, "ended_at")
	c, err := h.svc.EndCall(ctx, id, ended)
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, callJSON(c)), nil
}
