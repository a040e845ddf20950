package training

import "testing"

// TestMemo: an entry is built once and kept; a nil Memo builds every time.
func TestMemo(t *testing.T) {
	var m Memo
	built := 0
	build := func() any { built++; return built }
	if m.Get("a", build) != 1 || m.Get("a", build) != 1 || m.Get("b", build) != 2 || built != 2 {
		t.Fatalf("built %d times", built)
	}
	var none *Memo
	if none.Get("a", build) != 3 || none.Get("a", build) != 4 {
		t.Fatal("a nil memo kept an entry")
	}
}
