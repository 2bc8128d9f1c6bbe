// Package sip sends SIP MESSAGE requests (POST /api/messages) straight
// to the configured Flexisip proxy, as the configured sender,
// answering the proxy's Digest challenge. It replaces FlexiAPI's
// linphone-daemon socket. It holds no AWS type: the messages function
// wires it, tests run it against SIPp.
package sip

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"

	"github.com/flexiapi-serverless/flexiapi/shared/message"
)

// Config is where and as whom messages are sent.
type Config struct {
	// Proxy is the Flexisip proxy: sip:host[:port][;transport=udp|tcp|tls],
	// or sips:host[:port] (TLS).
	Proxy string
	// Sender is the identity messages come from, sip:user@domain; Password
	// answers the proxy's Digest challenge for it.
	Sender   string
	Password string
	// Timeout bounds one Send, the Digest retry included.
	Timeout time.Duration
	// TLS, when set, is the TLS configuration of a tls transport (tests);
	// the default verifies the proxy's certificate against the system roots.
	TLS *tls.Config
	// Logger receives the SIP stack's own warnings (default: discarded).
	Logger *slog.Logger
}

// Send's errors are shared/message's: ErrBadAddress, ErrTimeout,
// *RejectedError, *UnreachableError.
var (
	ErrBadAddress = message.ErrBadAddress
	ErrTimeout    = message.ErrTimeout
)

type (
	RejectedError    = message.RejectedError
	UnreachableError = message.UnreachableError
)

// Sender sends messages. The SIP stack (sockets, goroutines) is built on
// the first Send, not by New: a cold start that serves no message does
// not pay for it.
type Sender struct {
	cfg       Config
	proxy     sipmsg.Uri
	sender    sipmsg.Uri
	transport string // UDP, TCP or TLS
	dest      string // host:port of the proxy

	mu     sync.Mutex
	ua     *sipgo.UserAgent
	client *sipgo.Client
}

// DefaultTimeout is used when Config.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// New checks the configuration; it opens nothing.
func New(cfg Config) (*Sender, error) {
	s := &Sender{cfg: cfg}
	if s.cfg.Timeout <= 0 {
		s.cfg.Timeout = DefaultTimeout
	}
	if err := sipmsg.ParseUri(cfg.Proxy, &s.proxy); err != nil || s.proxy.Host == "" {
		return nil, fmt.Errorf("sip: proxy %q is not a SIP URI", cfg.Proxy)
	}
	s.transport = "UDP"
	if s.proxy.IsEncrypted() {
		s.transport = "TLS"
	}
	if tp, ok := s.proxy.UriParams.Get("transport"); ok {
		switch strings.ToLower(tp) {
		case "udp":
			s.transport = "UDP"
		case "tcp":
			s.transport = "TCP"
			if s.proxy.IsEncrypted() {
				s.transport = "TLS"
			}
		case "tls":
			s.transport = "TLS"
		default:
			return nil, fmt.Errorf("sip: proxy transport %q: udp, tcp or tls", tp)
		}
	}
	port := s.proxy.Port
	if port == 0 {
		port = int(sipmsg.DefaultPort(s.transport))
	}
	s.dest = net.JoinHostPort(strings.Trim(s.proxy.Host, "[]"), strconv.Itoa(port))
	if err := sipmsg.ParseUri(cfg.Sender, &s.sender); err != nil || s.sender.User == "" || s.sender.Host == "" {
		return nil, fmt.Errorf("sip: sender %q is not a SIP address (sip:user@domain)", cfg.Sender)
	}
	// From carries the address of record only.
	s.sender = sipmsg.Uri{Scheme: "sip", User: s.sender.User, Host: s.sender.Host, Port: s.sender.Port}
	return s, nil
}

// Transport is the transport the proxy is reached with (UDP, TCP or TLS).
func (s *Sender) Transport() string { return s.transport }

// stack builds the user agent and client on first use.
func (s *Sender) stack() (*sipgo.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != nil {
		return s.client, nil
	}
	log := s.cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The transport and transaction layers log through the package
	// default, not the client's logger.
	setStackLogger.Do(func() { sipmsg.SetDefaultLogger(log) })
	tlsConf := s.cfg.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("FlexiAPI"), sipgo.WithUserAgentHostname(s.sender.Host),
		sipgo.WithUserAgenTLSConfig(tlsConf))
	if err != nil {
		return nil, err
	}
	// rport (RFC 3581): a Lambda sends from behind NAT, so the proxy must
	// answer UDP to the address and port the request came from.
	client, err := sipgo.NewClient(ua, sipgo.WithClientLogger(log), sipgo.WithClientNAT())
	if err != nil {
		ua.Close()
		return nil, err
	}
	s.ua, s.client = ua, client
	return client, nil
}

