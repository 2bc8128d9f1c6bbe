package devstack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// startRedis runs a real redis-server (Debian's package) standing in for
// Flexisip's registrar: in memory, no persistence, loopback only.
func (s *Stack) startRedis(o Options) error {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return errors.New("redis-server not found on PATH: install Debian's redis-server package (the Makefile's APT_PACKAGES)")
	}
	port, err := freePort(o.RedisPort)
	if err != nil {
		return err
	}
	if err := s.spawn(o.Logs, "redis", path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "yes"); err != nil {
		return err
	}
	s.Redis = fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	s.redisAddr = fmt.Sprintf("127.0.0.1:%d", port)
	return nil
}

// waitRedis waits until the server answers PING.
func waitRedis(ctx context.Context, addr string) error {
	for {
		err := pingRedis(addr)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (last error: %v)", addr, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func pingRedis(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, "PING\r\n"); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("unexpected answer %q", strings.TrimSpace(line))
	}
	return nil
}
