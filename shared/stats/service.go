package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Store is what the statistics need from the table. Every ingestion
// method is one conditional write: no read first (docs/access-patterns.md).
type Store interface {
	// CreateMessage stores a message unless its id exists; created is
	// false for a re-post, which changes nothing (first write wins, so a
	// Flexisip retry is not a failure).
	CreateMessage(ctx context.Context, m *Message) (created bool, err error)
	CreateCall(ctx context.Context, c *Call) (created bool, err error)
	// UpsertMessageDevice records a recipient device of an existing
	// message (ErrNotFound otherwise); created says it is new.
	UpsertMessageDevice(ctx context.Context, d *MessageDevice) (row *MessageDevice, created bool, err error)
	// UpsertCallDevice changes only the fields the update carries.
	UpsertCallDevice(ctx context.Context, u CallDeviceUpdate) (row *CallDevice, created bool, err error)
	// EndCall sets ended_at of an existing call (ErrNotFound otherwise).
	EndCall(ctx context.Context, id string, endedAt, now time.Time) (*Call, error)
	// PeriodCalls and PeriodMessages read the events of a domain in
	// [from, to) in time order, one index Query per day and page, from
	// the position cursor ("" = the start), at most limit of them. next
	// is "" after the last one.
	PeriodCalls(ctx context.Context, domain string, from, to time.Time, cursor string, limit int) (calls []Call, next string, err error)
	PeriodMessages(ctx context.Context, domain string, from, to time.Time, cursor string, limit int) (msgs []Message, next string, err error)
}

// Service runs the statistics flows.
type Service struct {
	store     Store
	retention time.Duration
	now       func() time.Time
}

// NewService builds the service; retention 0 keeps statistics forever.
func NewService(st Store, retention time.Duration) *Service {
	return &Service{store: st, retention: retention, now: time.Now}
}

// Now is the service's clock, in UTC and whole seconds as stored.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Second) }

func (s *Service) expiry(event time.Time) time.Time {
	if s.retention <= 0 {
		return time.Time{}
	}
	return event.Add(s.retention)
}

// date reads a field the schema already validated as an ISO date.
func date(in validate.Input, name string) (time.Time, bool) {
	v, _ := in.String(name)
	return ParseISODate(v)
}

func optString(in validate.Input, name string) *string {
	if v, ok := in.String(name); ok {
		return &v
	}
	return nil
}

// AnnounceMessage stores a message (POST /statistics/messages, input
// validated by MessageSchema). A re-post of an existing id is no error.
func (s *Service) AnnounceMessage(ctx context.Context, in validate.Input) error {
	id, _ := in.String("id")
	from, _ := in.String("from")
	user, dom, _ := SplitAddress(from)
	sent, _ := date(in, "sent_at")
	enc, _ := in.Bool("encrypted")
	now := s.Now()
	_, err := s.store.CreateMessage(ctx, &Message{ID: id, FromUsername: user, FromDomain: dom, SentAt: sent,
		Encrypted: enc, ConferenceID: optString(in, "conference_id"), CreatedAt: now, UpdatedAt: now, ExpiresAt: s.expiry(sent)})
	return err
}

// AnnounceCall stores a call (POST /statistics/calls).
func (s *Service) AnnounceCall(ctx context.Context, in validate.Input) error {
	id, _ := in.String("id")
	from, _ := in.String("from")
	to, _ := in.String("to")
	fu, fd, _ := SplitAddress(from)
	tu, td, _ := SplitAddress(to)
	initiated, _ := date(in, "initiated_at")
	now := s.Now()
	c := &Call{ID: id, FromUsername: fu, FromDomain: fd, ToUsername: tu, ToDomain: td, InitiatedAt: initiated,
		ConferenceID: optString(in, "conference_id"), CreatedAt: now, UpdatedAt: now, ExpiresAt: s.expiry(initiated)}
	if ended, ok := date(in, "ended_at"); ok {
		c.EndedAt = &ended
	}
	_, err := s.store.CreateCall(ctx, c)
	return err
}

// RecordMessageDevice upserts a recipient device's status.
func (s *Service) RecordMessageDevice(ctx context.Context, messageID, toUser, toDomain, deviceID string, lastStatus int64, receivedAt time.Time) (*MessageDevice, bool, error) {
	now := s.Now()
	return s.store.UpsertMessageDevice(ctx, &MessageDevice{MessageID: messageID, ToUsername: toUser, ToDomain: toDomain,
		DeviceID: deviceID, LastStatus: lastStatus, ReceivedAt: receivedAt, CreatedAt: now, UpdatedAt: now})
}

