package datasets

import (
	"bytes"
	"reflect"
	"slices"
	"testing"
)

func TestGenerateDemo(t *testing.T) {
	rows := GenerateDemo(3, 3001)
	if len(rows) != 3001 {
		t.Fatalf("%d rows", len(rows))
	}
	if !reflect.DeepEqual(rows, GenerateDemo(3, 3001)) {
		t.Fatal("same seed gave other rows")
	}
	if reflect.DeepEqual(rows, GenerateDemo(4, 3001)) {
		t.Fatal("another seed gave the same rows")
	}
	byLabel, byFamily := Counts(rows)
	if byLabel[1] != 1500 || byLabel[0] != 1501 {
		t.Errorf("labels %v", byLabel)
	}
	for _, f := range demoFamilies {
		if byFamily[f.name] < 180 {
			t.Errorf("family %s has %d rows", f.name, byFamily[f.name])
		}
	}
	seen := make(map[string]bool)
	for _, r := range rows {
		if seen[r.Name] {
			t.Fatalf("duplicate %s", r.Name)
		}
		seen[r.Name] = true
		if n, err := NormaliseDomain(r.Name); err != nil || n != r.Name {
			t.Fatalf("generated %q is not normal: %q, %v", r.Name, n, err)
		}
	}
	if !slices.IsSortedFunc(rows, compareRows) {
		t.Error("rows not sorted")
	}
	if GenerateDemo(1, 0) != nil {
		t.Error("n=0 gave rows")
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	rows := GenerateDemo(9, 400)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	r, err := ReadDGAFrom(&buf, "demo.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Bad) != 0 || r.Duplicates != 0 || Hash(r.Rows) != Hash(rows) {
		t.Fatalf("round trip: %d bad, %d dups, %d rows of %d", len(r.Bad), r.Duplicates, len(r.Rows), len(rows))
	}
}
