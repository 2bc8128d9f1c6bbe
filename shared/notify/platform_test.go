package notify

import (
	"testing"
)

// The pusher against moto's SNS: what it records is what was sent.

func TestPlatformOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sns:eu-west-1:1:app/GCM/flexiapi-fcm":           "GCM",
		"arn:aws:sns:eu-west-1:1:app/APNS_SANDBOX/flexiapi-apns": "APNS_SANDBOX",
		"flexiapi-fcm": "",
	} {
		if got := platformOf(arn); got != want {
			t.Errorf("%s: %q", arn, got)
		}
	}
	if _, _, err := creationTokenMessage("BAIDU", "x"); err == nil {
		t.Error("an unsupported platform is an error")
	}
}
