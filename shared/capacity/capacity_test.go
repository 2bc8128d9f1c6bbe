package capacity

import (
	"context"
	"testing"
)

func TestIndexWriteUnits(t *testing.T) {
	ctx, m := With(context.Background())
	if _, known := m.IndexWriteUnits(); known {
		t.Fatal("no write yet: the index part cannot be known")
	}
	AddWrite(ctx, 3, 2)
	AddWrite(ctx, 1, 0)
	Add(ctx, 0.5, 0) // a read leaves the breakdown whole
	read, write, calls := m.Units()
	if idx, known := m.IndexWriteUnits(); read != 0.5 || write != 4 || calls != 3 || idx != 2 || !known {
		t.Fatalf("read %v write %v calls %d index %v known %v; want 0.5, 4, 3, 2, true", read, write, calls, idx, known)
	}
	Add(ctx, 0, 1) // a write without its breakdown
	if _, known := m.IndexWriteUnits(); known {
		t.Fatal("a write without breakdown: the index part is unknown")
	}
	AddWrite(context.Background(), 1, 1) // no meter: nothing to record, no panic
	var none *Meter
	if _, known := none.IndexWriteUnits(); known {
		t.Fatal("nil meter")
	}
}
