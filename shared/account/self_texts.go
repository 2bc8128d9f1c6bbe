package account

import (
	"crypto/rand"
	"fmt"
	"html"
	"math/big"
	"strings"
)

// FlexiAPI's SMS texts (auth-accounts.md §7.1); APP_NAME names the service.
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
func confirmedRegistrationEmail(appName, signature string, a *Account) Email {
	sip := "sip:" + a.Username + "@" + a.Domain
	var t strings.Builder
	t.WriteString("Registration confirmed " + appName + "\n\nHello,\n\n")
	t.WriteString("Your SIP account has been successfully created.\n")
	t.WriteString("You can now configure this account on any SIP-compatible application using the following parameters:\n\n")
	t.WriteString("    SIP address: " + sip + "\n    Username: " + a.Username + "\n    Domain: " + a.Domain + "\n\n")
	t.WriteString("Regards,\n" + signature)
	h := html.EscapeString
	body := "<h1>Registration confirmed " + h(appName) + "</h1>\n<p>Hello,</p>\n" +
		"<p>Your SIP account has been successfully created.<br>\n" +
		"You can now configure this account on any SIP-compatible application using the following parameters:</p>\n" +
		"<ul>\n<li>SIP address: " + h(sip) + "</li>\n<li>Username: " + h(a.Username) + "</li>\n<li>Domain: " + h(a.Domain) + "</li>\n</ul>\n" +
		"<p>Regards,<br>" + h(signature) + "</p>\n"
	return Email{To: deref(a.Email), Subject: "Confirmed Registration", Text: t.String(), HTML: htmlPage(body)}
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
