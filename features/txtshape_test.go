package features

import (
	"testing"
)

// TestTXTShapeSet: the txt-shape set is found by name, stateless, and its
// float64 values are exactly TXTShape's float32 ones.
func TestTXTShapeSet(t *testing.T) {
	if len(TXTShapeNames) != txtShapeLen {
		t.Fatalf("%d names, txtShapeLen %d", len(TXTShapeNames), txtShapeLen)
	}
	set, err := Lookup(TXTShapeName, nil)
	if err != nil || set.Name() != TXTShapeName || set.Version() != TXTShapeVersion || len(set.Names()) != txtShapeLen {
		t.Fatalf("lookup: %v %v", set, err)
	}
	if _, err := Lookup(TXTShapeName, []byte(`{"x":1}`)); err == nil {
		t.Fatal("state accepted by a stateless set")
	}
	for _, r := range []string{"v=spf1 include:_spf.google.com ~all", "AgLAAAMOeAEF,", "", "google-site-verification=0123abcdXYZ"} {
		want := TXTShape(r, nil)
		got := make([]float64, txtShapeLen)
		set.Extract(r, got)
		for i := range want {
			if float32(got[i]) != want[i] || got[i] != float64(want[i]) {
				t.Fatalf("%q %s: %v, want %v", r, TXTShapeNames[i], got[i], want[i])
			}
		}
	}
	if got := TXTShape("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC", nil); got[13] != 1 || got[22] != 1 {
		t.Fatalf("key_length %v, blobs %v: want 1 and 1", got[13], got[22])
	}
}
