package features

import (
	"fmt"
	"math"
)

// wordCounts count, per word of the embedded English list (by its trie
// word id), how often it is a word of the best split (segmentWords) of a
// benign training name's main label. They are the vocabulary real names
// reuse: brand and service names draw on a small set of words, while names
// made of dictionary words chosen at random draw on the whole dictionary.
type wordCounts []uint32

// newWordCounts returns zero counts for the embedded word list.
func newWordCounts() wordCounts { return make(wordCounts, englishTrie().words) }

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

// wordFreqModel scores words by the log-ratio of their smoothed frequency
// in benign main labels to the uniform frequency over the dictionary:
// log(V·(c+½) / (T+½V)) for a word counted c times of T, V words. A word
// benign names use often scores above 0, one they never use below.
type wordFreqModel struct {
	logRatio []float32 // per word id
	counts   wordCounts
}

// newWordFreqModel derives the scores from counts.
func newWordFreqModel(counts wordCounts) (*wordFreqModel, error) {
	v := englishTrie().words
	if len(counts) != v {
		return nil, fmt.Errorf("word counts: %d words, want %d", len(counts), v)
	}
	total := 0.0
	for _, c := range counts {
		total += float64(c)
	}
	m := &wordFreqModel{logRatio: make([]float32, v), counts: counts}
	denom := total + 0.5*float64(v)
	for i, c := range counts {
		m.logRatio[i] = float32(math.Log(float64(v) * (float64(c) + 0.5) / denom))
	}
	return m, nil
}

// wordFreqStats are the word-frequency features of one main label.
type wordFreqStats struct {
	mean   float64 // mean log-ratio of the split's words (0 without words)
	min    float64 // lowest log-ratio of the split's words (0 without words)
	unseen float64 // letters in words no benign training label used ÷ label length
}

// stats scores the words of split (of a label of n bytes) read from trie t.
func (m *wordFreqModel) stats(t *wordTrie, split *wordSplit, n int) wordFreqStats {
	if split.n == 0 || n == 0 {
		return wordFreqStats{}
	}
	sum, lo := 0.0, math.Inf(1)
	unseen := 0
	for i := 0; i < split.n; i++ {
		id := t.wordID(split.nodes[i])
		r := float64(m.logRatio[id])
		sum += r
		lo = min(lo, r)
		if m.counts[id] == 0 {
			unseen += int(split.lens[i])
		}
	}
	return wordFreqStats{mean: sum / float64(split.n), min: lo, unseen: float64(unseen) / float64(min(n, maxSegmentLen))}
}
