package account

import (
	"context"
	"errors"
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

// smsQuotaStore counts the SMS sent to a number.
type smsQuotaStore interface {
	// TakeSMSQuota counts one SMS to phone in the hour starting at hour,
	// unless max were already counted: then ErrSMSQuota, nothing counted.
	TakeSMSQuota(ctx context.Context, phone string, hour time.Time, max int) error
}

// takeSMSQuota counts one SMS to phone (ErrSMSQuota when over the limit):
// the quota is the number's, whoever asks. Flows call it before writing
// anything, then deliverSMS once their write succeeded.
func (s *Service) takeSMSQuota(ctx context.Context, phone string) error {
	if s.cfg.SMSMaxPerPhonePerHour <= 0 {
		return nil
	}
	return s.store.TakeSMSQuota(ctx, phone, s.Now().Truncate(time.Hour), s.cfg.SMSMaxPerPhonePerHour)
}

// deliverSMS sends an SMS whose quota was already taken.
func (s *Service) deliverSMS(ctx context.Context, phone, text string) error {
	if s.deps.SMS == nil {
		return ErrSMSNotConfigured
	}
	return s.deps.SMS.SendSMS(ctx, phone, text)
}
