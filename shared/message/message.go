// Package message is the domain of POST /api/messages: a
// text sent as a SIP MESSAGE by a configured sender. It owns the port the
// SIP transport (shared/sip) implements and the errors the handler maps
// to FlexiAPI's answers; it imports no SIP stack, so the documentation
// (meta function) links the schemas without it.
package message

import (
	"context"
	"errors"
	"fmt"
)

// Sender sends one text and waits for the proxy's final answer. It
// returns the message id. Its errors are the ones below.
type Sender interface {
	Send(ctx context.Context, to, body string) (id string, err error)
}

var (
	// ErrBadAddress: the recipient is not a SIP address (user@domain).
	ErrBadAddress = errors.New("message: bad recipient address")
	// ErrTimeout: no final answer within the configured time.
	ErrTimeout = errors.New("message: the SIP proxy did not answer in time")
)

// RejectedError is the proxy's (or the recipient's) final non-2xx answer.
type RejectedError struct {
	Code   int
	Reason string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("message: the SIP proxy answered %d %s", e.Code, e.Reason)
}

// UnreachableError is a transport failure: the proxy's address does not
// resolve, refuses the connection, or fails the TLS handshake.
type UnreachableError struct{ Err error }

func (e *UnreachableError) Error() string {
	return "message: the SIP proxy cannot be reached: " + e.Err.Error()
}
func (e *UnreachableError) Unwrap() error { return e.Err }
