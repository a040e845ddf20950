package txtbench

import (
	"slices"
	"testing"

	"github.com/mlctl/mlctl/features/tokens"
)

func TestCharsEncode(t *testing.T) {
	c, err := NewChars(4)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Encode(" ~\n\xe6xyz", nil)
	want := []int32{charsFirst, charsFirst + 94, charsControl, charsHigh}
	if !slices.Equal(got, want) || c.VocabSize() != 99 {
		t.Fatalf("ids %v, want %v; vocabulary %d", got, want, c.VocabSize())
	}
	row := make([]int32, 4)
	if n := tokens.EncodePadded(c, "ab", row); n != 2 || row[2] != tokens.Pad {
		t.Fatalf("padded %v (%d)", row, n)
	}
	if _, err := NewChars(0); err == nil {
		t.Fatal("max len 0 accepted")
	}
}
