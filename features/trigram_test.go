package features

import (
	"math"
	"testing"
)

func TestTrigramModel(t *testing.T) {
	counts := newTrigramCounts()
	counts.add("ab") // triples (^,^,a) (^,a,b) (a,b,$)
	a, b := uint32(symbolOf['a']), uint32(symbolOf['b'])
	idx := func(x, y, z uint32) int { return int((x*symCount+y)*symCount + z) }
	for _, i := range []int{idx(0, 0, a), idx(0, a, b), idx(a, b, 0)} {
		if counts[i] != 1 {
			t.Fatalf("count %d = %d, want 1", i, counts[i])
		}
	}
	m, err := newTrigramModel(counts)
	if err != nil {
		t.Fatal(err)
	}
	// P(a | ^ ^): unigram (1+1)/(3+41); bigram context ^ seen once, followed
	// by a once; trigram context ^^ seen once, followed by a once.
	pUni := 2.0 / 44
	pBi := (1 + bigramPrior*pUni) / (1 + bigramPrior)
	pTri := (1 + trigramPrior*pBi) / (1 + trigramPrior)
	if got := float64(m.logp[idx(0, 0, a)]); math.Abs(got-math.Log(pTri)) > 1e-6 {
		t.Fatalf("log P(a|^^) = %v, want %v", got, math.Log(pTri))
	}
	want := (float64(m.logp[idx(0, 0, a)]) + float64(m.logp[idx(0, a, b)]) + float64(m.logp[idx(a, b, 0)])) / 3
	if got := m.meanLogProb("ab"); math.Abs(got-want) > 1e-6 {
		t.Fatalf("meanLogProb(ab) = %v, want %v", got, want)
	}
	if m.meanLogProb("ab") <= m.meanLogProb("ba") {
		t.Fatal("a seen label is no likelier than an unseen one")
	}
	if got := m.meanLogProb(""); got != 0 {
		t.Fatalf("meanLogProb(\"\") = %v", got)
	}
	// The lowest label wins; the TLD is not a label here.
	if got, want := m.minLabelLogProb("ab.zzzz.ab"), m.meanLogProb("zzzz"); got != want {
		t.Fatalf("minLabelLogProb = %v, want %v", got, want)
	}
	if got, want := m.minLabelLogProb("ab..com"), m.meanLogProb("ab"); got != want {
		t.Fatalf("minLabelLogProb with an empty label = %v, want %v", got, want)
	}
	if _, err := newTrigramModel(make(trigramCounts, 5)); err == nil {
		t.Fatal("newTrigramModel accepted a short table")
	}
}

func TestTrigramAddLabels(t *testing.T) {
	counts := newTrigramCounts()
	counts.addLabels("ab.cd.com")
	total := 0
	for _, c := range counts {
		total += int(c)
	}
	if total != 6 { // three triples for each of ab and cd; com is the TLD
		t.Fatalf("addLabels counted %d triples, want 6", total)
	}
}
