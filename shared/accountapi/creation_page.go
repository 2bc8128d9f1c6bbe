package accountapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// The request-token validation page, FlexiAPI's web route: GET
// {APP_URL}/creation_token/check/{token} shows one form; POSTing it (to the
// same URL) validates the token. The form is CSRF-protected by a
// double-submit pair: a random value in a SameSite=Strict cookie, and the
// same value in the form with an HMAC (APP_KEY) binding it to the token and
// an expiry. hCaptcha is used only when HCAPTCHA_SECRET and
// HCAPTCHA_SITEKEY are both set.

const (
	csrfCookie   = "creation_token_csrf"
	csrfField    = "_token"
	csrfLifetime = 30 * time.Minute
	captchaField = "h-captcha-response"
	// MsgNotARobot is FlexiAPI's message for a missing or failed captcha.
	MsgNotARobot = "Please verify that you are not a robot."
)

type pageData struct {
	AppName, Title, Text, Error string
	Form                        bool
	Token, CSRF, SiteKey        string
}

func (h handlers) page(status int, d pageData) *api.Response {
	d.AppName = h.cfg.AppName
	resp := api.Text(status, renderPage(d))
	resp.Header.Set("Cache-Control", "no-store")
	resp.Header.Set("X-Frame-Options", "DENY")
	return resp
}

// renderPage writes the page with every value HTML-escaped. It does not
// use html/template: text/template calls methods by reflection, which
// makes the linker keep every exported method of every type in the
// binary (the AWS SDK's included) and doubled the accounts bootstrap.
func renderPage(d pageData) string {
	var b strings.Builder
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	esc := html.EscapeString
	w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
		"<title>", esc(d.AppName), "</title>\n")
	if d.SiteKey != "" {
		w("<script src=\"https://hcaptcha.com/1/api.js?recaptchacompat=off\" async defer></script>\n")
	}
	w("</head>\n<body>\n<main>\n<h1>", esc(d.Title), "</h1>\n")
	if d.Error != "" {
		w("<p class=\"error\" role=\"alert\">", esc(d.Error), "</p>\n")
	}
	if d.Text != "" {
		w("<p>", esc(d.Text), "</p>\n")
	}
	if d.Form {
		w("<form method=\"POST\" action=\"\">\n",
			"<input type=\"hidden\" name=\"", csrfField, "\" value=\"", esc(d.CSRF), "\">\n",
			"<input type=\"hidden\" name=\"account_creation_request_token\" value=\"", esc(d.Token), "\">\n")
		if d.SiteKey != "" {
			w("<div class=\"h-captcha\" data-sitekey=\"", esc(d.SiteKey), "\"></div>\n")
		}
		w("<button type=\"submit\">I'm not a robot</button>\n</form>\n")
	}
	w("</main>\n</body>\n</html>\n")
	return b.String()
}

func (h handlers) captchaOn() bool { return h.cfg.HCaptchaSecret != "" && h.cfg.HCaptchaSiteKey != "" }

func (h handlers) notValidPage() *api.Response {
	return h.page(http.StatusNotFound, pageData{Title: "Account creation", Error: account.MsgInvalidRequestToken})
}

// formPage renders the form with a fresh CSRF pair.
func (h handlers) formPage(status int, r *api.Request, token, errMsg string) *api.Response {
	nonce := auth.Random(32)
	expires := h.svc.Now().Add(csrfLifetime).Unix()
	d := pageData{Title: "Account creation", Text: "Confirm that you are a human to continue your registration in the application.",
		Error: errMsg, Form: true, Token: token, CSRF: nonce + "." + strconv.FormatInt(expires, 10) + "." + h.csrfMAC(token, nonce, expires)}
	if h.captchaOn() {
		d.SiteKey = h.cfg.HCaptchaSiteKey
	}
	resp := h.page(status, d)
	c := &http.Cookie{Name: csrfCookie, Value: nonce, Path: "/", MaxAge: int(csrfLifetime / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(r.BaseURL, "https://")}
	resp.Header.Set("Set-Cookie", c.String())
	return resp
}

func (h handlers) csrfMAC(token, nonce string, expires int64) string {
	m := hmac.New(sha256.New, []byte("creation-token-csrf:"+h.cfg.AppKey))
	m.Write([]byte(token + "|" + nonce + "|" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// csrfValid checks the form field against the cookie and its HMAC.
func (h handlers) csrfValid(r *api.Request, token, field string) bool {
	parts := strings.Split(field, ".")
	if len(parts) != 3 {
		return false
	}
	expires, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || h.svc.Now().Unix() > expires {
		return false
	}
	cookie := ""
	for _, c := range (&http.Request{Header: r.Header}).Cookies() {
		if c.Name == csrfCookie {
			cookie = c.Value
		}
	}
	return cookie != "" && hmac.Equal([]byte(cookie), []byte(parts[0])) &&
		hmac.Equal([]byte(h.csrfMAC(token, parts[0], expires)), []byte(parts[2]))
}

func (h handlers) checkPage(ctx context.Context, r *api.Request) (*api.Response, error) {
	if !h.cfg.WebPanel {
		return h.page(http.StatusNotFound, pageData{Title: "Not found"}), nil
	}
	token := r.Param("token")
	if _, err := h.svc.UsableRequestToken(ctx, token); err != nil {
		if errors.Is(err, account.ErrTokenInvalid) {
			return h.notValidPage(), nil
		}
		return nil, err
	}
	return h.formPage(http.StatusOK, r, token, ""), nil
}

func (h handlers) checkSubmit(ctx context.Context, r *api.Request) (*api.Response, error) {
	if !h.cfg.WebPanel {
		return h.page(http.StatusNotFound, pageData{Title: "Not found"}), nil
	}
	token := r.Param("token")
	in, err := r.Input()
	if err != nil {
		return h.page(http.StatusBadRequest, pageData{Title: "Account creation", Error: "The form could not be read."}), nil
	}
	if !h.csrfValid(r, token, in.StringOr(csrfField, "")) {
		// Laravel's answer to a missing or stale CSRF token.
		return h.page(419, pageData{Title: "Page Expired", Text: "Reload the link from the application and try again."}), nil
	}
	if _, err := h.svc.UsableRequestToken(ctx, token); err != nil {
		if errors.Is(err, account.ErrTokenInvalid) {
			return h.notValidPage(), nil
		}
		return nil, err
	}
	if h.captchaOn() {
		ok, err := verifyCaptcha(ctx, h.cfg.HCaptchaSecret, in.StringOr(captchaField, ""), r.SourceIP)
		if err != nil || !ok {
			return h.formPage(http.StatusUnprocessableEntity, r, token, MsgNotARobot), nil
		}
	}
	if err := h.svc.ValidateRequestToken(ctx, token); err != nil {
		if errors.Is(err, account.ErrTokenInvalid) {
			return h.notValidPage(), nil
		}
		return nil, err
	}
	return h.page(http.StatusOK, pageData{Title: "Thanks for the validation",
		Text: "You can now continue your registration process in the application."}), nil
}

// validatePathInput makes a path value an input, cleaned as a body would
// be, for a schema.
func validatePathInput(name, value string) validate.Input {
	return validate.NewInput(map[string]any{name: value})
}
