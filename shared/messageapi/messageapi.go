// Package messageapi adapts POST /api/messages to the message domain and
// renders FlexiAPI's answers. It imports no SIP stack
// and no AWS SDK: the meta function links its schemas for the docs.
package messageapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/message"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// BodySend is the route table's Body name of POST /messages.
const BodySend = "messages.send"

// Bounds of the input. FlexiAPI has none; ours keep a MESSAGE well inside
// one UDP datagram and a SIP address inside what a proxy accepts.
const (
	MaxToLength   = 255
	MaxBodyLength = 4000
)

// FlexiAPI's texts.
const (
	// MsgBadURI is linphone-daemon's answer to a recipient that is not a
	// SIP address, relayed by FlexiAPI.
	MsgBadURI = "Bad sip uri."
)

// Schemas is the request body of POST /messages: FlexiAPI's two required
// fields, plus bounds.
func Schemas() api.Schemas {
	return api.Schemas{BodySend: {Steps: []validate.Step{{
		{Name: "to", Type: "string", Desc: "SIP address of the receiver, `username@domain` (without `sip:`)",
			Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Max(MaxToLength)}},
		{Name: "body", Type: "string", Desc: "content of the message (text/plain, UTF-8)",
			Rules: []validate.Rule{validate.Required(), validate.Scalar(), validate.Max(MaxBodyLength)}},
	}}}}
}

type handlers struct {
	send    message.Sender
	timeout time.Duration
	log     *slog.Logger
}

// Handlers maps the messages group's handler names to code. send may be
// nil when SIP is not configured: the route is then not deployed and the
// router never calls it (404, as FlexiAPI without its daemon).
func Handlers(send message.Sender, timeout time.Duration, log *slog.Logger) map[string]api.Handler {
	if log == nil {
		log = slog.Default()
	}
	h := handlers{send: send, timeout: timeout, log: log}
	return map[string]api.Handler{"MessageSend": h.sendMessage}
}

// daemonError is FlexiAPI's 422 for a failed send: the reason, and the
// reason again in an array of arrays (not the usual object).
func daemonError(reason string) *api.Response {
	body, _ := json.Marshal(struct {
		Message string     `json:"message"`
		Errors  [][]string `json:"errors"`
	}{reason, [][]string{{reason}}})
	return api.RawJSON(http.StatusUnprocessableEntity, body)
}

func (h handlers) sendMessage(ctx context.Context, r *api.Request) (*api.Response, error) {
	if h.send == nil {
		return api.FallbackResponse(api.Routes, r.Method, r.Path, nil), nil
	}
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	to, _ := in.String("to")
	body, _ := in.String("body")
	start := time.Now()
	id, err := h.send.Send(ctx, to, body)
	var rejected *message.RejectedError
	var unreachable *message.UnreachableError
	switch {
	case err == nil:
		h.log.Info("message sent", "request_id", r.RequestID, "duration_ms", time.Since(start).Milliseconds())
		return api.JSON(http.StatusOK, map[string]string{"id": id}), nil
	case errors.Is(err, message.ErrBadAddress):
		return daemonError(MsgBadURI), nil
	case errors.As(err, &rejected):
		h.log.Warn("message refused", "request_id", r.RequestID, "sip_status", rejected.Code)
		return daemonError(fmt.Sprintf("The SIP proxy answered %d %s", rejected.Code, rejected.Reason)), nil
	case errors.Is(err, message.ErrTimeout):
		h.log.Error("message timeout", "request_id", r.RequestID, "duration_ms", time.Since(start).Milliseconds())
		return nil, api.Abort(http.StatusGatewayTimeout,
			fmt.Sprintf("The SIP proxy did not answer within %s", h.timeout))
	case errors.As(err, &unreachable):
		h.log.Error("message transport", "request_id", r.RequestID, "error", unreachable.Err.Error())
		return nil, api.Abort(http.StatusServiceUnavailable, "The SIP proxy cannot be reached")
	}
	return nil, err
}
