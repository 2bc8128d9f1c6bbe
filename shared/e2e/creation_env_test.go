//go:build integration

package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/devstack"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// newCreationEnv is newEnv with the SNS platform applications of its
// configuration created in moto (as `make run` does), so that
// send-by-push really pushes.
func newCreationEnv(t *testing.T, vars map[string]string) *env {
	t.Helper()
	e := newEnv(t, vars)
	if err := devstack.EnsurePushApplications(context.Background(), testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS"), e.cfg.PushApps); err != nil {
		t.Fatal(err)
	}
	return e
}

// crMotoSNS is the part of moto's recorded state (GET /moto-api/data.json)
// the creation tests read: the pushes published to each platform
// endpoint, and the SMS published to phone numbers.
type crMotoSNS struct {
	PlatformEndpoint []struct {
		ARN      string            `json:"arn"`
		Token    string            `json:"token"`
		Messages map[string]string `json:"messages"`
	} `json:"PlatformEndpoint"`
	SMS []struct {
		PhoneNumber string `json:"phone_number"`
		Message     string `json:"message"`
	} `json:"SMS"`
}

func crMoto(t *testing.T) crMotoSNS {
	t.Helper()
	resp, err := http.Get(testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS") + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var all struct {
		SNS crMotoSNS `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&all); err != nil {
		t.Fatal(err)
	}
	return all.SNS
}

// crPushesTo returns the SNS messages published to the device pn_prid, with
// the ARN of its platform endpoint (which names the application).
func crPushesTo(t *testing.T, prid string) (messages []string, endpointARN string) {
	t.Helper()
	for _, ep := range crMoto(t).PlatformEndpoint {
		if ep.Token == prid {
			for _, m := range ep.Messages {
				messages = append(messages, m)
			}
			endpointARN = ep.ARN
		}
	}
	return messages, endpointARN
}

// smsTo returns the texts sent to a phone number, in order.
func crSMS(t *testing.T, phone string) []string {
	t.Helper()
	var out []string
	for _, s := range crMoto(t).SMS {
		if s.PhoneNumber == phone {
			out = append(out, s.Message)
		}
	}
	return out
}

// crDevice is a pn_prid no other test pushed to (moto is shared).
func crDevice() string { return "device-" + auth.Random(24) }

// crPhone is a phone number no other test used.
func crPhone() string {
	const digits = "0123456789"
	b := []byte("+3361")
	for _, c := range auth.Random(7) {
		b = append(b, digits[int(c)%10])
	}
	return string(b)
}

var crPinPattern = regexp.MustCompile(`\b([0-9]{4})$`)

// crPIN reads the 4-digit code at the end of an SMS text.
func crPIN(t *testing.T, text string) string {
	t.Helper()
	m := crPinPattern.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no PIN in %q", text)
	}
	return m[1]
}

// crPushedToken decodes the creation token out of one pushed SNS message,
// checking the platform payload (FCM data message or APNs background push).
func crPushedToken(t *testing.T, message string) string {
	t.Helper()
	var outer map[string]string
	if err := json.Unmarshal([]byte(message), &outer); err != nil {
		t.Fatalf("SNS message is not JSON: %q", message)
	}
	for platform, inner := range outer {
		var p map[string]any
		switch platform {
		case "GCM":
			json.Unmarshal([]byte(inner), &p)
			data, _ := p["data"].(map[string]any)
			tok, _ := data["token"].(string)
			if len(tok) != account.CreationTokenLength {
				t.Fatalf("FCM payload without a data token: %s", inner)
			}
			return tok
		case "APNS", "APNS_SANDBOX":
			json.Unmarshal([]byte(inner), &p)
			aps, _ := p["aps"].(map[string]any)
			tok, _ := p["token"].(string)
			if aps["content-available"] != float64(1) || len(tok) != account.CreationTokenLength || aps["alert"] != nil {
				t.Fatalf("APNs payload is not a background push with the token: %s", inner)
			}
			return tok
		}
	}
	t.Fatalf("no platform payload in %q", message)
	return ""
}

// crValidateInBrowser does what a human does with a validation_url: open
// the page and submit its form (with the page's cookie), and returns the
// final answer.
func (e *env) crValidateInBrowser(t *testing.T, validationURL string) response {
	t.Helper()
	pageURL := e.url + strings.TrimPrefix(validationURL, e.cfg.AppURL)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("validation page: %d %s", resp.StatusCode, body)
	}
	form := crFormFields(t, string(body))
	resp, err = client.PostForm(pageURL, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

var crInputPattern = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// crFormFields reads the hidden fields of the validation page's form.
func crFormFields(t *testing.T, page string) url.Values {
	t.Helper()
	if !strings.Contains(page, `<form method="POST"`) {
		t.Fatalf("no POST form in the page:\n%s", page)
	}
	v := url.Values{}
	for _, m := range crInputPattern.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

// crToken gets a token from the admin endpoint.
func (e *env) crToken(t *testing.T) string {
	t.Helper()
	r := e.asAdmin("POST", "/api/account_creation_tokens", "")
	expect(t, r, 201)
	return r.JSON(t)["token"].(string)
}

func crJSON(t *testing.T, v map[string]any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// crExpectUnchangedButIDs is expectUnchanged for requests refused by a
// uniqueness condition: such a creation spends an account id (as
// FlexiAPI's auto-increment does, docs/compatibility.md) and writes
// nothing else.
func (e *env) crExpectUnchangedButIDs(before tableSnapshot) {
	e.t.Helper()
	const counter = `"COUNTER#account_id" "COUNTER"`
	now := e.snapshot()
	b := tableSnapshot{}
	for k, v := range before {
		b[k] = v
	}
	b[counter], now[counter] = "", ""
	if diff := b.diff(now); diff != "" {
		e.t.Fatalf("the table changed:\n%s", diff)
	}
}
