//go:build integration

package sip_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/sip"
	"github.com/flexiapi-serverless/flexiapi/shared/sip/sipptest"
)

// TestSendThroughSIPp: over UDP and TCP, the first MESSAGE is challenged,
// the retry carries a Digest answer SIPp verifies with the password, and
// SIPp received the body and the addresses we sent.
func TestSendThroughSIPp(t *testing.T) {
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			peer := sipptest.Start(t, sipptest.Options{Transport: transport})
			s := newSender(t, peer.Proxy(), sipptest.Password, 5*time.Second)
			if got := s.Transport(); got != strings.ToUpper(transport) {
				t.Errorf("transport %s, want %s", got, strings.ToUpper(transport))
			}
			body := "Hello from FlexiAPI, été ✓"
			id, err := s.Send(context.Background(), "bob@sip.example.org", body)
			if err != nil {
				t.Fatalf("send: %v\n%s", err, peer.Log())
			}
			if id == "" {
				t.Error("empty message id")
			}
			if err := peer.Wait(t, 10*time.Second); err != nil {
				t.Errorf("sipp: %v\n%s", err, peer.Log())
			}
			msgs := peer.Messages(t)
			if len(msgs) != 2 {
				t.Fatalf("sipp received %d messages, want 2 (challenged, then authenticated):\n%s", len(msgs), strings.Join(msgs, "\n====\n"))
			}
			for i, m := range msgs {
				if !strings.HasPrefix(m, "MESSAGE sip:bob@sip.example.org SIP/2.0") {
					t.Errorf("message %d: request line %q", i, firstLine(m))
				}
				if !strings.HasSuffix(strings.TrimRight(m, "\r\n"), body) {
					t.Errorf("message %d: body not received intact:\n%s", i, m)
				}
				if !strings.Contains(m, "Call-ID: "+id) {
					t.Errorf("message %d: Call-ID is not the returned id %q", i, id)
				}
				if !strings.Contains(m, "<sip:"+sipptest.User+"@"+sipptest.Realm+">;tag=") {
					t.Errorf("message %d: From is not the sender:\n%s", i, m)
				}
			}
			if strings.Contains(msgs[0], "Authorization:") {
				t.Error("first MESSAGE already carries credentials")
			}
			auth := header(msgs[1], "Authorization")
			for _, want := range []string{`username="` + sipptest.User + `"`, `realm="` + sipptest.Realm + `"`, "qop=auth", "nc=00000001"} {
				if !strings.Contains(auth, want) {
					t.Errorf("Authorization %q lacks %s", auth, want)
				}
			}
			if strings.Contains(strings.Join(msgs, ""), sipptest.Password) {
				t.Error("the password travelled in clear")
			}
		})
	}
}

// TestSendWrongPassword: SIPp's verifyauth refuses the Digest answer
// (403): the proxy's refusal comes back as a RejectedError.
func TestSendWrongPassword(t *testing.T) {
	peer := sipptest.Start(t, sipptest.Options{Transport: "tcp"})
	s := newSender(t, peer.Proxy(), "not-the-password", 5*time.Second)
	_, err := s.Send(context.Background(), "bob@sip.example.org", "hi")
	var rej *sip.RejectedError
	if !errors.As(err, &rej) || rej.Code != 403 {
		t.Fatalf("err %v, want a 403 RejectedError", err)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

func header(msg, name string) string {
	for _, line := range strings.Split(msg, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// TestSendAfterProxyRestart: the TCP connection of the first message dies
// with its SIPp; the next message, to a new SIPp on the same port, goes
// through on a fresh connection.
func TestSendAfterProxyRestart(t *testing.T) {
	first := sipptest.Start(t, sipptest.Options{Transport: "tcp"})
	s := newSender(t, first.Proxy(), sipptest.Password, 5*time.Second)
	if _, err := s.Send(context.Background(), "bob@sip.example.org", "one"); err != nil {
		t.Fatalf("first: %v", err)
	}
	if err := first.Wait(t, 10*time.Second); err != nil {
		t.Fatalf("sipp: %v", err)
	}
	_, port, _ := net.SplitHostPort(first.Addr)
	p, _ := strconv.Atoi(port)
	second := sipptest.Start(t, sipptest.Options{Transport: "tcp", Port: p})
	if _, err := s.Send(context.Background(), "bob@sip.example.org", "two"); err != nil {
		t.Fatalf("after the restart: %v\n%s", err, second.Log())
	}
	if err := second.Wait(t, 10*time.Second); err != nil {
		t.Fatalf("sipp: %v", err)
	}
}
