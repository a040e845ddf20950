package tuning

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/training/rng"
)

// Grouping says how rows are kept together in folds.
type Grouping string

const (
	// ByFamily keeps each family in one fold, so a trial is scored on
	// families it never trained on (the default).
	ByFamily Grouping = "family"
	// ByRow spreads rows over folds at random, class by class.
	ByRow Grouping = "none"
)

// ParseGrouping reads --group.
func ParseGrouping(s string) (Grouping, error) {
	switch Grouping(s) {
	case "", ByFamily:
		return ByFamily, nil
	case ByRow, "row":
		return ByRow, nil
	}
	return "", fmt.Errorf("--group %s: want family (keep each family in one fold) or none (rows at random)", s)
}

// Folds assigns each row a fold in [0, k). Rows are taken class by class
// (malicious, benign, unlabeled): with ByFamily, a class with at least k
// families keeps each family in one fold, largest families first, each
// into the fold that holds the fewest rows of that class yet (scikit-learn's
// GroupKFold, ties broken by a seeded hash of the family); rows without a
// family, and every row of a class with fewer than k families, go to a
// fold by a seeded hash of the row's name. The result depends only on the
// rows, k, g and seed.
func Folds(rows []datasets.Row, k int, g Grouping, seed uint64) []int {
	out := make([]int, len(rows))
	for _, label := range []int{1, 0, -1} {
		var idx []int
		for i, r := range rows {
			if classOf(r.Label) == label {
				idx = append(idx, i)
			}
		}
		assignClass(rows, idx, out, k, g, seed)
	}
	return out
}

func classOf(label int) int {
	if label == 0 || label == 1 {
		return label
	}
	return -1
}

// assignClass gives the rows idx (of one class) their folds in out.
func assignClass(rows []datasets.Row, idx, out []int, k int, g Grouping, seed uint64) {
	size := map[string]int{}
	for _, i := range idx {
		if f := rows[i].Family; f != "" {
			size[f]++
		}
	}
	byHash := func(i int) { out[i] = int(hashOf(seed, rows[i].Name) % uint64(k)) }
	if g != ByFamily || len(size) < k {
		for _, i := range idx {
			byHash(i)
		}
		return
	}
	fams := make([]string, 0, len(size))
	for f := range size {
		fams = append(fams, f)
	}
	slices.SortFunc(fams, func(a, b string) int {
		if c := cmp.Compare(size[b], size[a]); c != 0 {
			return c
		}
		return cmp.Compare(hashOf(seed, a), hashOf(seed, b))
	})
	load := make([]int, k)
	foldOf := make(map[string]int, len(fams))
	for _, f := range fams {
		best := 0
		for j := 1; j < k; j++ {
			if load[j] < load[best] {
				best = j
			}
		}
		foldOf[f] = best
		load[best] += size[f]
	}
	for _, i := range idx {
		if f := rows[i].Family; f != "" {
			out[i] = foldOf[f]
		} else {
			byHash(i)
		}
	}
}

// hashOf is a seeded 64-bit hash of s.
func hashOf(seed uint64, s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return rng.Splitmix64(h.Sum64() ^ rng.Splitmix64(seed))
}
