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

func newSender(t *testing.T, proxy, password string, timeout time.Duration) *sip.Sender {
	t.Helper()
	s, err := sip.New(sip.Config{Proxy: proxy, Sender: "sip:" + sipptest.User + "@" + sipptest.Realm,
		Password: password, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

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

// TestSendUnreachable: nothing answers on UDP (the datagrams vanish) →
// ErrTimeout within the timeout; a closed TCP port → UnreachableError at
// once.
func TestSendUnreachable(t *testing.T) {
	t.Run("udp silent", func(t *testing.T) {
		silent, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		s := newSender(t, "sip:"+silent.LocalAddr().String()+";transport=udp", "pw", 800*time.Millisecond)
		start := time.Now()
		_, err = s.Send(context.Background(), "bob@sip.example.org", "hi")
		if !errors.Is(err, sip.ErrTimeout) {
			t.Fatalf("err %v, want ErrTimeout", err)
		}
		if d := time.Since(start); d < 700*time.Millisecond || d > 3*time.Second {
			t.Errorf("gave up after %v, want about the 800ms timeout", d)
		}
	})
	t.Run("tcp refused", func(t *testing.T) {
		port := sipptest.FreePort(t)
		s := newSender(t, "sip:127.0.0.1:"+strconv.Itoa(port)+";transport=tcp", "pw", 3*time.Second)
		start := time.Now()
		_, err := s.Send(context.Background(), "bob@sip.example.org", "hi")
		var un *sip.UnreachableError
		if !errors.As(err, &un) {
			t.Fatalf("err %v, want UnreachableError", err)
		}
		if d := time.Since(start); d > 3500*time.Millisecond {
			t.Errorf("took %v, beyond the timeout", d)
		}
	})
}

func TestRecipient(t *testing.T) {
	for _, ok := range []string{"bob@sip.example.org", "sip:bob@sip.example.org", "+33612345678@sip.example.org", "bob@127.0.0.1", "bob@[::1]"} {
		if _, err := sip.Recipient(ok); err != nil {
			t.Errorf("Recipient(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"+badid", "", "@sip.example.org", "bob@", "bob@exa mple.org", "bob@-bad.org", "sip:sip:bob@x.org", "bob@<x>", "bob@a..b", "bob@x.org\r\nVia: evil"} {
		if _, err := sip.Recipient(bad); !errors.Is(err, sip.ErrBadAddress) {
			t.Errorf("Recipient(%q): %v, want ErrBadAddress", bad, err)
		}
	}
}

func TestNewChecksConfiguration(t *testing.T) {
	for _, c := range []sip.Config{
		{Proxy: "not a uri", Sender: "sip:a@b.org"},
		{Proxy: "sip:proxy.org;transport=sctp", Sender: "sip:a@b.org"},
		{Proxy: "sip:proxy.org", Sender: "sip:b.org"},
	} {
		if _, err := sip.New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
	for proxy, want := range map[string]string{"sip:p.org": "UDP", "sip:p.org;transport=TCP": "TCP", "sip:p.org;transport=tls": "TLS", "sips:p.org": "TLS"} {
		s, err := sip.New(sip.Config{Proxy: proxy, Sender: "sip:a@b.org"})
		if err != nil {
			t.Fatalf("New(%s): %v", proxy, err)
		}
		if s.Transport() != want {
			t.Errorf("%s: transport %s, want %s", proxy, s.Transport(), want)
		}
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
