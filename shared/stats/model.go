// Package stats is the statistics domain: the events Flexisip pushes
// (messages, calls and their devices) and their
// read-back by domain and period (our addition). It stores through the
// small Store interface it owns; shared/store implements it.
package stats

import (
	"errors"
	"strings"
	"time"
)

// Bounds of what a client sends (the reference's column sizes).
const (
	MaxIDLength      = 64  // message and call ids (varchar(64))
	MaxAddressLength = 256 // from, to
	MaxDeviceLength  = 255 // a device id (the reference's 64 truncates real +sip.instance values silently)
	MaxStateLength   = 64  // invite_terminated.state
	MaxConferenceLen = 255
)

// ErrNotFound is an unknown message or call id.
var ErrNotFound = errors.New("stats: not found")

// ErrBadCursor is a read-back cursor the store did not write, or one of
// another period.
var ErrBadCursor = errors.New("stats: bad cursor")

// Message is a message announced by Flexisip.
type Message struct {
	ID           string
	FromUsername string
	FromDomain   string
	SentAt       time.Time
	Encrypted    bool
	ConferenceID *string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// ExpiresAt is when retention removes it (zero: kept forever).
	ExpiresAt time.Time
	// Statuses are the last_status values its recipient devices reported.
	Statuses []int64
}

// MessageDevice is a recipient device's final status.
type MessageDevice struct {
	ID         int64
	MessageID  string
	ToUsername string
	ToDomain   string
	DeviceID   string
	LastStatus int64
	ReceivedAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Call is a call announced by Flexisip.
type Call struct {
	ID           string
	FromUsername string
	FromDomain   string
	ToUsername   string
	ToDomain     string
	InitiatedAt  time.Time
	EndedAt      *time.Time
	ConferenceID *string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ExpiresAt    time.Time
	// States are the invite_terminated states its devices reported.
	States []string
}

// CallDevice is a callee device's progress.
type CallDevice struct {
	ID                    int64
	CallID                string
	DeviceID              string
	RangAt                *time.Time
	InviteTerminatedAt    *time.Time
	InviteTerminatedState *string
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// Termination is the nested invite_terminated object.
type Termination struct {
	At    time.Time
	State string
}

// CallDeviceUpdate carries only the fields a PATCH sent: the others keep
// their value (FlexiAPI overwrites them with NULL).
type CallDeviceUpdate struct {
	CallID     string
	DeviceID   string
	RangAt     *time.Time
	Terminated *Termination
	Now        time.Time
}

// SplitAddress splits user@domain as FlexiAPI does: the username is the
// first piece, the domain the second, further pieces are dropped and
// nothing is stripped. ok is false without an @ (FlexiAPI: 500).
func SplitAddress(s string) (username, domain string, ok bool) {
	parts := strings.Split(s, "@")
	if len(parts) < 2 {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// Call outcomes, from what the callee devices reported.
const (
	OutcomeAnswered   = "answered"    // a device accepted
	OutcomeFailed     = "failed"      // no device accepted, one ended in error
	OutcomeMissed     = "missed"      // nobody accepted: declined, canceled, unanswered
	OutcomeInProgress = "in_progress" // no device reported the end of its invitation yet (ringing)
)

// StateTerminated is the mark a call's states get from the first device
// that reports the end of its invitation, whatever its state: a call
// without it (and without ended_at) is still in progress.
const StateTerminated = "terminated"

// DecidesOutcome reports whether an invite_terminated state changes a
// call's outcome (the others leave it missed).
func DecidesOutcome(state string) bool { return state == "accepted" || state == "error" }

// StateMarks are what an invite_terminated state adds to its call's
// states: the termination mark, and the state itself when it decides the
// outcome. The set changes (and its index entry is rewritten) at most
// three times per call.
func StateMarks(state string) []string {
	if DecidesOutcome(state) {
		return []string{StateTerminated, state}
	}
	return []string{StateTerminated}
}

// Outcome classifies a call. Flexisip sends ended_at only when an
// established call ends (BYE), so an unanswered call is over once a
// device reported the end of its invitation.
func (c *Call) Outcome() string {
	failed, terminated := false, false
	for _, s := range c.States {
		switch s {
		case "accepted":
			return OutcomeAnswered
		case "error":
			failed = true
		case StateTerminated:
			terminated = true
		}
	}
	switch {
	case failed:
		return OutcomeFailed
	case terminated || c.EndedAt != nil:
		return OutcomeMissed
	}
	return OutcomeInProgress
}

// Message outcomes, from the recipient devices' last_status.
const (
	OutcomeDelivered = "delivered" // a device answered 2xx
	OutcomePending   = "pending"   // no device reported yet
)

// OutcomeStatus is what a device's last_status tells of its message's
// outcome, as the message keeps it in its indexed set of statuses: 200
// for any 2xx (delivered), 0 for any other (failed). Another device
// reporting a status of a class already seen then adds nothing to the
// set, and the write leaves the message's index entry alone.
func OutcomeStatus(s int64) int64 {
	if s >= 200 && s < 300 {
		return 200
	}
	return 0
}

// Outcome classifies a message: delivered, failed or pending. Statuses
// may be raw last_status values (as stored before OutcomeStatus) or their
// classes: both classify alike.
func (m *Message) Outcome() string {
	if len(m.Statuses) == 0 {
		return OutcomePending
	}
	for _, s := range m.Statuses {
		if s >= 200 && s < 300 {
			return OutcomeDelivered
		}
	}
	return OutcomeFailed
}
