package localgw

import (
	"sync"
	"time"
)

// rateLimiter is FlexiAPI's global throttle (on AWS, a WAF rule): at most limit
// requests per client IP in fixed one-minute windows, each window opening
// at the client's first request, as Laravel's throttle middleware counts.
type rateLimiter struct {
	limit  int
	window time.Duration

	mu        sync.Mutex
	clients   map[string]*rateWindow
	lastSweep time.Time
}

type rateWindow struct {
	start time.Time
	count int
}

func newRateLimiter(limit int) *rateLimiter {
	return &rateLimiter{limit: limit, window: time.Minute, clients: map[string]*rateWindow{}}
}

// take counts one request. It returns whether it is allowed, how many
// remain in the window, and when the window ends.
func (l *rateLimiter) take(ip string, now time.Time) (ok bool, remaining int, reset time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	w := l.clients[ip]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &rateWindow{start: now}
		l.clients[ip] = w
	}
	reset = w.start.Add(l.window)
	if w.count >= l.limit {
		return false, 0, reset
	}
	w.count++
	return true, l.limit - w.count, reset
}

// sweep forgets ended windows, at most once a window, so that the map
// does not grow with every address ever seen.
func (l *rateLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window {
		return
	}
	l.lastSweep = now
	for ip, w := range l.clients {
		if now.Sub(w.start) >= l.window {
			delete(l.clients, ip)
		}
	}
}
