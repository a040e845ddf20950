package tuning

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/datasets"
)

// familyRows returns n rows of family fam with label, named fam-i.
func familyRows(fam string, label, n int) []datasets.Row {
	rows := make([]datasets.Row, n)
	for i := range rows {
		rows[i] = datasets.Row{Name: fmt.Sprintf("%s-%d.example", fam, i), Label: label, Family: fam}
	}
	return rows
}

// realisticMix is 40 DGA families of 50 malicious rows each and 2,000
// benign rows from 2 sources.
func realisticMix() []datasets.Row {
	var rows []datasets.Row
	for f := range 40 {
		rows = append(rows, familyRows(fmt.Sprintf("dga%02d", f), 1, 50)...)
	}
	rows = append(rows, familyRows("tranco", 0, 1200)...)
	rows = append(rows, familyRows("umbrella", 0, 800)...)
	return rows
}

// foldsOfFamilies maps each family of rows to the set of folds its rows
// landed in.
func foldsOfFamilies(rows []datasets.Row, folds []int) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for i, r := range rows {
		if r.Family == "" {
			continue
		}
		if out[r.Family] == nil {
			out[r.Family] = map[int]bool{}
		}
		out[r.Family][folds[i]] = true
	}
	return out
}

// TestFoldsByFamilyGreedyLargestFirst: five malicious families of 7, 4, 3,
// 3 and 1 rows in 3 folds go largest first into the fold with the fewest
// rows: 7 → fold 0, 4 → fold 1, 3 → fold 2, the other 3 → fold 2 (3 is
// the least), 1 → fold 1 (4 is the least), so the folds hold 7, 5 and 6
// rows and each family is in one fold.
func TestFoldsByFamilyGreedyLargestFirst(t *testing.T) {
	var rows []datasets.Row
	for _, f := range []struct {
		name string
		n    int
	}{{"c3", 3}, {"a7", 7}, {"e1", 1}, {"b4", 4}, {"d3", 3}} {
		rows = append(rows, familyRows(f.name, 1, f.n)...)
	}
	for _, seed := range []uint64{1, 2, 3, 99} {
		folds := Folds(rows, 3, ByFamily, seed)
		sizes := make([]int, 3)
		for _, f := range folds {
			sizes[f]++
		}
		if want := []int{7, 5, 6}; !slices.Equal(sizes, want) {
			t.Errorf("seed %d: fold sizes %v, want %v", seed, sizes, want)
		}
		fams := foldsOfFamilies(rows, folds)
		want := map[string]int{"a7": 0, "b4": 1, "c3": 2, "d3": 2, "e1": 1}
		for f, in := range fams {
			if len(in) != 1 || !in[want[f]] {
				t.Errorf("seed %d: family %s in folds %v, want only fold %d", seed, f, in, want[f])
			}
		}
	}
}

// TestFoldsByFamilyRowsWithoutFamilyGoByHash: in a class grouped by
// family, rows without a family go to the fold of a seeded hash of their
// name, spread over every fold, and the families stay whole.
func TestFoldsByFamilyRowsWithoutFamilyGoByHash(t *testing.T) {
	var rows []datasets.Row
	for f := range 6 {
		rows = append(rows, familyRows(fmt.Sprintf("fam%d", f), 1, 10+f)...)
	}
	for i := range 300 {
		rows = append(rows, datasets.Row{Name: fmt.Sprintf("nofamily-%d.example", i), Label: 1})
	}
	const k, seed = 4, 7
	folds := Folds(rows, k, ByFamily, seed)
	perFold := make([]int, k)
	for i, r := range rows {
		if r.Family != "" {
			continue
		}
		if want := int(hashOf(seed, r.Name) % k); folds[i] != want {
			t.Fatalf("%s: fold %d, want its hash's %d", r.Name, folds[i], want)
		}
		perFold[folds[i]]++
	}
	for f, n := range perFold {
		if n < 50 || n > 100 { // 75 expected
			t.Errorf("fold %d holds %d of the 300 rows without a family: %v", f, n, perFold)
		}
	}
	for f, in := range foldsOfFamilies(rows, folds) {
		if len(in) != 1 {
			t.Errorf("family %s split over folds %v", f, in)
		}
	}
}

