package tokens

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestFitTXTOptions(t *testing.T) {
	tok, err := FitTXT([]string{"v=spf1 -all"}, TXTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if o := tok.Options(); o.MaxTerms != 10000 || o.MaxLen != 1536 || o.KeepPadding {
		t.Fatalf("default options %+v", o)
	}
	for _, o := range []TXTOptions{{MaxTerms: -1}, {MaxLen: -1}, {MaxLen: 1 << 20}} {
		if _, err := FitTXT([]string{"x"}, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := FitTXT([]string{"", "  "}, TXTOptions{}); err == nil {
		t.Error("records without n-grams accepted")
	}
}

// TestTXTEncode checks ids, Unk, and that an over-long record keeps its
// first MaxLen n-grams.
func TestTXTEncode(t *testing.T) {
	tok, err := FitTXT([]string{"ab ab", "ab"}, TXTOptions{MaxLen: 7})
	if err != nil {
		t.Fatal(err)
	}
	// tokens of "ab": a ab b ab ab ab; counts over the corpus: ab 12, a 3, b 3
	a, ab, b := tok.vocab.ID("a"), tok.vocab.ID("ab"), tok.vocab.ID("b")
	if ab != 2 || a != 3 || b != 4 || tok.VocabSize() != 5 {
		t.Fatalf("ids ab=%d a=%d b=%d size %d; want 2, 3, 4 and 5", ab, a, b, tok.VocabSize())
	}
	got := tok.Encode("AB c", []int32{9})
	want := []int32{9, a, ab, b, ab, ab, ab, Unk} // then "c"'s n-grams, past MaxLen
	if !slices.Equal(got, want) {
		t.Fatalf("Encode = %v, want %v", got, want)
	}
	if got := tok.Terms("AB c"); !slices.Equal(got, []string{"a", "ab", "b", "ab", "ab", "ab", "c"}) {
		t.Fatalf("Terms = %q", got)
	}
	if got := tok.Encode("", nil); len(got) != 0 {
		t.Fatalf("empty record gives %v", got)
	}
}

func TestTXTEncodeNoAlloc(t *testing.T) {
	// Under the race detector sync.Pool drops a share of its items on
	// purpose and the instrumentation allocates, so a call may rebuild its
	// scratch: a small bound there (still far below one allocation per
	// n-gram: the long record has over 7,000), none otherwise.
	maxAllocs := 0.0
	if raceEnabled {
		maxAllocs = 32
	}
	tok, err := FitTXT(readFixture(t), TXTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]int32, 0, tok.MaxLen())
	for _, r := range []string{"v=spf1 include:_spf.example.net ~all", "ΟΔΥΣΣΕΥΣ İ", "a\xffb", strings.Repeat("Ab0+", 600)} {
		tok.Encode(r, dst) // warm the scratch pool
		if n := testing.AllocsPerRun(100, func() { tok.Encode(r, dst) }); n > maxAllocs {
			t.Errorf("Encode(%.30q) allocates %v times", r, n)
		}
	}
}

// TestTXTEncodeConcurrent encodes from several goroutines (run with -race).
func TestTXTEncodeConcurrent(t *testing.T) {
	records := readFixture(t)
	tok, err := FitTXT(records, TXTOptions{MaxTerms: 500})
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]int32, len(records))
	for i, r := range records {
		want[i] = tok.Encode(r, nil)
	}
	done := make(chan error)
	for g := range 4 {
		go func() {
			var dst []int32
			for k := range 50 {
				i := (g*7 + k) % len(records)
				if dst = tok.Encode(records[i], dst[:0]); !slices.Equal(dst, want[i]) {
					done <- fmt.Errorf("goroutine %d: record %d differs", g, i)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
