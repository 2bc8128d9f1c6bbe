package sip_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/sip"
)

// selfSigned is a certificate for 127.0.0.1 and the pool that trusts it.

// selfSigned is a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test proxy"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// tlsFront terminates TLS on 127.0.0.1 and relays the bytes to a TCP
// address (the Debian build of SIPp has no TLS): a stunnel in front of
// SIPp, so the SIP exchange is still SIPp's.
func tlsFront(t *testing.T, cert tls.Certificate, backend string) string {
	t.Helper()
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if c.(*tls.Conn).Handshake() != nil {
					return
				}
				b, err := net.Dial("tcp", backend)
				if err != nil {
					return
				}
				defer b.Close()
				go io.Copy(b, c)
				io.Copy(c, b)
			}()
		}
	}()
	return l.Addr().String()
}

// TestSendTLSUntrusted: a proxy certificate the system roots do not
// trust is a transport failure (503 at the API), not a timeout.
func TestSendTLSUntrusted(t *testing.T) {
	cert, _ := selfSigned(t)
	front := tlsFront(t, cert, "127.0.0.1:9")
	s := newSender(t, "sip:"+front+";transport=tls", "pw", 3*time.Second)
	start := time.Now()
	_, err := s.Send(context.Background(), "bob@sip.example.org", "hi")
	var un *sip.UnreachableError
	if !errors.As(err, &un) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err %v, want UnreachableError for the certificate", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
