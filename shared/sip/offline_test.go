package sip_test

import (
	"context"
	"errors"
	"net"
	"strconv"
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
