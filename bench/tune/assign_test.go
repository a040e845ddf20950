package tunebench

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/tuning"
)

// TestAssignFoldsAsTheTuneWorkflow wants the exported folds to be
// tuning.Folds over the rows outside the test part in dataset order (as
// activities.buildFold takes them), test rows at -1, families whole in
// one fold, and the CSV to say the same.
func TestAssignFoldsAsTheTuneWorkflow(t *testing.T) {
	var rows []datasets.Row
	var parts []byte
	for i := range 600 {
		r := datasets.Row{Name: fmt.Sprintf("n%03d.example", i), Label: 0, Family: "umbrella"}
		if i%3 == 0 {
			r.Label, r.Family = 1, fmt.Sprintf("fam%d", i%21)
		}
		rows = append(rows, r)
		p := registry.PartTrain
		switch {
		case r.Family == "fam6":
			p = registry.PartTest // a held-out family
		case i%10 == 1:
			p = registry.PartValidation
		case i%10 == 2:
			p = registry.PartTest
		}
		parts = append(parts, p)
	}
	const k, seed = 5, 7
	a, err := Assign(rows, &registry.Split{Assignment: parts}, k, tuning.ByFamily, seed)
	if err != nil {
		t.Fatal(err)
	}
	var tuned []datasets.Row
	for i, p := range parts {
		if p != registry.PartTest {
			tuned = append(tuned, rows[i])
		}
	}
	want := tuning.Folds(tuned, k, tuning.ByFamily, seed)
	j := 0
	foldOf := map[string]int{}
	for i, p := range parts {
		if p == registry.PartTest {
			if a.Folds[i] != -1 {
				t.Fatalf("test row %d has fold %d, want -1", i, a.Folds[i])
			}
			continue
		}
		if a.Folds[i] != want[j] {
			t.Fatalf("row %d: fold %d, tuning.Folds says %d", i, a.Folds[i], want[j])
		}
		j++
		if f := rows[i].Family; rows[i].Label == 1 {
			if g, ok := foldOf[f]; ok && g != a.Folds[i] {
				t.Fatalf("family %s in folds %d and %d", f, g, a.Folds[i])
			}
			foldOf[f] = a.Folds[i]
		}
	}
	seen := map[int]bool{}
	for _, f := range a.Folds {
		seen[f] = true
	}
	if len(seen) != k+1 {
		t.Fatalf("folds used: %v, want -1..%d", seen, k-1)
	}

	path := filepath.Join(t.TempDir(), "assign.csv")
	if err := a.WriteCSV(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"key", "part", "fold"}) || len(recs) != len(rows)+1 {
		t.Fatalf("assign.csv: header %v, %d lines", recs[0], len(recs))
	}
	for i, rec := range recs[1:] {
		if want := []string{rows[i].Name, strconv.Itoa(int(parts[i])), strconv.Itoa(a.Folds[i])}; !slices.Equal(rec, want) {
			t.Fatalf("assign.csv line %d: %v, want %v", i+2, rec, want)
		}
	}

	if _, err := Assign(rows[1:], &registry.Split{Assignment: parts}, k, tuning.ByFamily, seed); err == nil {
		t.Fatal("a split of another length: no error")
	}
}

// TestVectorsCSVReadsBackAsTheSameFloat32s wants every value written to
// read back as the very float32 the matrix held.
func TestVectorsCSVReadsBackAsTheSameFloat32s(t *testing.T) {
	v := &Vectors{Columns: []string{"a", "b", "c"}, Keys: []string{"x.com", "y.net"}, Labels: []int{1, 0}, Family: []string{"fam", "umbrella"},
		X: []float32{0.1, 1.0 / 3, 123456.79, -2.5e-7, 0, 3.4028235e38}}
	path := filepath.Join(t.TempDir(), "v.csv")
	if err := v.WriteCSV(path); err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadTabular(path, datasets.TabularOptions{KeyColumns: []string{"key"}, LabelColumn: "label", FamilyColumn: "family"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Columns, v.Columns) || !slices.Equal(tab.Keys, v.Keys) || !slices.Equal(tab.Labels, v.Labels) || !slices.Equal(tab.Families, v.Family) {
		t.Fatalf("read back columns %v keys %v labels %v families %v", tab.Columns, tab.Keys, tab.Labels, tab.Families)
	}
	for i, row := range tab.Values {
		for j, x := range row {
			if float32(x) != v.X[i*3+j] {
				t.Fatalf("row %d column %d: %v reads back as %v", i, j, v.X[i*3+j], float32(x))
			}
		}
	}
	bad := &Vectors{Columns: []string{"label"}}
	if err := bad.WriteCSV(path); err == nil {
		t.Fatal("a feature named label: no error")
	}
}

// TestSubsampleKeepsEveryFamily wants a seeded share of each family, at
// least one row of each, in order, the same for the same seed.
func TestSubsampleKeepsEveryFamily(t *testing.T) {
	var rows []datasets.Row
	for i := range 1000 {
		rows = append(rows, datasets.Row{Name: strconv.Itoa(i), Label: 1, Family: "big"})
	}
	rows = append(rows, datasets.Row{Name: "only", Label: 1, Family: "tiny"})
	for i := range 2000 {
		rows = append(rows, datasets.Row{Name: "b" + strconv.Itoa(i), Label: 0, Family: "umbrella"})
	}
	got := Subsample(rows, 0.25, 3)
	count := map[string]int{}
	for _, r := range got {
		count[r.Family]++
	}
	if count["big"] != 250 || count["tiny"] != 1 || count["umbrella"] != 500 {
		t.Fatalf("kept %v", count)
	}
	at := map[string]int{}
	for i, r := range rows {
		at[r.Name] = i
	}
	names := func(rs []datasets.Row) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}
	if !slices.IsSortedFunc(got, func(a, b datasets.Row) int { return at[a.Name] - at[b.Name] }) {
		t.Fatal("rows out of order")
	}
	if !slices.Equal(names(got), names(Subsample(rows, 0.25, 3))) || slices.Equal(names(got), names(Subsample(rows, 0.25, 4))) {
		t.Fatal("not seeded")
	}
}
