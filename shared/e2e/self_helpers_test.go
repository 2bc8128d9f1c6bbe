//go:build integration

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// What the side channels really carried: the SMS moto recorded (its
// /moto-api/data.json) and the emails the SES v2 emulator stored (its
// /store). The emulators are shared by the whole test run: tests use
// their own phone numbers and addresses.

// selfSMS lists the texts moto recorded for a number, oldest first.
func selfSMS(t *testing.T, phone string) []string {
	t.Helper()
	var data struct {
		SNS struct {
			SMS []struct {
				Message string `json:"message"`
				Phone   string `json:"phone_number"`
			} `json:"SMS"`
		} `json:"sns"`
	}
	selfGetJSON(t, testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS")+"/moto-api/data.json", &data)
	var out []string
	for _, m := range data.SNS.SMS {
		if m.Phone == phone {
			out = append(out, m.Message)
		}
	}
	return out
}

type selfEmail struct {
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
}

// selfEmails lists the emails the SES emulator stored for an address.
func selfEmails(t *testing.T, address string) []selfEmail {
	t.Helper()
	var data struct {
		Emails []selfEmail `json:"emails"`
	}
	selfGetJSON(t, testenv.Endpoint(t, "AWS_ENDPOINT_URL_SESV2")+"/store", &data)
	var out []selfEmail
	for _, m := range data.Emails {
		for _, to := range m.Destination.To {
			if to == address {
				out = append(out, m)
			}
		}
	}
	return out
}

func selfGetJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v: %.200s", url, err, b)
	}
}

// selfCode extracts the 4-digit code of an SMS or email text.
func selfCode(t *testing.T, text string) string {
	t.Helper()
	m := regexp.MustCompile(`\b[1-9][0-9]{3}\b`).FindString(text)
	if m == "" {
		t.Fatalf("no 4-digit code in %q", text)
	}
	return m
}

// selfPhone is an E.164 number no other test uses.
func selfPhone() string { return fmt.Sprintf("+3367%08d", rand.IntN(100_000_000)) }

// awayFromHourBoundary waits out the last seconds of an hour, so that an
// hourly quota test does not straddle two hours.
func awayFromHourBoundary(need time.Duration) {
	now := time.Now().UTC()
	if left := now.Truncate(time.Hour).Add(time.Hour).Sub(now); left < need {
		time.Sleep(left + time.Second)
	}
}