// RecordCallDevice upserts a callee device's progress with the fields sent.
func (s *Service) RecordCallDevice(ctx context.Context, u CallDeviceUpdate) (*CallDevice, bool, error) {
	u.Now = s.Now()
	return s.store.UpsertCallDevice(ctx, u)
}

// EndCall records the end of a call.
func (s *Service) EndCall(ctx context.Context, id string, endedAt time.Time) (*Call, error) {
	return s.store.EndCall(ctx, id, endedAt, s.Now())
}

// Period is a read-back request: a domain and [From, To).
type Period struct {
	Domain   string
	From, To time.Time
	ByHour   bool
}

// Bounds of a read-back period: an hourly series covers at most 31 days,
// a daily one at most 366 (the cost is one Query per day and page).
const (
	MaxHourlyDays = 31
	MaxDailyDays  = 366
)

// Check validates a period; the message is the error of its "to" field.
func (p Period) Check() error {
	if !p.To.After(p.From) {
		//lint:ignore ST1005 the text is the client's validation message
		return fmt.Errorf("The to must be a date after from.")
	}
	max := MaxDailyDays
	if p.ByHour {
		max = MaxHourlyDays
	}
	if p.To.Sub(p.From) > time.Duration(max)*24*time.Hour {
		//lint:ignore ST1005 the text is the client's validation message
		return fmt.Errorf("The period must not be longer than %d days.", max)
	}
	return nil
}

// Bucket is one moment of a count series.
type Bucket struct {
	Moment            string // YYYY-MM-DD or YYYY-MM-DD HH (FlexiAPI's bucket keys)
	Calls             int
	CallsAnswered     int
	CallsMissed       int
	CallsFailed       int
	CallsInProgress   int
	Messages          int
	MessagesDelivered int
	MessagesFailed    int
	MessagesPending   int
}

// countPage is how many events one store call returns while counting.
const countPage = 1000

// Counts returns the calls and messages of a period per day or per hour,
// every bucket present (empty ones at 0), as FlexiAPI's charts do.
func (s *Service) Counts(ctx context.Context, p Period) ([]Bucket, error) {
	layout, step := "2006-01-02", 24*time.Hour
	if p.ByHour {
		layout, step = "2006-01-02 15", time.Hour
	}
	var out []Bucket
	index := map[string]int{}
	for t := p.From.Truncate(step); t.Before(p.To); t = t.Add(step) {
		index[t.Format(layout)] = len(out)
		out = append(out, Bucket{Moment: t.Format(layout)})
	}
	bucket := func(t time.Time) *Bucket {
		i, ok := index[t.UTC().Format(layout)]
		if !ok {
			return nil
		}
		return &out[i]
	}
	cursor := ""
	for {
		calls, next, err := s.store.PeriodCalls(ctx, p.Domain, p.From, p.To, cursor, countPage)
		if err != nil {
			return nil, err
		}
		for i := range calls {
			if b := bucket(calls[i].InitiatedAt); b != nil {
				b.Calls++
				switch calls[i].Outcome() {
				case OutcomeAnswered:
					b.CallsAnswered++
				case OutcomeFailed:
					b.CallsFailed++
				case OutcomeInProgress:
					b.CallsInProgress++
				default:
					b.CallsMissed++
				}
			}
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	for {
		msgs, next, err := s.store.PeriodMessages(ctx, p.Domain, p.From, p.To, cursor, countPage)
		if err != nil {
			return nil, err
		}
		for i := range msgs {
			if b := bucket(msgs[i].SentAt); b != nil {
				b.Messages++
				switch msgs[i].Outcome() {
				case OutcomeDelivered:
					b.MessagesDelivered++
				case OutcomeFailed:
					b.MessagesFailed++
				default:
					b.MessagesPending++
				}
			}
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	return out, nil
}

// CallLog returns one page of a period's calls.
func (s *Service) CallLog(ctx context.Context, p Period, cursor string, limit int) ([]Call, string, error) {
	return s.store.PeriodCalls(ctx, p.Domain, p.From, p.To, cursor, limit)
}

// MessageLog returns one page of a period's messages.
func (s *Service) MessageLog(ctx context.Context, p Period, cursor string, limit int) ([]Message, string, error) {
	return s.store.PeriodMessages(ctx, p.Domain, p.From, p.To, cursor, limit)
}
