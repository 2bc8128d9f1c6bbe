// Package sipptest runs SIPp (Debian's sip-tester) as the SIP peer of the
// messages tests: a UAS on 127.0.0.1 that challenges a MESSAGE with
// Digest, verifies the answer with the password it was given, and logs
// every message it received.
package sipptest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials the UAS verifies (the tests configure the sender with them).
const (
	Realm    = "sip.example.org"
	User     = "flexiapi-sender"
	Password = "s3nder-Secret"
)

// Peer is one running SIPp.
type Peer struct {
	// Addr is host:port it listens on; Transport is "udp" or "tcp".
	Addr      string
	Transport string
	msgFile   string
	done      chan struct{}
	mu        sync.Mutex
	exitErr   error
	stderr    *lockedBuffer
}

// lockedBuffer collects SIPp's output while tests may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Options of Start.
type Options struct {
	Transport string // "udp" (default) or "tcp"
	// Password is the one SIPp checks the Digest answer against (default
	// Password): give another one to see the check fail.
	Password string
	// Calls is how many MESSAGE exchanges SIPp serves before it exits
	// (default 1).
	Calls int
	// Port to listen on (default: a free one).
	Port int
}

// Scenario is the UAS scenario file of this package.
func Scenario() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "uas_message_digest.xml")
}

// Start runs SIPp for the test; it fails the test when sipp is missing
// (the Makefile installs sip-tester).
func Start(t *testing.T, o Options) *Peer {
	t.Helper()
	bin, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatalf("sipp not found (apt-get install sip-tester): %v", err)
	}
	if o.Transport == "" {
		o.Transport = "udp"
	}
	if o.Password == "" {
		o.Password = Password
	}
	if o.Calls == 0 {
		o.Calls = 1
	}
	mode := map[string]string{"udp": "u1", "tcp": "t1"}[o.Transport]
	if mode == "" {
		t.Fatalf("sipptest: transport %q", o.Transport)
	}
	dir := t.TempDir()
	p := &Peer{Transport: o.Transport, msgFile: filepath.Join(dir, "messages.log"), done: make(chan struct{}),
		stderr: &lockedBuffer{}}
	port := o.Port
	if port == 0 {
		port = FreePort(t)
	}
	p.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-sf", Scenario(), "-i", "127.0.0.1", "-p", strconv.Itoa(port),
		"-t", mode, "-m", strconv.Itoa(o.Calls), "-nostdin", "-trace_msg", "-message_file", p.msgFile,
		"-key", "user", User, "-key", "password", o.Password, "-key", "realm", Realm,
		"-timeout_error", "-timeout", "60s")
	cmd.Dir = dir
	cmd.Stdout = p.stderr
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start sipp: %v", err)
	}
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(p.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.done
	})
	p.waitListening(t, port)
	return p
}

// waitListening waits until SIPp has bound its port.
func (p *Peer) waitListening(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("sipp exited at start: %v\n%s", p.exitErr, p.stderr.String())
		default:
		}
		if p.Transport == "tcp" {
			if c, err := net.DialTimeout("tcp", p.Addr, 200*time.Millisecond); err == nil {
				// SIPp takes the probe for a client that hung up: harmless.
				c.Close()
				return
			}
		} else if c, err := net.ListenPacket("udp", p.Addr); err == nil {
			c.Close()
		} else {
			return // bound by SIPp
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sipp did not listen on %s", p.Addr)
}

// Proxy is the SIP_PROXY value that reaches this peer.
func (p *Peer) Proxy() string { return "sip:" + p.Addr + ";transport=" + p.Transport }

// Wait waits for SIPp to exit (after its Calls exchanges) and returns its
// exit error: nil when every exchange followed the scenario.
func (p *Peer) Wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("sipp still running after %v", d)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exitErr
}

// Messages are the SIP messages SIPp received, as it logged them.
func (p *Peer) Messages(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(p.msgFile)
	if err != nil {
		t.Fatalf("sipp message file: %v", err)
	}
	var out []string
	for _, block := range strings.Split(string(data), "----------------------------------------------") {
		if i := strings.Index(block, "message received"); i >= 0 {
			msg := block[i:]
			if j := strings.Index(msg, "\n"); j >= 0 {
				msg = msg[j+1:]
			}
			out = append(out, strings.TrimLeft(msg, "\r\n"))
		}
	}
	return out
}

// Log is SIPp's own output, for failure messages.
func (p *Peer) Log() string { return p.stderr.String() }

// FreePort is a port free on 127.0.0.1 for both UDP and TCP at the time
// of the call.
func FreePort(t *testing.T) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}
