package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/awsjson"
)

// Mail sends email through SES v2 from MAIL_FROM_NAME <MAIL_FROM_ADDRESS>.
//
// It calls SES v2's SendEmail operation (POST /v2/email/outbound-emails)
// signed with the SDK's SigV4 signer and credentials, rather than through
// the service/sesv2 package: that package's generated schemas cost about
// 1.2 ms of package initialisation in every cold start of the accounts
// function, whether it sends mail or not, for the one call we make.
type Mail struct {
	from string
}

var _ account.Mailer = (*Mail)(nil)

// NewMail returns a mailer with its sender; the AWS configuration is
// loaded on the first send.
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

// SES v2's SendEmail request, with the API's own field names.
type sesContent struct {
	Data    string `json:"Data"`
	Charset string `json:"Charset"`
}

type sesBody struct {
	Text *sesContent `json:"Text,omitempty"`
	HTML *sesContent `json:"Html,omitempty"`
}

type sesSendEmail struct {
	FromEmailAddress string `json:"FromEmailAddress"`
	Destination      struct {
		ToAddresses []string `json:"ToAddresses"`
	} `json:"Destination"`
	Content struct {
		Simple struct {
			Subject sesContent `json:"Subject"`
			Body    sesBody    `json:"Body"`
		} `json:"Simple"`
	} `json:"Content"`
}

// sesEndpoint is where SES v2 answers: AWS_ENDPOINT_URL_SESV2 (the local
// emulator), else the configuration's AWS_ENDPOINT_URL, else the region's
// public endpoint, as the SDK resolves them.
func sesEndpoint(baseEndpoint *string, region string) string {
	if v := os.Getenv("AWS_ENDPOINT_URL_SESV2"); v != "" {
		return strings.TrimRight(v, "/")
	}
	if baseEndpoint != nil && *baseEndpoint != "" {
		return strings.TrimRight(*baseEndpoint, "/")
	}
	return "https://email." + region + ".amazonaws.com"
}

// SendEmail sends one message with its text and HTML bodies.
func (m *Mail) SendEmail(ctx context.Context, e account.Email) error {
	cfg, err := awsConfig()
	if err != nil {
		return err
	}
	var in sesSendEmail
	in.FromEmailAddress = m.from
	in.Destination.ToAddresses = []string{e.To}
	in.Content.Simple.Subject = sesContent{Data: e.Subject, Charset: "UTF-8"}
	in.Content.Simple.Body.Text = &sesContent{Data: e.Text, Charset: "UTF-8"}
	if e.HTML != "" {
		in.Content.Simple.Body.HTML = &sesContent{Data: e.HTML, Charset: "UTF-8"}
	}
	payload, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("ses send email: %w", err)
	}
	resp, body, err := awsjson.Post(ctx, cfg, "ses", sesEndpoint(cfg.BaseEndpoint, cfg.Region)+"/v2/email/outbound-emails",
		http.Header{"Content-Type": {"application/json"}}, payload)
	if err != nil {
		return fmt.Errorf("ses send email: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var apiErr struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &apiErr)
		return fmt.Errorf("ses send email: %d %s: %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), apiErr.Message)
	}
	return nil
}
