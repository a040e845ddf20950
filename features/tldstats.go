package features

// tldSmoothing is how many pseudo-names at the overall benign rate every TLD
// starts with, so a TLD seen a few times does not get a ratio of 0 or 1.
const tldSmoothing = 20.0

// tldCounts are the benign and total counts of names under one TLD.
type tldCounts struct {
	Benign uint32 `json:"benign"`
	Total  uint32 `json:"total"`
}

// tldTable turns TLD counts into the TLD benign ratio feature.
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

// benignRatio returns the smoothed benign ratio of names under tld.
func (t *tldTable) benignRatio(tld string) float64 {
	c := t.counts[tld]
	return (float64(c.Benign) + tldSmoothing*t.prior) / (float64(c.Total) + tldSmoothing)
}
