package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrSMSQuota refuses an SMS to a number that already received
// SMS_MAX_PER_PHONE_PER_HOUR of them this hour (our addition: FlexiAPI has
// no such limit, so its SMS endpoints let anyone flood a number and run up
// the bill). Handlers answer 429 with MsgSMSQuota; nothing is sent.
var ErrSMSQuota = errors.New("SMS quota of this phone number reached")

// ErrSMSNotConfigured is a send with no SMS channel wired.
var ErrSMSNotConfigured = errors.New("no SMS sender configured")

// MsgSMSQuota is the 429 message of ErrSMSQuota.
const MsgSMSQuota = "Too many SMS sent to this phone number, try again later."

// ErrSMSNotSent is an SMS the channel did not take (an SNS outage): the
// flow that needed it recorded nothing (503, MsgSMSNotSent).
var ErrSMSNotSent = errors.New("SMS not sent")

// MsgSMSNotSent is the 503 message of ErrSMSNotSent.
const MsgSMSNotSent = "The SMS could not be sent, try again later."

// smsQuotaStore counts the SMS sent to a number.
type smsQuotaStore interface {
	// TakeSMSQuota counts one SMS to phone in the hour starting at hour,
	// unless max were already counted: then ErrSMSQuota, nothing counted.
	TakeSMSQuota(ctx context.Context, phone string, hour time.Time, max int) error
	// ReleaseSMSQuota gives back one SMS taken in that hour (never below 0).
	ReleaseSMSQuota(ctx context.Context, phone string, hour time.Time) error
}

// sendCounted sends an SMS within the number's quota (the number's,
// whoever asks; ErrSMSQuota when over the limit, nothing sent): the quota
// is taken first, so that two requests cannot both pass its last unit, and
// given back when the send fails, so that only what was sent counts. A
// failed send is ErrSMSNotSent (ErrSMSNotConfigured without a channel).
// Flows call it before they write anything.
func (s *Service) sendCounted(ctx context.Context, phone, text string) error {
	hour := s.Now().Truncate(time.Hour)
	limited := s.cfg.SMSMaxPerPhonePerHour > 0
	if limited {
		if err := s.store.TakeSMSQuota(ctx, phone, hour, s.cfg.SMSMaxPerPhonePerHour); err != nil {
			return err
		}
	}
	err := s.deliverSMS(ctx, phone, text)
	if err == nil {
		return nil
	}
	if limited {
		if rerr := s.store.ReleaseSMSQuota(context.WithoutCancel(ctx), phone, hour); rerr != nil {
			slog.ErrorContext(ctx, "SMS quota not given back after a failed send", "error", rerr.Error())
		}
	}
	if errors.Is(err, ErrSMSNotConfigured) {
		return err
	}
	slog.ErrorContext(ctx, "SMS not sent", "error", err.Error())
	return fmt.Errorf("%w: %w", ErrSMSNotSent, err)
}

// deliverSMS sends an SMS (sendCounted counts it).
func (s *Service) deliverSMS(ctx context.Context, phone, text string) error {
	if s.deps.SMS == nil {
		return ErrSMSNotConfigured
	}
	return s.deps.SMS.SendSMS(ctx, phone, text)
}
