package features

import (
	_ "embed"
	"math/bits"
	"strings"
	"sync"
)

// englishWords is a word list derived from SCOWL via Debian's wamerican
// (see wordlist/README.md and wordlist/COPYRIGHT).
//
//go:embed wordlist/english.txt
var englishWords string

// maxSegmentLen is the longest label wordSegmentation segments; longer labels
// are segmented in their first maxSegmentLen bytes.
const maxSegmentLen = 63

// englishTrie returns the trie of the embedded word list, built once.
var englishTrie = sync.OnceValue(func() *wordTrie {
	t, err := newWordTrie(strings.Fields(englishWords))
	if err != nil {
		// The list is embedded and checked by tests; this cannot happen at run time.
		panic("features: embedded word list: " + err.Error())
	}
	return t
})

// wordStats describe how well a label splits into dictionary words.
type wordStats struct {
	coverage  float64 // letters inside words ÷ label length, for the best split
	count     float64 // words in the best split
	longest   float64 // length of the longest word anywhere in the label
	coverage4 float64 // coverage when only words of four or more letters count
}

// segmentWords splits s into non-overlapping dictionary words, covering as
// many bytes as possible with as few words as possible. Bytes other than a-z
// (digits, hyphens) are never inside a word. It does the same with only the
// words of four or more letters for coverage4.
func segmentWords(t *wordTrie, s string) wordStats { return segmentWordsSplit(t, s, nil) }

// maxSplitWords is the most words a split of maxSegmentLen bytes can hold
// (one-letter words of test tries included).
const maxSplitWords = maxSegmentLen

// wordSplit records the words of segmentWords' best split, as trie nodes
// where they end, in order from the end of the label to its start.
type wordSplit struct {
	nodes [maxSplitWords]int32
	lens  [maxSplitWords]uint8
	n     int
}

// segmentWordsSplit is segmentWords that also records the best split's
// words in split when split is not nil.
func segmentWordsSplit(t *wordTrie, s string, split *wordSplit) wordStats {
	if split != nil {
		split.n = 0
	}
	if len(s) > maxSegmentLen {
		s = s[:maxSegmentLen]
	}
	if s == "" {
		return wordStats{}
	}
	// best[i] is the best (covered, words) for the prefix s[:i], packed as
	// covered*256 - words so that a larger value is a better split; best4
	// is the same for long words only. (int32: covered ≤ maxSegmentLen.)
	var best, best4 [maxSegmentLen + 1]int32
	// from[j]-1 is where the word ending at j of the best split of s[:j]
	// starts (from[j] 0: byte j-1 is skipped), node[j] that word's trie node.
	var from [maxSegmentLen + 1]int8
	var node [maxSegmentLen + 1]int32
	nodes := t.nodes
	root := nodes[0]
	longest := 0
	for i := 0; i < len(s); i++ {
		// skip byte i
		if best[i] > best[i+1] {
			best[i+1] = best[i]
			from[i+1] = 0
		}
		best4[i+1] = max(best4[i+1], best4[i])
		// Walk the trie along s[i:], one node load per letter.
		cur := root
		for j := i; j < len(s); j++ {
			c := uint32(s[j] - 'a')
			if c >= 26 || cur.mask&(1<<c) == 0 {
				break
			}
			n := cur.first + int32(bits.OnesCount32(cur.mask&(1<<c-1)))
			cur = nodes[n]
			if cur.mask&trieWordEnd != 0 {
				l := j + 1 - i
				longest = max(longest, l)
				if v := best[i] + int32(l)*256 - 1; v > best[j+1] {
					best[j+1] = v
					from[j+1] = int8(i + 1)
					node[j+1] = n
				}
				if l >= 4 {
					best4[j+1] = max(best4[j+1], best4[i]+int32(l)*256-1)
				}
			}
		}
	}
	if split != nil {
		for j := len(s); j > 0; {
			if i := int(from[j]) - 1; i >= 0 {
				if split.n < maxSplitWords {
					split.nodes[split.n] = node[j]
					split.lens[split.n] = uint8(j - i)
					split.n++
				}
				j = i
			} else {
				j--
			}
		}
	}
	covered, words := unpackSplit(int(best[len(s)]))
	covered4, _ := unpackSplit(int(best4[len(s)]))
	return wordStats{
		coverage:  float64(covered) / float64(len(s)),
		count:     float64(words),
		longest:   float64(longest),
		coverage4: float64(covered4) / float64(len(s)),
	}
}

// unpackSplit decodes covered*256 - words.
func unpackSplit(v int) (covered, words int) {
	covered = (v + 255) / 256
	return covered, covered*256 - v
}

// englishTrigram returns a trigram model of the embedded English words.
var englishTrigram = sync.OnceValue(func() *trigramModel {
	counts := newTrigramCounts()
	for _, w := range strings.Fields(englishWords) {
		counts.add(w)
	}
	m, err := newTrigramModel(counts)
	if err != nil {
		panic("features: embedded word list: " + err.Error())
	}
	return m
})
