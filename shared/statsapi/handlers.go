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

// deviceID reads the device of the path; a failure is added to errs.
func deviceID(r *api.Request, errs *validate.Errors) string {
	d := r.Param("device_id")
	if len([]rune(d)) > stats.MaxDeviceLength {
		errs.Add("device_id", fmt.Sprintf("The device id must not be greater than %d characters.", stats.MaxDeviceLength))
	}
	return d
}

func (h handlers) messageDevice(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := eventID(r, "message_id")
	if err != nil {
		return nil, err
	}
	// Both path values are checked before answering: every failure at once.
	errs := &validate.Errors{}
	to := r.Param("to")
	user, dom, ok := stats.SplitAddress(to)
	switch {
	case len([]rune(to)) > stats.MaxAddressLength:
		errs.Add("to", fmt.Sprintf("The to must not be greater than %d characters.", stats.MaxAddressLength))
	case !ok:
		errs.Add("to", "The to format is invalid.")
	}
	device := deviceID(r, errs)
	if !errs.Empty() {
		return nil, api.Invalid(errs)
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
	errs := &validate.Errors{}
	device := deviceID(r, errs)
	if !errs.Empty() {
		return nil, api.Invalid(errs)
	}
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	u := stats.CallDeviceUpdate{CallID: id, DeviceID: device, Terminated: stats.Terminated(in)}
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
