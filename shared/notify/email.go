package notify

import (
	"context"
	"fmt"
	"mime"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Mail sends email through SES v2 from MAIL_FROM_NAME <MAIL_FROM_ADDRESS>.
type Mail struct {
	from string

	once   sync.Once
	client *sesv2.Client
	err    error
}

var _ account.Mailer = (*Mail)(nil)

// NewMail returns a mailer with its sender; the SES client is built on the
// first send.
func NewMail(fromAddress, fromName string) *Mail {
	return &Mail{from: FromHeader(fromAddress, fromName)}
}

// FromHeader is the From of an email: "Name <address>", the name encoded
// (RFC 2047) when it is not plain ASCII.
func FromHeader(address, name string) string {
	if name == "" {
		return address
	}
	return mime.QEncoding.Encode("utf-8", name) + " <" + address + ">"
}

func (m *Mail) ses() (*sesv2.Client, error) {
	m.once.Do(func() {
		cfg, err := awsConfig()
		if err != nil {
			m.err = err
			return
		}
		m.client = sesv2.NewFromConfig(cfg)
	})
	return m.client, m.err
}

// SendEmail sends one message with its text and HTML bodies.
func (m *Mail) SendEmail(ctx context.Context, e account.Email) error {
	c, err := m.ses()
	if err != nil {
		return err
	}
	utf8 := aws.String("UTF-8")
	body := &sestypes.Body{Text: &sestypes.Content{Data: aws.String(e.Text), Charset: utf8}}
	if e.HTML != "" {
		body.Html = &sestypes.Content{Data: aws.String(e.HTML), Charset: utf8}
	}
	_, err = c.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(m.from),
		Destination:      &sestypes.Destination{ToAddresses: []string{e.To}},
		Content: &sestypes.EmailContent{Simple: &sestypes.Message{
			Subject: &sestypes.Content{Data: aws.String(e.Subject), Charset: utf8},
			Body:    body,
		}},
	})
	if err != nil {
		return fmt.Errorf("ses send email: %w", err)
	}
	return nil
}
