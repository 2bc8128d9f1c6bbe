// Package registrar reads and deletes an account's devices in Flexisip's
// Redis registrar: the hash fs:<username>@<domain>, one field per device
// ("<urn:uuid:…>", quotes included), the serialised contact as value.
package registrar

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
)

// Registrar talks to one Redis; the connection is made on first use.
type Registrar struct {
	url string

	once   sync.Once
	client *redis.Client
	err    error
}

var _ account.DeviceRegistry = (*Registrar)(nil)

// New returns a registrar for FLEXISIP_REDIS_URL (redis://[:password@]host:port/db
// or rediss:// for TLS). Nothing connects before the first request.
func New(redisURL string) *Registrar { return &Registrar{url: redisURL} }

func (r *Registrar) redis() (*redis.Client, error) {
	r.once.Do(func() {
		opt, err := redis.ParseURL(r.url)
		if err != nil {
			r.err = fmt.Errorf("FLEXISIP_REDIS_URL: %w", err)
			return
		}
		// A request waits on Redis for a bounded time; the API answers
		// without devices rather than timing out.
		opt.DialTimeout = 2 * time.Second
		opt.ReadTimeout = 2 * time.Second
		opt.WriteTimeout = 2 * time.Second
		opt.MaxRetries = 1
		redis.SetLogger(redisLog{})
		r.client = redis.NewClient(opt)
	})
	return r.client, r.err
}

// redisLog writes go-redis's messages (a failed dial...) as JSON lines.
type redisLog struct{}

func (redisLog) Printf(ctx context.Context, format string, v ...any) {
	logging.Printf(ctx, slog.LevelWarn, "go-redis", format, v...)
}

// Key is the registrar's hash of an address of record.
func Key(username, domain string) string { return "fs:" + username + "@" + domain }

// Field is the hash field of a device: its instance id, quoted and
// bracketed, as Flexisip writes it.
func Field(uuid string) string { return `"<` + uuid + `>"` }

// Devices lists the account's registered devices, by uuid. Entries that
// do not parse are skipped.
func (r *Registrar) Devices(ctx context.Context, username, domain string) ([]account.Device, error) {
	c, err := r.redis()
	if err != nil {
		return nil, err
	}
	entries, err := c.HGetAll(ctx, Key(username, domain)).Result()
	if err != nil {
		return nil, fmt.Errorf("redis HGETALL: %w", err)
	}
	byUUID := map[string]account.Device{}
	for field, value := range entries {
		ct, ok := ParseContact(field, value)
		if !ok {
			continue
		}
		d := account.Device{UUID: ct.UUID, UpdatedAt: ct.UpdatedAt}
		if ct.HasUserAgent {
			ua := ct.UserAgent
			d.UserAgent = &ua
		}
		// Two registrations of one instance collapse to the latest.
		if prev, seen := byUUID[d.UUID]; !seen || d.UpdatedAt.After(prev.UpdatedAt) {
			byUUID[d.UUID] = d
		}
	}
	out := make([]account.Device, 0, len(byUUID))
	for _, d := range byUUID {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UUID < out[j].UUID })
	return out, nil
}

// DeleteDevice removes one device's registration (HDEL); an unknown uuid
// removes nothing.
func (r *Registrar) DeleteDevice(ctx context.Context, username, domain, uuid string) error {
	c, err := r.redis()
	if err != nil {
		return err
	}
	if err := c.HDel(ctx, Key(username, domain), Field(uuid)).Err(); err != nil {
		return fmt.Errorf("redis HDEL: %w", err)
	}
	return nil
}

// FromURL is the registry of FLEXISIP_REDIS_URL, or nil (no registrar:
// no devices) when it is empty.
func FromURL(redisURL string) account.DeviceRegistry {
	if redisURL == "" {
		return nil
	}
	return New(redisURL)
}
