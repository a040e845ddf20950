package tokens

import (
	"slices"
	"strings"
	"testing"
)

// TestAnalyzeHandChecked spells out char_wb's rules on small inputs.
func TestAnalyzeHandChecked(t *testing.T) {
	for _, c := range []struct {
		in     string
		padded []string // CountVectorizer's own n-grams
		seed   []string // the TXT notebook's tokens: the same, stripped
	}{
		// " a " is 3 long: its 2-grams, then itself once, no 4-gram.
		{"a", []string{" a", "a ", " a "}, []string{"a", "a", "a"}},
		// " ab " is 4 long: 2-grams, 3-grams, then itself once.
		{"AB", []string{" a", "ab", "b ", " ab", "ab ", " ab "}, []string{"a", "ab", "b", "ab", "ab", "ab"}},
		{"abc", []string{" a", "ab", "bc", "c ", " ab", "abc", "bc ", " abc", "abc "},
			[]string{"a", "ab", "bc", "c", "ab", "abc", "bc", "abc", "abc"}},
		// words are n-grammed one after another; whitespace runs are one gap
		{"x \t\n y", []string{" x", "x ", " x ", " y", "y ", " y "}, []string{"x", "x", "x", "y", "y", "y"}},
		// the TXT notebook's preprocessing: spaces around = go, quotes go
		{`k = "v"`, []string{" k", "k=", "=v", "v ", " k=", "k=v", "=v ", " k=v", "k=v "},
			[]string{"k", "k=", "=v", "v", "k=", "k=v", "=v", "k=v", "k=v"}},
		// characters are code points; İ lower-cases to two of them
		{"é", []string{" é", "é ", " é "}, []string{"é", "é", "é"}},
		{"İ", []string{" i", "i\u0307", "\u0307 ", " i\u0307", "i\u0307 ", " i\u0307 "},
			[]string{"i", "i\u0307", "\u0307", "i\u0307", "i\u0307", "i\u0307"}},
		{"", nil, nil},
		{" \u3000\u00a0\x1c ", nil, nil},
	} {
		if got := Analyze(c.in, true); !slices.Equal(got, c.padded) {
			t.Errorf("Analyze(%q, true) = %q, want %q", c.in, got, c.padded)
		}
		if got := Analyze(c.in, false); !slices.Equal(got, c.seed) {
			t.Errorf("Analyze(%q, false) = %q, want %q", c.in, got, c.seed)
		}
	}
}

// TestAnalyzeInvalidUTF8 checks that each invalid byte reads as U+FFFD.
func TestAnalyzeInvalidUTF8(t *testing.T) {
	got := Analyze("a\xffb", false)
	want := []string{"a", "a\ufffd", "\ufffdb", "b", "a\ufffd", "a\ufffdb", "\ufffdb", "a\ufffdb", "a\ufffdb"}
	if !slices.Equal(got, want) {
		t.Fatalf("Analyze(%q) = %q, want %q", "a\xffb", got, want)
	}
}

// TestAnalyzeCountsThreePerCharacter checks the arithmetic DefaultTXTMaxLen
// rests on: a word of L characters gives 3L n-grams.
func TestAnalyzeCountsThreePerCharacter(t *testing.T) {
	for _, l := range []int{2, 3, 10, 512} {
		if got := len(Analyze(strings.Repeat("x", l), false)); got != 3*l {
			t.Errorf("a word of %d characters gives %d n-grams, want %d", l, got, 3*l)
		}
	}
}
