package features

import (
	"fmt"
	"math"
	"strings"
)

// trigramSize is the number of (a, b, c) symbol triples.
const trigramSize = symCount * symCount * symCount

// Smoothing weights of the trigram model: each order backs off to the one
// below it with this many pseudo-counts.
const (
	trigramPrior = 4.0
	bigramPrior  = 4.0
)

// trigramCounts counts symbol triples of benign labels. Each label is read as
// start, start, its symbols, end, so the first letters have contexts too.
type trigramCounts []uint32

// newTrigramCounts returns empty counts.
func newTrigramCounts() trigramCounts { return make(trigramCounts, trigramSize) }

// add counts the triples of one label.
func (t trigramCounts) add(label string) {
	a, b := uint32(symBoundary), uint32(symBoundary)
	for i := 0; i <= len(label); i++ {
		c := uint32(symBoundary)
		if i < len(label) {
			c = uint32(symbolOf[label[i]])
		}
		t[(a*symCount+b)*symCount+c]++
		a, b = b, c
	}
}

// addLabels counts every label of name except the TLD.
func (t trigramCounts) addLabels(name string) {
	q := strings.Trim(name, ".")
	last := strings.LastIndexByte(q, '.')
	if last < 0 {
		t.add(q)
		return
	}
	for _, label := range strings.Split(q[:last], ".") {
		if label != "" {
			t.add(label)
		}
	}
}

// minLabelLogProb returns the lowest meanLogProb over the labels of name
// except the TLD (the name itself when it has one label).
func (m *trigramModel) minLabelLogProb(name string) float64 {
	q := strings.Trim(name, ".")
	last := strings.LastIndexByte(q, '.')
	if last < 0 {
		return m.meanLogProb(q)
	}
	rest := q[:last]
	low, found := 0.0, false
	for {
		dot := strings.IndexByte(rest, '.')
		label := rest
		if dot >= 0 {
			label = rest[:dot]
		}
		if label != "" {
			if v := m.meanLogProb(label); !found || v < low {
				low, found = v, true
			}
		}
		if dot < 0 {
			return low
		}
		rest = rest[dot+1:]
	}
}

// trigramModel holds log P(c | a b) for every triple, smoothed by
// interpolating with bigram and unigram estimates.
type trigramModel struct {
	logp []float32
}

// newTrigramModel turns counts into smoothed log-probabilities.
func newTrigramModel(counts trigramCounts) (*trigramModel, error) {
	if len(counts) != trigramSize {
		return nil, fmt.Errorf("trigram counts: got %d, want %d", len(counts), trigramSize)
	}
	var uni [symCount]float64
	var bi [symCount * symCount]float64
	total := 0.0
	for i, n := range counts {
		c := i % symCount
		b := (i / symCount) % symCount
		uni[c] += float64(n)
		bi[b*symCount+c] += float64(n)
		total += float64(n)
	}
	var biCtx [symCount]float64 // counts of bigram contexts b
	for b := 0; b < symCount; b++ {
		for c := 0; c < symCount; c++ {
			biCtx[b] += bi[b*symCount+c]
		}
	}
	m := &trigramModel{logp: make([]float32, trigramSize)}
	for ab := 0; ab < symCount*symCount; ab++ {
		b := ab % symCount
		ctx := 0.0
		for c := 0; c < symCount; c++ {
			ctx += float64(counts[ab*symCount+c])
		}
		for c := 0; c < symCount; c++ {
			pUni := (uni[c] + 1) / (total + symCount)
			pBi := (bi[b*symCount+c] + bigramPrior*pUni) / (biCtx[b] + bigramPrior)
			pTri := (float64(counts[ab*symCount+c]) + trigramPrior*pBi) / (ctx + trigramPrior)
			m.logp[ab*symCount+c] = float32(math.Log(pTri))
		}
	}
	return m, nil
}

// meanLogProb returns the average log-probability per symbol of label
// (including its end), or 0 for an empty label.
func (m *trigramModel) meanLogProb(label string) float64 {
	if label == "" {
		return 0
	}
	a, b := uint32(symBoundary), uint32(symBoundary)
	sum := float32(0)
	for i := 0; i <= len(label); i++ {
		c := uint32(symBoundary)
		if i < len(label) {
			c = uint32(symbolOf[label[i]])
		}
		sum += m.logp[(a*symCount+b)*symCount+c]
		a, b = b, c
	}
	return float64(sum) / float64(len(label)+1)
}
