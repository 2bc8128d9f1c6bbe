package account

import (
	"context"
	"time"
)

// Deps are the side channels of the accounts domain. The domain owns these
// small interfaces; shared/notify (SNS, SES v2) and shared/registrar
// (Flexisip's Redis) implement them, and the mains wire them.
type Deps struct {
	SMS     SMSSender
	Mail    Mailer
	Push    Pusher
	Devices DeviceRegistry
}

// SMSSender sends a text message to a phone number (E.164).
type SMSSender interface {
	SendSMS(ctx context.Context, phone, text string) error
}

// Email is one message, in text and HTML.
type Email struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Mailer sends an email from the configured sender.
type Mailer interface {
	SendEmail(ctx context.Context, m Email) error
}

// PushTarget is a device as FlexiAPI names it: pn_provider, pn_param, pn_prid.
type PushTarget struct {
	Provider, Param, PRID string
}

// Pusher delivers an account creation token to a device by mobile push.
type Pusher interface {
	PushCreationToken(ctx context.Context, to PushTarget, token string) error
}

// DeviceRegistry reads and deletes an account's devices in Flexisip's
// registrar.
type DeviceRegistry interface {
	Devices(ctx context.Context, username, domain string) ([]Device, error)
	DeleteDevice(ctx context.Context, username, domain, uuid string) error
}

// Device is one registered contact of an account in Flexisip's registrar:
// its +sip.instance, the registration's updatedAt and User-Agent (nil when
// the registration has none).
type Device struct {
	UUID      string
	UpdatedAt time.Time
	UserAgent *string
}
