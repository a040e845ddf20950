package main

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sjwhitworth/golearn/base"
	"github.com/sjwhitworth/golearn/trees"
)

// TestGrid builds a grid of a tiny matrix: every value where it was, NaN
// as missingValue, the classes as given.
func TestGrid(t *testing.T) {
	x := []float32{1.5, -2, float32(math.NaN()), 4, 5, 6}
	g, missing, err := grid(x, 3, 2, labelClass(), []string{"0", "1", "1"})
	if err != nil {
		t.Fatal(err)
	}
	if cols, rows := g.Size(); cols != 3 || rows != 3 || missing != 1 {
		t.Fatalf("size %d × %d, %d missing", rows, cols, missing)
	}
	want := []float64{1.5, -2, missingValue, 4, 5, 6}
	attrs := base.NonClassFloatAttributes(g)
	for i := range 3 {
		for j, a := range attrs {
			spec, err := g.GetAttribute(a)
			if err != nil {
				t.Fatal(err)
			}
			if got := base.UnpackBytesToFloat(g.Get(spec, i)); got != want[i*2+j] || a.GetName() != []string{"f0", "f1"}[j] {
				t.Errorf("row %d %s = %v, want %v", i, a.GetName(), got, want[i*2+j])
			}
		}
	}
	if got := []string{base.GetClass(g, 0), base.GetClass(g, 1), base.GetClass(g, 2)}; !slices.Equal(got, []string{"0", "1", "1"}) {
		t.Errorf("classes %v", got)
	}
	if _, _, err := grid(x, 2, 2, labelClass(), []string{"0", "1"}); err == nil {
		t.Error("6 values for 2 × 2 accepted")
	}
	if _, _, err := grid(x, 3, 2, labelClass(), []string{"0"}); err == nil {
		t.Error("1 class for 3 rows accepted")
	}
	if _, err := labelStrings([]float32{0, 1, 2}); err == nil {
		t.Error("label 2 accepted")
	}
}

// TestVoteShares counts the votes of three ID3 trees on two separable
// classes, two fitted on both columns, one on the useless second column
// only (it votes the majority class, "0", everywhere): 2/3 on class-1
// rows, 0 on the others.
func TestVoteShares(t *testing.T) {
	const rows = 40
	x, y := make([]float32, 0, 2*rows), make([]float32, rows)
	for i := range rows {
		y[i] = float32(i % 2)
		x = append(x, y[i]*10+float32(i%5), float32(i%3))
	}
	labels, err := labelStrings(y)
	if err != nil {
		t.Fatal(err)
	}
	labels[1] = "0" // so that "0" is the majority (21 of 40)
	class := labelClass()
	g, _, err := grid(x, rows, 2, class, labels)
	if err != nil {
		t.Fatal(err)
	}
	test, _, err := grid(x, rows, 2, class, constantClasses(rows))
	if err != nil {
		t.Fatal(err)
	}
	var forest []base.Classifier
	for _, attrs := range [][]string{{"f0", "f1"}, {"f0", "f1"}, {"f1"}} {
		var keep []base.Attribute
		for _, a := range g.AllAttributes() {
			if slices.Contains(attrs, a.GetName()) || a.GetName() == "class" {
				keep = append(keep, a)
			}
		}
		tree := trees.NewID3DecisionTree(0)
		if err := tree.Fit(base.NewInstancesViewFromAttrs(g, keep)); err != nil {
			t.Fatal(err)
		}
		forest = append(forest, tree)
	}
	votes, err := voteShares(forest, test, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range votes {
		want := 0.0
		if y[i] == 1 { // row 1 too: its first column says 1
			want = 2.0 / 3
		}
		if v != want {
			t.Errorf("row %d (class %v): %v of the trees vote 1, want %v", i, y[i], v, want)
		}
	}
}

// TestFloatFiles round-trips the files the benchmark and this command
// exchange, and rejects a file of the wrong length.
func TestFloatFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.f32")
	if err := os.WriteFile(path, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readFloat32s(path, 2)
	if err != nil || !slices.Equal(got, []float32{1, -2}) {
		t.Fatalf("read %v, %v", got, err)
	}
	if _, err := readFloat32s(path, 3); err == nil {
		t.Error("8 bytes read as 3 float32s")
	}
	if err := writeFloat64s(filepath.Join(dir, "s.f64"), []float64{0.25}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "s.f64")); err != nil || len(b) != 8 || b[7] != 0x3f || b[6] != 0xd0 {
		t.Fatalf("wrote % x, %v", b, err)
	}
}
