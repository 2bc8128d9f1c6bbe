package account

import (
	"crypto/rand"
	"fmt"
	"html"
	"math/big"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// FlexiAPI's SMS texts; APP_NAME names the service.
func smsPhoneChangeText(appName, code string) string {
	return "Your " + appName + " validation code is " + code
}

// changeCode is FlexiAPI's PIN: a 4-digit number, 1000–9999 (drawn from
// crypto/rand where FlexiAPI uses mt_rand).
func changeCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9000))
	if err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return fmt.Sprint(1000 + n.Int64())
}

// registerValidationEmail is FlexiAPI's "Register Validation" mail, sent
// to the new address of an email change with its code.
func registerValidationEmail(appName, signature, to, code string) Email {
	text := "Hello,\n\nYou just created an account on " + appName + " using your email account.\n\n" +
		"Please enter the following code on the confirmation page:\n\n" + code + "\n\nRegards,\n" + signature
	h := html.EscapeString
	body := "<h1>Account registration on " + h(appName) + "</h1>\n" +
		"<p>Hello,</p>\n<p>You just created an account on " + h(appName) + " using your email account.</p>\n" +
		"<p>Please enter the following code on the confirmation page:</p>\n<h2>" + h(code) + "</h2>\n" +
		"<p>Regards,<br>" + h(signature) + "</p>\n"
	return Email{To: to, Subject: "Register Validation", Text: text, HTML: htmlPage(body)}
}

// confirmedRegistrationEmail is FlexiAPI's "Confirmed Registration" mail,
// sent when an account with an email gets its first password.
func confirmedRegistrationEmail(cfg *config.Config, a *Account) Email {
	sip := "sip:" + a.Username + "@" + a.Domain
	intro := []string{"Your SIP account has been successfully created.",
		"You can now configure this account on any SIP-compatible application using the following parameters:"}
	if cfg.ConfirmedRegistrationText != "" {
		intro = strings.Split(cfg.ConfirmedRegistrationText, "\n")
	}
	params := [][2]string{{"SIP address", sip}, {"Username", a.Username}, {"Domain", a.Domain}}
	var extra [][2]string
	if cfg.ProxyRegistrarAddress != "" {
		extra = append(extra, [2]string{"Proxy/registrar address", "sip:" + cfg.ProxyRegistrarAddress})
	}
	if cfg.TransportProtocolText != "" {
		extra = append(extra, [2]string{"Transport", cfg.TransportProtocolText})
	}

	var t strings.Builder
	t.WriteString("Registration confirmed " + cfg.AppName + "\n\nHello,\n\n" + strings.Join(intro, "\n") + "\n\n")
	for _, p := range params {
		t.WriteString("    " + p[0] + ": " + p[1] + "\n")
	}
	t.WriteString("\n")
	for _, p := range extra {
		t.WriteString("    " + p[0] + ":  " + p[1] + "\n")
	}
	t.WriteString("\nRegards,\n" + cfg.MailSignature)

	h := html.EscapeString
	var b strings.Builder
	b.WriteString("<h1>Registration confirmed " + h(cfg.AppName) + "</h1>\n<p>Hello,</p>\n<p>")
	for i, line := range intro {
		if i > 0 {
			b.WriteString("<br>\n")
		}
		b.WriteString(h(line))
	}
	b.WriteString("</p>\n<ul>\n")
	for _, p := range append(params, extra...) {
		b.WriteString("<li>" + h(p[0]) + ": " + h(p[1]) + "</li>\n")
	}
	b.WriteString("</ul>\n<p>Regards,<br>" + h(cfg.MailSignature) + "</p>\n")
	return Email{To: deref(a.Email), Subject: "Confirmed Registration", Text: t.String(), HTML: htmlPage(b.String())}
}

func htmlPage(body string) string {
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n" + body + "</body></html>\n"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
