package features

import (
	"strings"
	"testing"
)

func TestSegmentWords(t *testing.T) {
	trie, err := newWordTrie([]string{"fig", "figure", "ure", "wagon", "wag", "on", "on"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		label string
		want  wordStats
	}{
		// figure+wagon beats fig+ure+wagon: same coverage, fewer words.
		{"figurewagon", wordStats{coverage: 1, count: 2, longest: 6, coverage4: 1}},
		// figure+wag covers 9; with long words only, figure covers 6.
		{"figurewag", wordStats{coverage: 1, count: 2, longest: 6, coverage4: 6.0 / 9}},
		// digits and hyphens break words: "wa-gon" holds only "on".
		{"wa-gon7", wordStats{coverage: 2.0 / 7, count: 1, longest: 2}},
		{"xkqzv", wordStats{}},
		{"", wordStats{}},
	}
	for _, c := range cases {
		if got := segmentWords(trie, c.label); got != c.want {
			t.Errorf("segmentWords(%q) = %+v, want %+v", c.label, got, c.want)
		}
	}
	// Longer than maxSegmentLen: only the first 63 bytes, 12 × wagon + wag, count.
	long := strings.Repeat("wagon", 20)
	if got := segmentWords(trie, long); got != (wordStats{coverage: 1, count: 13, longest: 5, coverage4: 60.0 / 63}) {
		t.Errorf("segmentWords(100 bytes) = %+v, want 13 words covering all 63", got)
	}
}

func TestWordTrie(t *testing.T) {
	if _, err := newWordTrie([]string{"ok", "Bad"}); err == nil {
		t.Error("newWordTrie accepted an upper-case word")
	}
	if _, err := newWordTrie([]string{""}); err == nil {
		t.Error("newWordTrie accepted an empty word")
	}
	words := strings.Fields(englishWords)
	if len(words) < 60000 {
		t.Fatalf("embedded word list has %d words", len(words))
	}
	trie := englishTrie()
	for _, w := range words {
		if !trie.contains(w) {
			t.Fatalf("trie lacks %q", w)
		}
	}
	for _, w := range []string{"xkqzv", "wago", "", "wagon7", "Wagon"} {
		if trie.contains(w) {
			t.Errorf("trie contains %q", w)
		}
	}
	got := segmentWords(trie, "figurewagon")
	if got.coverage != 1 || got.count != 2 {
		t.Errorf("English split of figurewagon = %+v, want 2 words covering all", got)
	}
}

func TestEnglishTrigram(t *testing.T) {
	m := englishTrigram()
	if w, r := m.meanLogProb("wagon"), m.meanLogProb("xkqzv"); w <= r+1 {
		t.Errorf("English trigram log-probability: wagon %.2f, xkqzv %.2f", w, r)
	}
}
