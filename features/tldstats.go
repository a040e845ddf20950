package features

import "math"

// tldSmoothing is how many pseudo-names at the overall benign rate every TLD
// starts with, so a TLD seen a few times does not get a ratio of 0 or 1.
const tldSmoothing = 20.0

// tldCounts are the benign and total counts of names under one TLD.
type tldCounts struct {
	Benign uint32 `json:"benign"`
	Total  uint32 `json:"total"`
}

// tldTable turns TLD counts into the benign ratio and popularity features.
type tldTable struct {
	counts map[string]tldCounts
	prior  float64 // benign share of all counted names
}

// newTLDTable summarises counts.
func newTLDTable(counts map[string]tldCounts) *tldTable {
	var benign, total float64
	for _, c := range counts {
		benign += float64(c.Benign)
		total += float64(c.Total)
	}
	t := &tldTable{counts: counts, prior: 0.5}
	if total > 0 {
		t.prior = benign / total
	}
	return t
}

// lookup returns the smoothed benign ratio of tld and log(1 + names seen).
func (t *tldTable) lookup(tld string) (ratio, logCount float64) {
	c := t.counts[tld]
	ratio = (float64(c.Benign) + tldSmoothing*t.prior) / (float64(c.Total) + tldSmoothing)
	return ratio, math.Log1p(float64(c.Total))
}
