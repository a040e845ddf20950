package features

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestNgramScore(t *testing.T) {
	m := &ngramModel{bits: 12, weights: make([]int8, 1<<12), scale: 0.5, bias: -1}
	for i := range m.weights {
		m.weights[i] = 1
	}
	// "^ab$" has 3 bigrams, 2 trigrams and 1 four-gram.
	if n := ngramBucketCount("ab"); n != 6 {
		t.Fatalf("ngramBucketCount(ab) = %d, want 6", n)
	}
	if n := len(ngramBuckets("ab", 12, nil)); n != 6 {
		t.Fatalf("ngramBuckets(ab) gave %d buckets, want 6", n)
	}
	if got, want := m.score("ab"), -1+0.5*6/math.Sqrt(6); math.Abs(got-want) > 1e-15 {
		t.Fatalf("score(ab) = %v, want %v", got, want)
	}
	// "^$" has one bigram.
	if got, want := m.score(""), -1+0.5; got != want {
		t.Fatalf("score(\"\") = %v, want %v", got, want)
	}
	// Upper and lower case share symbols, hence buckets.
	if m.score("AB") != m.score("ab") {
		t.Fatal("case changes the n-gram score")
	}
}

func TestQuantise(t *testing.T) {
	m := quantise([]float32{0.5, -1.27, 0, 0.004}, 0.25, 2)
	want := []int8{50, -127, 0, 0}
	for i, w := range want {
		if m.weights[i] != w {
			t.Fatalf("weights = %v, want %v", m.weights, want)
		}
	}
	if math.Abs(m.scale-0.01) > 1e-9 || m.bias != 0.25 {
		t.Fatalf("scale %v bias %v", m.scale, m.bias)
	}
	if z := quantise(make([]float32, 4), 0, 2); z.scale != 1 {
		t.Fatalf("all-zero weights: scale %v, want 1", z.scale)
	}
}

func TestNgramTrain(t *testing.T) {
	names := []string{"google", "facebook", "wikipedia", "amazon", "qxzkvj", "zkqxwv", "vjqxzk", "xwkvqz"}
	labels := []int8{0, 0, 0, 0, 1, 1, 1, 1}
	tr := ngramTrainer{bits: 12, epochs: 20, rate: 2, l2: 1e-6}
	m, err := tr.train(names, labels, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		if s := m.score(n); (s > 0) != (labels[i] == 1) {
			t.Errorf("score(%q) = %v for label %d", n, s, labels[i])
		}
	}
	if _, err := tr.train(names[:4], labels[:4], rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("train accepted one class")
	}
}

func TestFoldOf(t *testing.T) {
	// The fold of a name is part of the stored state's meaning: pin it.
	want := map[string][2]int{"example.com": {3, 12}, "google.com": {1, 4}, "xkqzvhw.biz": {4, 10}, "a": {2, 8}}
	counts := make([]int, 5)
	for i := 0; i < 5000; i++ {
		counts[foldOf(string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676)), 5)]++
	}
	for k, c := range counts {
		if c < 800 || c > 1200 {
			t.Errorf("fold %d got %d of 5000 names", k, c)
		}
	}
	for name, folds := range want {
		if got := [2]int{foldOf(name, 5), foldOf(name, 16)}; got != folds {
			t.Errorf("foldOf(%q, 5 and 16) = %v, want %v", name, got, folds)
		}
	}
}
