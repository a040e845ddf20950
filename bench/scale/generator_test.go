package scale

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

func testBase() *Base {
	return &Base{
		Columns:  []string{"length", "ratio", "entropy"},
		Values:   []float32{10, 0.25, 3.1, 22, 0.5, 2.7, 7, 0.125, 3.9, 15, 0.75, 1.5},
		Labels:   []int{0, 1, 1, 0},
		Families: []string{"umbrella", "dga-a", "dga-b", "umbrella"},
	}
}

func fill(t *testing.T, g *Generator, rows, threads int) (*matrix.Matrix, []float32) {
	t.Helper()
	x := matrix.New(rows, 3)
	y := make([]float32, rows)
	g.Fill(x, y, threads)
	return x, y
}

// TestGeneratorDeterministic: the same seed gives the same rows whatever
// the threads, a prefix is the first rows of a longer run, another seed
// gives other rows, integer columns stay integers and every value stays
// in its column's range.
func TestGeneratorDeterministic(t *testing.T) {
	g, err := NewGenerator(testBase(), 7)
	if err != nil {
		t.Fatal(err)
	}
	n := 3*BlockRows + 17
	x1, y1 := fill(t, g, n, 1)
	x2, y2 := fill(t, g, n, 4)
	if !slices.Equal(x1.Values, x2.Values) || !slices.Equal(y1, y2) {
		t.Fatal("rows differ between 1 and 4 threads")
	}
	xp, yp := fill(t, g, BlockRows+5, 2)
	if !slices.Equal(xp.Values, x1.Values[:len(xp.Values)]) || !slices.Equal(yp, y1[:len(yp)]) {
		t.Fatal("a prefix differs from the first rows of a longer run")
	}
	other, _ := NewGenerator(testBase(), 8)
	xo, _ := fill(t, other, n, 2)
	if slices.Equal(xo.Values, x1.Values) {
		t.Fatal("seeds 7 and 8 gave the same rows")
	}
	for i := range n {
		r := x1.Row(i)
		if r[0] != float32(int(r[0])) || r[0] < 7 || r[0] > 22 || r[1] < 0.125 || r[1] > 0.75 || r[2] < 1.5 || r[2] > 3.9 {
			t.Fatalf("row %d = %v: outside its columns' ranges or a non-integer length", i, r)
		}
	}
}

// TestWriteCSVMatchesFill: every file of one pass holds its size's first
// rows, and each value reads back as the float32 Fill puts in the matrix.
func TestWriteCSVMatchesFill(t *testing.T) {
	g, err := NewGenerator(testBase(), 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sizes := []int{10, BlockRows + 3, 2*BlockRows + 1}
	paths := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv")}
	if _, err := g.WriteCSV(paths, sizes, 3); err != nil {
		t.Fatal(err)
	}
	x, y := fill(t, g, sizes[2], 2)
	for j, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != sizes[j]+1 || !slices.Equal(recs[0], []string{"key", "label", "family", "length", "ratio", "entropy"}) {
			t.Fatalf("%s: %d lines, header %v", p, len(recs), recs[0])
		}
		for i, rec := range recs[1:] {
			if rec[0] != "r"+strconv.Itoa(i) || rec[1] != strconv.Itoa(int(y[i])) {
				t.Fatalf("%s line %d: %v, want key r%d label %v", p, i+2, rec, i, y[i])
			}
			for f, cell := range rec[3:] {
				v, err := strconv.ParseFloat(cell, 64)
				if err != nil || float32(v) != x.Row(i)[f] {
					t.Fatalf("%s line %d column %d: %q, matrix has %v", p, i+2, f, cell, x.Row(i)[f])
				}
			}
		}
	}
}

func TestRound4(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{3.14159, 3.142}, {123456, 123500}, {0.000123456, 0.0001235}, {-2.71828, -2.718}, {0, 0}} {
		if got := round4(c.in); got != c.want {
			t.Errorf("round4(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