// TestFoldsRealisticMix: 40 families of 50 malicious rows are kept whole
// and balanced (8 families, 400 rows in each of 5 folds); the benign class
// has 2 sources, fewer than 5, so its rows spread by hash and both sources
// and both classes are in every fold.
func TestFoldsRealisticMix(t *testing.T) {
	rows := realisticMix()
	const k = 5
	folds := Folds(rows, k, ByFamily, 42)
	if len(folds) != len(rows) {
		t.Fatalf("%d folds for %d rows", len(folds), len(rows))
	}
	mal := make([]int, k)
	ben := map[string][]int{"tranco": make([]int, k), "umbrella": make([]int, k)}
	for i, r := range rows {
		f := folds[i]
		if f < 0 || f >= k {
			t.Fatalf("row %d in fold %d", i, f)
		}
		if r.Label == 1 {
			mal[f]++
		} else {
			ben[r.Family][f]++
		}
	}
	if want := []int{400, 400, 400, 400, 400}; !slices.Equal(mal, want) {
		t.Errorf("malicious rows per fold %v, want %v", mal, want)
	}
	for f, in := range foldsOfFamilies(rows, folds) {
		if strings.HasPrefix(f, "dga") && len(in) != 1 {
			t.Errorf("family %s split over folds %v", f, in)
		}
	}
	for src, per := range ben {
		total := 1200
		if src == "umbrella" {
			total = 800
		}
		for f, n := range per {
			// A hash spreads total/k rows per fold, give or take a few
			// standard deviations (about 14 and 18 rows).
			if exp := total / k; n < exp-80 || n > exp+80 {
				t.Errorf("benign %s: %d rows in fold %d, want about %d: %v", src, n, f, exp, per)
			}
		}
	}
}

// TestFoldsDependOnSeed: another seed gives other folds, both for the
// families and for the hashed rows.
func TestFoldsDependOnSeed(t *testing.T) {
	rows := realisticMix()
	a := Folds(rows, 5, ByFamily, 1)
	if b := Folds(rows, 5, ByFamily, 1); !slices.Equal(a, b) {
		t.Fatal("the same rows, k, grouping and seed gave other folds")
	}
	b := Folds(rows, 5, ByFamily, 2)
	var malDiff, benDiff int
	for i, r := range rows {
		if a[i] != b[i] {
			if r.Label == 1 {
				malDiff++
			} else {
				benDiff++
			}
		}
	}
	// Families of equal size are ordered by the seeded hash, benign rows
	// hashed with it: most rows move.
	if malDiff < 500 || benDiff < 500 {
		t.Errorf("seed 2 moved %d of 2000 malicious and %d of 2000 benign rows, want most", malDiff, benDiff)
	}
}

// TestFoldsOfARowDoNotDependOnRowOrder: Folds does not depend on the order
// of the rows — families are ordered by size and a seeded hash of their
// name, other rows go by a hash of theirs — so shuffled rows keep their
// folds.
func TestFoldsOfARowDoNotDependOnRowOrder(t *testing.T) {
	rows := realisticMix()
	for i := range 100 {
		rows = append(rows, datasets.Row{Name: fmt.Sprintf("unlabeled-%d.example", i), Label: -1})
	}
	want := map[string]int{}
	for i, f := range Folds(rows, 5, ByFamily, 9) {
		want[rows[i].Name] = f
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for i, f := range Folds(rows, 5, ByFamily, 9) {
		if want[rows[i].Name] != f {
			t.Fatalf("%s: fold %d after shuffling, %d before", rows[i].Name, f, want[rows[i].Name])
		}
	}
}

// TestFoldsByRowIgnoresFamilies: with ByRow every row goes by the hash of
// its name, so a family is spread over the folds.
func TestFoldsByRowIgnoresFamilies(t *testing.T) {
	rows := realisticMix()
	const k, seed = 5, 3
	folds := Folds(rows, k, ByRow, seed)
	for i, r := range rows {
		if want := int(hashOf(seed, r.Name) % k); folds[i] != want {
			t.Fatalf("%s: fold %d, want its hash's %d", r.Name, folds[i], want)
		}
	}
	for f, in := range foldsOfFamilies(rows, folds) {
		if len(in) < 3 {
			t.Errorf("family %s is in folds %v only, want it spread", f, in)
		}
	}
}

func TestFoldsParseGrouping(t *testing.T) {
	for in, want := range map[string]Grouping{"": ByFamily, "family": ByFamily, "none": ByRow, "row": ByRow} {
		g, err := ParseGrouping(in)
		if err != nil || g != want {
			t.Errorf("ParseGrouping(%q) = %q, %v; want %q", in, g, err, want)
		}
	}
	for _, in := range []string{"families", "rows", "Family", "source"} {
		g, err := ParseGrouping(in)
		if err == nil || !strings.Contains(err.Error(), "--group "+in) {
			t.Errorf("ParseGrouping(%q) = %q, %v; want an error naming --group %s", in, g, err, in)
		}
	}
}
