//go:build integration

package registrar

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/flexiapi-serverless/flexiapi/shared/testenv"
)

// TestRegistrarOnRedis loads a real redis-server (the one `make test`
// starts) with registrations in Flexisip's format, lists and deletes them.
func TestRegistrarOnRedis(t *testing.T) {
	url := testenv.Endpoint(t, "FLEXISIP_REDIS_URL")
	ctx := context.Background()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	user, domain := testenv.UniqueName("reg"), "sip.example.org"
	key := Key(user, domain)
	t.Cleanup(func() { rdb.Del(context.Background(), key) })
	second := `<sip:` + user + `@203.0.113.5;updatedAt=1711000000?User-Agent=Linphone%20Desktop%2F5.2>;+sip.instance="<urn:uuid:bbbb>"`
	if err := rdb.HSet(ctx, key,
		`"<urn:uuid:0f6c4a2e-1111-2222-3333-444455556666>"`, flexisipContact,
		`"<urn:uuid:bbbb>"`, second,
		`"<urn:uuid:broken>"`, `not a contact`,
	).Err(); err != nil {
		t.Fatal(err)
	}

	reg := New(url)
	devices, err := reg.Devices(ctx, user, domain)
	if err != nil {
		t.Fatal(err)
	}
	if len(devices) != 2 || devices[0].UUID != "urn:uuid:0f6c4a2e-1111-2222-3333-444455556666" || devices[1].UUID != "urn:uuid:bbbb" {
		t.Fatalf("devices %+v: want the two valid entries, the broken one skipped", devices)
	}
	if ua := devices[1].UserAgent; ua == nil || *ua != "Linphone Desktop/5.2" {
		t.Fatalf("user agent %v", ua)
	}

	if err := reg.DeleteDevice(ctx, user, domain, "urn:uuid:bbbb"); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.HLen(ctx, key).Result(); n != 2 {
		t.Fatalf("%d fields left, want 2 (one deleted)", n)
	}
	if exists, _ := rdb.HExists(ctx, key, `"<urn:uuid:bbbb>"`).Result(); exists {
		t.Fatal("the deleted device is still registered")
	}
	// Unknown device, unknown account: nothing to delete, no error.
	if err := reg.DeleteDevice(ctx, user, domain, "urn:uuid:unknown"); err != nil {
		t.Fatal(err)
	}
	if devices, err := reg.Devices(ctx, "nobody", domain); err != nil || len(devices) != 0 {
		t.Fatalf("unknown account: %v %v", devices, err)
	}
}
