package iforest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/tiny.good.json")

func TestModelJSONRoundTrip(t *testing.T) {
	x, _ := synthetic(3000, 0, 27)
	x = withMissing(x)
	for r := range x.Rows {
		x.Row(r)[9] = 1 // a constant column: dropped
	}
	p := DefaultParams()
	if err := ParseParams(map[string]string{"max_samples": "200", "max_features": "0.8", "bootstrap": "true", "n_estimators": "30"}, &p); err != nil {
		t.Fatal(err)
	}
	m, err := Train(context.Background(), x, p, Options{})
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
	if back.Params() != m.Params() || back.SamplesPerTree() != 200 || back.MaxDepth() != 8 ||
		back.Offset() != m.Offset() || back.Threshold() != m.Threshold() || back.NumTrees() != 30 {
		t.Fatalf("round trip changed the header: %+v", back)
	}
	if d := back.Validation().Dropped; len(d) != 1 || d[0].Feature != 9 {
		t.Fatalf("round trip lost the validation report: %+v", back.Validation())
	}
	a, c := make([]float64, x.Rows), make([]float64, x.Rows)
	if err := m.ScoreSamples(x, a); err != nil {
		t.Fatal(err)
	}
	if err := back.ScoreSamples(x, c); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("row %d: %v before, %v after the round trip", i, a[i], c[i])
		}
	}
}

// tinyModel trains the small model stored in testdata/tiny.good.json: 3
// trees of 8 samples on 10 named features, one of them constant (dropped)
// and one with a missing value.
func tinyModel(t *testing.T) *Model {
	t.Helper()
	x, _ := synthetic(60, 0, 28)
	x.Row(0)[5] = float32(math.NaN())
	for r := range x.Rows {
		x.Row(r)[4] = 2 // dropped as constant
	}
	p := DefaultParams()
	p.Trees, p.MaxSamples, p.Seed = 3, Amount{Count: 8}, 5
	m, err := Train(context.Background(), x, p, Options{FeatureNames: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}})
	if err != nil {
		t.Fatal(err)
	}
	return m
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
	if !bytes.Equal(b, bytes.TrimSuffix(want, []byte("\n"))) {
		t.Fatalf("model bytes differ from %s (run with -update if the change is intended):\n%s", path, b)
	}
}

// TestModelJSONRejects edits the hand-built forest one way at a time; each
// edit must be refused with an error that says what is wrong.
func TestModelJSONRejects(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"format", `"mlctl-iforest"`, `"mlctl-gbdt"`, `format "mlctl-gbdt", want "mlctl-iforest"`},
		{"version", `"format_version":1`, `"format_version":2`, "format_version 2, want 1"},
		{"unknown field", `"max_depth":2,`, `"max_depth":2,"depth":3,`, `unknown field "depth"`},
		{"num_features", `"num_features":2`, `"num_features":0`, "num_features 0"},
		{"missing param", `"seed":"0",`, ``, `params has no "seed"`},
		{"n_jobs param", `"seed":"0",`, `"seed":"0","n_jobs":"2",`, `params has "n_jobs"`},
		{"bad param", `"threshold":"-0.03"`, `"threshold":"0.2"`, "parameter threshold = 0.2"},
		{"samples", `"samples_per_tree":4`, `"samples_per_tree":5`, "samples_per_tree 5, want 1..4"},
		{"max_depth", `"max_depth":2`, `"max_depth":3`, "max_depth 3, want 2"},
		{"auto offset", `"offset":-0.5`, `"offset":-0.6`, `offset -0.6, want -0.5 for contamination "auto"`},
		{"threshold", `"offset":-0.5,"threshold":-0.03`, `"offset":-0.5,"threshold":-0.01`, "threshold -0.01, want a value in [-1, params.threshold = -0.03]"},
		{"tree count", `,
{"feature":[0],"threshold":[0],"left":[-1],"size":[4]}`, ``, "1 trees, params.n_estimators is 2"},
		{"lengths", `"size":[4,3,1,1,2]`, `"size":[4,3,1,1]`, "tree 0: size has 4 entries, left has 5"},
		{"left backwards", `"left":[1,3,-1,-1,-1]`, `"left":[1,0,-1,-1,-1]`, "tree 0: node 1: left 0, want -1 (leaf) or 2..3"},
		{"left past the end", `"left":[1,3,-1,-1,-1]`, `"left":[1,4,-1,-1,-1]`, "node 1: left 4"},
		{"orphan", `"feature":[0,1,0,0,0],"threshold":[1.5,0,0,0,0],"left":[1,3,-1,-1,-1]`,
			`"feature":[0,0,0,0,0],"threshold":[1.5,0,0,0,0],"left":[1,-1,-1,-1,-1]`, "node 3 is no node's child"},
		{"two parents", `"left":[1,3,-1,-1,-1]`, `"left":[1,2,-1,-1,-1]`, "child 2 or 3 is already another node's child"},
		{"sizes", `"size":[4,3,1,1,2]`, `"size":[4,3,1,1,1]`, "node 1: size 3, children 1 and 1"},
		{"root size", `"size":[4,3,1,1,2]`, `"size":[5,4,1,2,2]`, "root size 5, want 1..4"},
		{"leaf fields", `"feature":[0,1,0,0,0]`, `"feature":[0,1,1,0,0]`, "leaf 2: feature 1 and threshold 0"},
		{"feature range", `"feature":[0,1,0,0,0]`, `"feature":[2,1,0,0,0]`, "node 0: feature 2 is not a kept feature"},
		{"dropped feature", `"kept":[0,1],"dropped":[]`, `"kept":[0],"dropped":[{"feature":1,"name":"b","reason":"constant","value":3}]`,
			"node 1: feature 1 is not a kept feature"},
		{"kept order", `"kept":[0,1]`, `"kept":[1,0]`, "kept[1] = 0: want ascending"},
		{"kept count", `"kept":[0,1]`, `"kept":[0]`, "1 kept and 0 dropped features, want 2"},
		{"reason", `"kept":[0,1],"dropped":[]`, `"kept":[0],"dropped":[{"feature":1,"name":"b","reason":"odd","value":0}]`, `reason "odd"`},
		{"min_ratio", `"min_ratio":0.5`, `"min_ratio":0.4`, "min_ratio 0.4, params.min_valid_feature_ratio is 0.5"},
		{"threshold string", `"threshold":[1.5,`, `"threshold":["1.5",`, "cannot unmarshal string"},
		{"trailing", `"size":[4]}]}`, `"size":[4]}]}{}`, "trailing data"},
		{"truncated", `"size":[4]}]}`, `"size":[4]}]`, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(handForest, tc.old) {
				t.Fatalf("test edit %q not found", tc.old)
			}
			var m Model
			err := m.UnmarshalJSON([]byte(strings.Replace(handForest, tc.old, tc.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestModelJSONDepthLimit(t *testing.T) {
	// A chain deeper than max_depth (2 for ψ = 4).
	deep := strings.Replace(handForest,
		`{"feature":[0,1,0,0,0],"threshold":[1.5,0,0,0,0],"left":[1,3,-1,-1,-1],"size":[4,3,1,1,2]}`,
		`{"feature":[0,1,0,0,0,0,0],"threshold":[1.5,0,0,0,0,0,0],"left":[1,3,-1,5,-1,-1,-1],"size":[4,3,1,2,1,1,1]}`, 1)
	var m Model
	if err := json.Unmarshal([]byte(deep), &m); err == nil || !strings.Contains(err.Error(), "depth 3, above max_depth 2") {
		t.Fatalf("err = %v", err)
	}
}
