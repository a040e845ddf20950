package datasets

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	rows := GenerateDemo(7, 4000)
	// Add a tiny family that must be pooled rather than split alone.
	for i := range 5 {
		rows = append(rows, Row{Name: "tiny" + string(rune('a'+i)) + ".com", Label: 1, Family: "tiny"})
	}
	p, err := Split(rows, 42, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, p, len(rows))
	for name, part := range map[string][]int{"train": p.Train, "validation": p.Validation, "test": p.Test} {
		if !slices.IsSorted(part) {
			t.Errorf("%s not sorted", name)
		}
	}
	near := func(got int, want float64) bool { return math.Abs(float64(got)-want) <= 0.01*float64(len(rows))+1 }
	if !near(len(p.Train), 0.8*float64(len(rows))) || !near(len(p.Validation), 0.1*float64(len(rows))) || !near(len(p.Test), 0.1*float64(len(rows))) {
		t.Errorf("sizes %d/%d/%d of %d", len(p.Train), len(p.Validation), len(p.Test), len(rows))
	}
	// Stratified: each family of 20 or more keeps its share in every part.
	_, byFamily := Counts(rows)
	for fam, n := range byFamily {
		if n < MinFamilyStratum {
			continue
		}
		got := 0
		for _, i := range p.Validation {
			if rows[i].Family == fam {
				got++
			}
		}
		if want := int(math.Round(0.1 * float64(n))); got != want {
			t.Errorf("family %s: %d of %d in validation; want %d", fam, got, n, want)
		}
	}
	// Same seed, same split; another seed, another split.
	again, _ := Split(rows, 42, nil)
	if !slices.Equal(again.Train, p.Train) || !slices.Equal(again.Test, p.Test) {
		t.Error("same seed gave another split")
	}
	other, _ := Split(rows, 43, nil)
	if slices.Equal(other.Test, p.Test) {
		t.Error("another seed gave the same split")
	}
}

func TestSplitHoldout(t *testing.T) {
	rows := GenerateDemo(7, 2000)
	p, err := Split(rows, 1, []string{"Matsnu", "popular"})
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, p, len(rows))
	inTest := make(map[int]bool)
	for _, i := range p.Test {
		inTest[i] = true
	}
	held := 0
	for i, r := range rows {
		if r.Family == "matsnu" || r.Family == "popular" {
			held++
			if !inTest[i] {
				t.Fatalf("held-out row %v not in test", r)
			}
		}
	}
	if held == 0 {
		t.Fatal("no held-out rows")
	}
	for _, i := range append(slices.Clone(p.Train), p.Validation...) {
		if f := rows[i].Family; f == "matsnu" || f == "popular" {
			t.Fatalf("held-out row %v outside test", rows[i])
		}
	}
	_, err = Split(rows, 1, []string{"nosuch"})
	if err == nil || !strings.Contains(err.Error(), `unknown holdout family "nosuch"`) || !strings.Contains(err.Error(), "conficker, hostnames, matsnu") {
		t.Errorf("err = %v", err)
	}
}

func TestSplitEmpty(t *testing.T) {
	p, err := Split(nil, 1, nil)
	if err != nil || len(p.Train)+len(p.Validation)+len(p.Test) != 0 {
		t.Errorf("%v %v", p, err)
	}
}

// checkPartition fails unless every index 0..n-1 is in exactly one part.
func checkPartition(t *testing.T, p Parts, n int) {
	t.Helper()
	seen := make([]int, n)
	for _, part := range [][]int{p.Train, p.Validation, p.Test} {
		for _, i := range part {
			seen[i]++
		}
	}
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("row %d is in %d parts", i, c)
		}
	}
}
