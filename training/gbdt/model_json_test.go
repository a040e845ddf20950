package gbdt

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/tiny.good.json")

// tinyModel trains the small model stored in testdata/tiny.good.json: 3
// trees of depth 2 on 4 features, with missing values.
func tinyModel(t *testing.T) *Model {
	t.Helper()
	x, y := synthetic(400, 4, 41)
	p := DefaultParams()
	p.Rounds, p.MaxDepth, p.MaxBin = 3, 2, 16
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModelJSONRoundTrip(t *testing.T) {
	x, y := synthetic(5000, 10, 42)
	p := sampledParams()
	p.MaxDepth = 14 // some trees deeper than the heap layout: the walk fallback
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, err := back.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatal("marshal → unmarshal → marshal changed the bytes")
	}
	if back.NumTrees() != m.NumTrees() || back.NumFeatures() != m.NumFeatures() || back.Params() != m.Params() {
		t.Fatalf("round trip changed the header: %d trees %d features %+v", back.NumTrees(), back.NumFeatures(), back.Params())
	}
	a, c := make([]float64, x.Rows), make([]float64, x.Rows)
	if err := m.Predict(x, a); err != nil {
		t.Fatal(err)
	}
	if err := back.Predict(x, c); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("row %d: %v before, %v after the round trip", i, a[i], c[i])
		}
	}
}

// TestModelJSONGolden checks that the native format of a fixed model is
// stable (regenerate with -update when the format changes on purpose).
func TestModelJSONGolden(t *testing.T) {
	b, err := tinyModel(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "tiny.good.json")
	if *update {
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(b, '\n'), want) {
		t.Fatalf("model bytes differ from %s (run go test -run Golden -update if the format changed on purpose)", path)
	}
	var m Model
	if err := json.Unmarshal(want, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestModelJSONRejectsCorruption loads every testdata/*.bad.json and wants
// an error that names the problem.
func TestModelJSONRejectsCorruption(t *testing.T) {
	want := map[string]string{
		"truncated.bad.json":        "model json: unexpected EOF",
		"not-json.bad.json":         "invalid character",
		"unknown-field.bad.json":    `unknown field "extra"`,
		"trailing.bad.json":         "trailing data",
		"format.bad.json":           `format "xgboost", want "mlctl-gbdt"`,
		"version.bad.json":          "format_version 2, want 1",
		"objective.bad.json":        `objective "reg:squarederror"`,
		"num-features.bad.json":     "num_features 0",
		"params-eta.bad.json":       "eta = -0.3",
		"base-score.bad.json":       "base_score 0.7 differs from params.base_score 0.5",
		"too-many-trees.bad.json":   "3 trees, more than params.num_round 2",
		"feature-range.bad.json":    "tree 1: node 0: split_feature 9 out of range (4 features)",
		"lengths.bad.json":          "tree 0: threshold has 2 entries, split_feature has 3",
		"leaf-count.bad.json":       "tree 2: 3 leaves for 3 split nodes, want 4",
		"left-not-next.bad.json":    "tree 0: node 0: left child 2, want the next node 1",
		"leaf-range.bad.json":       "tree 0: node 1: left child is leaf 7, out of range (4 leaves)",
		"leaf-twice.bad.json":       "tree 0: node 1: right child leaf 0 is already a child of another node",
		"default-left.bad.json":     "tree 0: node 0: default_left 2, want 0 or 1",
		"threshold-string.bad.json": "cannot unmarshal string",
		"right-backwards.bad.json":  "tree 0: node 0: right child 0 out of range",
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.bad.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("%d bad fixtures, the table lists %d", len(files), len(want))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var m Model
			if err := json.Unmarshal(b, &m); err == nil {
				t.Fatal("json.Unmarshal loaded it without error")
			}
			err = m.UnmarshalJSON(b)
			if err == nil {
				t.Fatal("UnmarshalJSON loaded it without error")
			}
			w, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("no expected error listed; got %v", err)
			}
			if !strings.Contains(err.Error(), w) {
				t.Fatalf("error %q does not contain %q", err, w)
			}
		})
	}
}
