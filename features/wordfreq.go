package features

import "fmt"

// wordCounts count, per word of the embedded English list (by its trie
// word id), how many distinct benign training main labels have it in their
// best split (segmentWords). They are the vocabulary real names reuse:
// brand and service names draw again and again on a small set of words,
// while a label made of dictionary words chosen at random mostly holds
// words no benign label used.
type wordCounts []uint32

// newWordCounts returns zero counts for the embedded word list.
func newWordCounts() wordCounts { return make(wordCounts, englishTrie().words) }

// checkWordCounts reports whether c has one count per embedded word.
func checkWordCounts(c wordCounts) error {
	if want := englishTrie().words; len(c) != want {
		return fmt.Errorf("word counts: %d words, want %d", len(c), want)
	}
	return nil
}

// benignWordIDs appends the word ids of the best split of main to dst.
func benignWordIDs(main string, dst []int32) []int32 {
	t := englishTrie()
	var split wordSplit
	segmentWordsSplit(t, main, &split)
	for i := 0; i < split.n; i++ {
		dst = append(dst, t.wordID(split.nodes[i]))
	}
	return dst
}

// unseenShare is the share of a label of n bytes, split into words by
// split (from trie t), that lies in words no benign label was counted
// with: 0 when every word is known to benign names (or there are none),
// up to 1 for a label made entirely of words benign names never use. Only
// the first maxSegmentLen bytes are split, so they are the label's length.
func (c wordCounts) unseenShare(t *wordTrie, split *wordSplit, n int) float64 {
	n = min(n, maxSegmentLen)
	if split.n == 0 || n == 0 {
		return 0
	}
	unseen := 0
	for i := 0; i < split.n; i++ {
		if c[t.wordID(split.nodes[i])] == 0 {
			unseen += int(split.lens[i])
		}
	}
	return float64(unseen) / float64(n)
}
