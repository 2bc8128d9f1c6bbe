package registrar

import (
	"context"
	"testing"
)

// TestRegistrarOnRedis loads a real redis-server (the one `make test`
// starts) with registrations in Flexisip's format, lists and deletes them.

func TestUnreachableRegistrarIsAnError(t *testing.T) {
	reg := New("redis://127.0.0.1:1/0")
	if _, err := reg.Devices(context.Background(), "a", "b"); err == nil {
		t.Fatal("no error from an unreachable Redis")
	}
	if _, err := New("http://nope").Devices(context.Background(), "a", "b"); err == nil {
		t.Fatal("no error from a bad URL")
	}
}
