//go:build integration

package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

func fetchJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestSendSMS publishes through moto and reads what it recorded.
func TestSendSMS(t *testing.T) {
	sns := testenv.Endpoint(t, "AWS_ENDPOINT_URL_SNS")
	testenv.Credentials()
	phone := fmt.Sprintf("+3369%08d", rand.IntN(100_000_000))
	if err := NewSMS().SendSMS(context.Background(), phone, "Your Account Manager validation code is 4321"); err != nil {
		t.Fatal(err)
	}
	var data struct {
		SNS struct {
			SMS []struct {
				Message string `json:"message"`
				Phone   string `json:"phone_number"`
			} `json:"SMS"`
		} `json:"sns"`
	}
	fetchJSON(t, sns+"/moto-api/data.json", &data)
	found := 0
	for _, m := range data.SNS.SMS {
		if m.Phone == phone {
			found++
			if m.Message != "Your Account Manager validation code is 4321" {
				t.Fatalf("message %q", m.Message)
			}
		}
	}
	if found != 1 {
		t.Fatalf("%d SMS to %s", found, phone)
	}
}

// TestSendEmail sends through the SES v2 emulator and reads its store.
func TestSendEmail(t *testing.T) {
	ses := testenv.Endpoint(t, "AWS_ENDPOINT_URL_SESV2")
	testenv.Credentials()
	to := testenv.UniqueName("notify") + "@example.org"
	err := NewMail("hello@example.com", "Équipe Linphone").SendEmail(context.Background(), account.Email{
		To: to, Subject: "Register Validation", Text: "code 1234", HTML: "<p>1234</p>",
	})
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Emails []struct {
			From        string `json:"from"`
			Destination struct {
				To []string `json:"to"`
			} `json:"destination"`
			Subject string `json:"subject"`
			Body    struct{ Text, HTML string }
		} `json:"emails"`
	}
	fetchJSON(t, ses+"/store", &data)
	for _, m := range data.Emails {
		if len(m.Destination.To) == 1 && m.Destination.To[0] == to {
			if m.Subject != "Register Validation" || m.Body.Text != "code 1234" || m.Body.HTML != "<p>1234</p>" ||
				m.From != "=?utf-8?q?=C3=89quipe_Linphone?= <hello@example.com>" {
				t.Fatalf("%+v", m)
			}
			return
		}
	}
	t.Fatalf("no email to %s", to)
}
