//go:build integration

package sip_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/sip"
	"github.com/flexiapi-serverless/flexiapi/shared/sip/sipptest"
)

// TestSendOverTLS: transport=tls reaches SIPp through a TLS front whose
// certificate the sender trusts; the Digest exchange completes.
func TestSendOverTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	peer := sipptest.Start(t, sipptest.Options{Transport: "tcp"})
	front := tlsFront(t, cert, peer.Addr)
	s, err := sip.New(sip.Config{Proxy: "sip:" + front + ";transport=tls", Sender: "sip:" + sipptest.User + "@" + sipptest.Realm,
		Password: sipptest.Password, Timeout: 5 * time.Second, TLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Send(context.Background(), "bob@sip.example.org", "over TLS"); err != nil {
		t.Fatalf("send: %v\n%s", err, peer.Log())
	}
	if err := peer.Wait(t, 10*time.Second); err != nil {
		t.Fatalf("sipp: %v\n%s", err, peer.Log())
	}
	msgs := peer.Messages(t)
	if len(msgs) != 2 || !strings.HasSuffix(strings.TrimRight(msgs[1], "\r\n"), "over TLS") || !strings.Contains(msgs[1], "SIP/2.0/TLS") {
		t.Fatalf("sipp received:\n%s", strings.Join(msgs, "\n====\n"))
	}
}