// setStackLogger sets sipgo's process-wide logger once: the first
// sender's logger wins.
var setStackLogger sync.Once

// Close releases the SIP stack (tests; a Lambda keeps it for its life).
func (s *Sender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ua == nil {
		return nil
	}
	err := s.ua.Close()
	s.ua, s.client = nil, nil
	return err
}

// Recipient parses a FlexiAPI recipient: user@domain (FlexiAPI prepends
// "sip:" itself; a leading "sip:" is accepted rather than doubled).
func Recipient(to string) (sipmsg.Uri, error) {
	to = strings.TrimSpace(to)
	if len(to) > 4 && strings.EqualFold(to[:4], "sip:") {
		to = to[4:]
	}
	user, host, ok := strings.Cut(to, "@")
	if !ok || user == "" || host == "" || strings.ContainsAny(to, " \t\r\n<>\";?") || strings.Contains(user, ":") {
		return sipmsg.Uri{}, ErrBadAddress
	}
	var u sipmsg.Uri
	if err := sipmsg.ParseUri("sip:"+to, &u); err != nil || u.User == "" || u.Password != "" || !validHost(u.Host) {
		return sipmsg.Uri{}, ErrBadAddress
	}
	return sipmsg.Uri{Scheme: "sip", User: u.User, Host: u.Host, Port: u.Port}, nil
}

// validHost: a domain name, an IPv4 address or a bracketed IPv6 address.
func validHost(h string) bool {
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		return net.ParseIP(h[1:len(h)-1]) != nil
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Send sends body to the recipient (user@domain) and waits for the final
// answer, answering one Digest challenge (401 or 407). It returns the
// MESSAGE's Call-ID as the message id.
func (s *Sender) Send(ctx context.Context, to, body string) (string, error) {
	rcpt, err := Recipient(to)
	if err != nil {
		return "", err
	}
	client, err := s.stack()
	if err != nil {
		return "", &UnreachableError{Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	// A TCP or TLS connection stays open for the next messages; when the
	// proxy closes it, sipgo drops it and the next message dials again.
	return s.exchange(ctx, client, rcpt, body)
}

// exchange sends one MESSAGE (and its Digest retry) and waits for the
// final answer.
func (s *Sender) exchange(ctx context.Context, client *sipgo.Client, rcpt sipmsg.Uri, body string) (string, error) {
	req := sipmsg.NewRequest(sipmsg.MESSAGE, rcpt)
	from := &sipmsg.FromHeader{Address: s.sender}
	from.Params = sipmsg.NewParams()
	from.Params.Add("tag", sipmsg.GenerateTagN(16))
	req.AppendHeader(from)
	req.AppendHeader(&sipmsg.ToHeader{Address: rcpt})
	req.AppendHeader(sipmsg.NewHeader("Content-Type", "text/plain;charset=UTF-8"))
	req.SetBody([]byte(body))
	// Straight to the proxy, which serves the recipient's domain: no
	// Route header to match against the proxy's own aliases.
	req.SetTransport(s.transport)
	req.SetDestination(s.dest)

	res, err := client.Do(ctx, req)
	if err == nil && (res.StatusCode == sipmsg.StatusUnauthorized || res.StatusCode == sipmsg.StatusProxyAuthRequired) {
		res, err = client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: s.sender.User, Password: s.cfg.Password})
	}
	if err != nil {
		return "", classify(ctx, err)
	}
	if !res.IsSuccess() {
		return "", &RejectedError{Code: res.StatusCode, Reason: res.Reason}
	}
	id := ""
	if cid := req.CallID(); cid != nil {
		id = cid.Value()
	}
	return id, nil
}

// classify tells a timeout from a transport failure.
func classify(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sipmsg.ErrTransactionTimeout) {
		return ErrTimeout
	}
	return &UnreachableError{Err: err}
}

var _ message.Sender = (*Sender)(nil)
