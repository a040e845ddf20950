package datasets

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Split fractions: the rest goes to training.
const (
	// ValidationFraction is the share of each stratum used to choose the threshold.
	ValidationFraction = 0.1
	// TestFraction is the share of each stratum kept for the final evaluation.
	TestFraction = 0.1
)

// MinFamilyStratum is the smallest family that is split on its own; smaller
// families are pooled with the other small ones of their label, so a family
// of 10 does not lose its only validation row to rounding.
const MinFamilyStratum = 20

// Parts are the three parts of a split, as ascending indices into the rows
// given to Split.
type Parts struct {
	// Train are the rows a model learns from.
	Train []int `json:"train"`
	// Validation are the rows the decision threshold is chosen on.
	Validation []int `json:"validation"`
	// Test are the rows the model is evaluated on, including every row of
	// a held-out family.
	Test []int `json:"test"`
}

// stratum is one group of rows split 80/10/10 on its own.
type stratum struct {
	label  int
	family string
	rows   []int
}

// Split divides rows into training, validation and test parts, 80/10/10 in
// every stratum (label, and family within label for families of at least
// MinFamilyStratum rows), shuffled by a generator seeded with seed. Every
// row of a holdout family goes to test, none to training or validation, so
// the test figures show how the model does on a family it never saw. An
// unknown holdout family is an error naming the known ones.
func Split(rows []Row, seed uint64, holdoutFamilies []string) (Parts, error) {
	_, byFamily := Counts(rows)
	known := make([]string, 0, len(byFamily))
	for f := range byFamily {
		if f != "" {
			known = append(known, f)
		}
	}
	slices.Sort(known)
	holdout := make(map[string]bool, len(holdoutFamilies))
	for _, h := range holdoutFamilies {
		f := normaliseFamily(h)
		if _, ok := byFamily[f]; !ok || f == "" {
			return Parts{}, fmt.Errorf("split: unknown holdout family %q (known: %s)", h, strings.Join(known, ", "))
		}
		holdout[f] = true
	}

	var parts Parts
	type key struct {
		label  int
		family string
	}
	strata := make(map[key]*stratum)
	for i, r := range rows {
		if holdout[r.Family] {
			parts.Test = append(parts.Test, i)
			continue
		}
		fam := r.Family
		if byFamily[fam] < MinFamilyStratum {
			fam = ""
		}
		k := key{r.Label, fam}
		s := strata[k]
		if s == nil {
			s = &stratum{label: r.Label, family: fam}
			strata[k] = s
		}
		s.rows = append(s.rows, i)
	}
	ordered := make([]*stratum, 0, len(strata))
	for _, s := range strata {
		ordered = append(ordered, s)
	}
	slices.SortFunc(ordered, func(a, b *stratum) int {
		if c := cmp.Compare(a.label, b.label); c != 0 {
			return c
		}
		return strings.Compare(a.family, b.family)
	})

	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for _, s := range ordered {
		rng.Shuffle(len(s.rows), func(i, j int) { s.rows[i], s.rows[j] = s.rows[j], s.rows[i] })
		n := len(s.rows)
		nVal := int(math.Round(float64(n) * ValidationFraction))
		nTest := int(math.Round(float64(n) * TestFraction))
		parts.Validation = append(parts.Validation, s.rows[:nVal]...)
		parts.Test = append(parts.Test, s.rows[nVal:nVal+nTest]...)
		parts.Train = append(parts.Train, s.rows[nVal+nTest:]...)
	}
	slices.Sort(parts.Train)
	slices.Sort(parts.Validation)
	slices.Sort(parts.Test)
	return parts, nil
}
