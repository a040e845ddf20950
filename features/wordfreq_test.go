package features

import (
	"fmt"
	"testing"

	"github.com/mlctl/mlctl/datasets"
)

// nodeOf returns the trie node where w ends, or -1.
func nodeOf(t *wordTrie, w string) int32 {
	n := int32(0)
	for i := 0; i < len(w) && n >= 0; i++ {
		n = t.child(n, uint32(w[i]-'a'))
	}
	return n
}

func TestSegmentWordsSplit(t *testing.T) {
	trie, err := newWordTrie([]string{"fig", "figure", "ure", "wagon", "wag", "on", "on"})
	if err != nil {
		t.Fatal(err)
	}
	if trie.words != 6 {
		t.Errorf("%d distinct words, want 6", trie.words)
	}
	// Word ids number the distinct words 0..5, each once.
	seen := map[int32]bool{}
	for _, w := range []string{"fig", "figure", "ure", "wagon", "wag", "on"} {
		id := trie.wordID(nodeOf(trie, w))
		if id < 0 || id >= 6 || seen[id] {
			t.Errorf("word %q has id %d", w, id)
		}
		seen[id] = true
	}
	if id := trie.wordID(nodeOf(trie, "wa")); id != -1 {
		t.Errorf("prefix wa has id %d, want -1", id)
	}
	cases := []struct {
		label string
		words []string // from the end of the label to its start
	}{
		{"figurewagon", []string{"wagon", "figure"}},
		{"figurewag", []string{"wag", "figure"}},
		{"wa-gon7", []string{"on"}},
		{"xfigx", []string{"fig"}},
		{"xkqzv", nil},
		{"", nil},
	}
	for _, c := range cases {
		var split wordSplit
		split.n = 99 // reset by the call
		st := segmentWordsSplit(trie, c.label, &split)
		if st != segmentWords(trie, c.label) {
			t.Errorf("%q: stats %+v differ from segmentWords", c.label, st)
		}
		if split.n != len(c.words) {
			t.Errorf("%q: %d words, want %v", c.label, split.n, c.words)
			continue
		}
		for i, w := range c.words {
			if split.nodes[i] != nodeOf(trie, w) || int(split.lens[i]) != len(w) {
				t.Errorf("%q: word %d is node %d of %d letters, want %q", c.label, i, split.nodes[i], split.lens[i], w)
			}
		}
	}
}

func TestUnseenShare(t *testing.T) {
	trie := englishTrie()
	counts := newWordCounts()
	if err := checkWordCounts(counts); err != nil {
		t.Fatal(err)
	}
	if err := checkWordCounts(counts[1:]); err == nil {
		t.Error("checkWordCounts accepted a short vector")
	}
	share := func(label string) float64 {
		var split wordSplit
		segmentWordsSplit(trie, label, &split)
		return counts.unseenShare(trie, &split, len(label))
	}
	// figure+wagon is the English split (TestWordTrie); no word counted yet.
	if got := share("figurewagon"); got != 1 {
		t.Errorf("unseen share of figurewagon with no counts = %v, want 1", got)
	}
	ids := benignWordIDs("figure", nil)
	if len(ids) != 1 || ids[0] != trie.wordID(nodeOf(trie, "figure")) {
		t.Fatalf("benignWordIDs(figure) = %v", ids)
	}
	counts[ids[0]]++
	// wagon (5 of 11 letters) is still unknown to benign labels.
	if got, want := share("figurewagon"), 5.0/11; got != want {
		t.Errorf("unseen share of figurewagon with figure counted = %v, want %v", got, want)
	}
	// The digit is in no word and so not unseen: 0 of 7.
	if got := share("figure7"); got != 0 {
		t.Errorf("unseen share of figure7 = %v, want 0", got)
	}
	if got := share("xkqzv"); got != 0 {
		t.Errorf("unseen share of a label without words = %v, want 0", got)
	}
	if got := share(""); got != 0 {
		t.Errorf("unseen share of an empty label = %v, want 0", got)
	}
}

// TestDomainWordBenignUnseen fits a set whose benign names reuse the main
// labels kitchen and wagon on many hosts (so every fold learns them, once
// per distinct label), and one label, onlyhere, with a single name.
func TestDomainWordBenignUnseen(t *testing.T) {
	var rows []datasets.Row
	for i := 0; i < 200; i++ {
		rows = append(rows,
			datasets.Row{Name: fmt.Sprintf("h%d.kitchen.com", i), Label: 0},
			datasets.Row{Name: fmt.Sprintf("h%d.wagon.net", i), Label: 0},
			datasets.Row{Name: fmt.Sprintf("x%dq%dz.biz", i*7919%1000, i), Label: 1, Family: fmt.Sprintf("f%d", i%8)})
	}
	rows = append(rows, datasets.Row{Name: "onlyhere.org", Label: 0})
	d, err := FitDomain(rows, DomainOptions{Seed: 1, NgramBits: 12})
	if err != nil {
		t.Fatal(err)
	}
	kitchen := englishTrie().wordID(nodeOf(englishTrie(), "kitchen"))
	for k, f := range d.folds {
		if f.words[kitchen] != 1 {
			t.Errorf("fold %d counts kitchen %d times, want once (one distinct label)", k, f.words[kitchen])
		}
	}
	i := indexOf(t, d.Names(), "word_benign_unseen")
	vec := make([]float64, DomainLen)
	for _, c := range []struct {
		name string
		want float64
	}{
		{"kitchenwagon.com", 0},       // both words are benign vocabulary
		{"wagonthough.com", 6.0 / 11}, // though is not
		{"thoughwithout.net", 1},      // neither is
		{"onlyhere.org", 1},           // its own words are out of fold
		{"xkqzv.com", 0},              // no words
	} {
		d.Extract(c.name, vec)
		if vec[i] != c.want {
			t.Errorf("word_benign_unseen(%q) = %v, want %v", c.name, vec[i], c.want)
		}
	}
	// The counts survive a JSON round trip.
	state, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Domain
	if err := back.UnmarshalJSON(state); err != nil {
		t.Fatal(err)
	}
	for k := range d.folds {
		if fmt.Sprint(back.folds[k].words) != fmt.Sprint(d.folds[k].words) {
			t.Errorf("fold %d: word counts differ after a round trip", k)
		}
	}
}
