package tokens

import (
	"slices"
	"testing"
)

// Both tokenizers satisfy Tokenizer.
var (
	_ Tokenizer = (*TXT)(nil)
	_ Tokenizer = (*Domain)(nil)
)

func TestEncodePadded(t *testing.T) {
	d, _ := NewDomain(5)
	row := []int32{7, 7, 7, 7, 7}
	if n := EncodePadded(d, "ab", row); n != 2 || !slices.Equal(row, []int32{2, 3, Pad, Pad, Pad}) {
		t.Fatalf("EncodePadded = %d, %v", n, row)
	}
	short := []int32{7, 7}
	if n := EncodePadded(d, "abcdefg", short); n != 2 || !slices.Equal(short, []int32{4, 5}) {
		t.Fatalf("EncodePadded into a short row = %d, %v (Encode keeps cdefg, the row its first 2)", n, short)
	}
}

func TestBatch(t *testing.T) {
	d, _ := NewDomain(3)
	var b Batch
	b.Encode(d, []string{"ab", "", "abcd"})
	if b.Rows() != 3 || b.Width != 3 {
		t.Fatalf("%d rows of width %d", b.Rows(), b.Width)
	}
	if want := []int32{2, 3, Pad, Pad, Pad, Pad, 3, 4, 5}; !slices.Equal(b.IDs, want) {
		t.Fatalf("IDs %v, want %v", b.IDs, want)
	}
	if want := []int32{2, 0, 3}; !slices.Equal(b.Lengths, want) {
		t.Fatalf("Lengths %v, want %v", b.Lengths, want)
	}
	ids := &b.IDs[0]
	b.Encode(d, []string{"x"})
	if &b.IDs[0] != ids || b.Rows() != 1 || !slices.Equal(b.Row(0), []int32{25, Pad, Pad}) {
		t.Fatalf("re-encoding a smaller batch: %v %v", b.IDs, b.Lengths)
	}
	if n := testing.AllocsPerRun(50, func() { b.Encode(d, []string{"ab", "cd"}) }); n != 0 {
		t.Fatalf("re-encoding allocates %v times", n)
	}
}
