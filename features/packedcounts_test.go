package features

import (
	"slices"
	"testing"
)

func TestPackedCounts(t *testing.T) {
	in := []uint32{0, 0, 3, 0, 1 << 31, 0, 0, 0, 7, 0}
	out, err := unpackCounts(packCounts(in), len(in))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in, out) {
		t.Fatalf("round trip gave %v, want %v", out, in)
	}
	if len(packCounts(make([]uint32, 100))) != 0 {
		t.Fatal("zeros packed to bytes")
	}
	for _, bad := range [][]byte{{0x80}, {0, 0}, {0}, {20, 1}} {
		if _, err := unpackCounts(bad, 10); err == nil {
			t.Errorf("unpackCounts(%v) succeeded", bad)
		}
	}
}
