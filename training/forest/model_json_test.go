package forest

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// TestModelJSONRoundTrip: a trained model survives MarshalJSON /
// UnmarshalJSON with identical bytes and identical predictions, also inside
// another JSON document (as the artifact embeds it).
func TestModelJSONRoundTrip(t *testing.T) {
	x, y := synthetic(3000, 9, 51, true)
	for _, p := range []Params{DefaultParams(), randomParams()} {
		p.Trees = 10
		m := mustTrain(t, x, y, p)
		b := modelBytes(t, m)
		var back Model
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if again := modelBytes(t, &back); !bytes.Equal(again, b) {
			t.Fatal("re-marshalled bytes differ")
		}
		if back.Params() != m.Params() || back.NumFeatures() != 9 || back.NumTrees() != 10 {
			t.Fatalf("header: %+v %d %d", back.Params(), back.NumFeatures(), back.NumTrees())
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
		doc, err := json.Marshal(struct{ Forest *Model }{m})
		if err != nil {
			t.Fatal(err)
		}
		var wrapped struct{ Forest *Model }
		if err := json.Unmarshal(doc, &wrapped); err != nil || wrapped.Forest.NumTrees() != 10 {
			t.Fatalf("embedded: %v", err)
		}
	}
}

func TestModelJSONTiny(t *testing.T) {
	b, err := os.ReadFile("testdata/tiny.good.json")
	if err != nil {
		t.Fatal(err)
	}
	var m Model
	if err := m.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	for _, tc := range []struct {
		row  []float32
		want float64
	}{
		{[]float32{0, 0}, (0 + 0.4) / 2},
		{[]float32{nan, 0}, (0 + 0.4) / 2}, // default left
		{[]float32{1, 1}, (0.5 + 0.4) / 2},
		{[]float32{1, 2}, (1 + 0.4) / 2},
		{[]float32{1, nan}, (1 + 0.4) / 2}, // default right
	} {
		if got := m.PredictRow(tc.row); math.Abs(got-tc.want) > 1e-7 {
			t.Errorf("PredictRow(%v) = %v, want %v", tc.row, got, tc.want)
		}
	}
	out, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, bytes.TrimSpace(b)) {
		t.Errorf("re-marshalled tiny model differs:\n%s\n%s", out, b)
	}
}

// TestModelJSONRejects: every field is validated with an error that says
// what is wrong.
func TestModelJSONRejects(t *testing.T) {
	good, err := os.ReadFile("testdata/tiny.good.json")
	if err != nil {
		t.Fatal(err)
	}
	g := strings.TrimSpace(string(good))
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"not json", g, "{", "unexpected EOF"},
		{"trailing", g, g + "{}", "trailing data"},
		{"unknown field", `"format_version":1,`, `"format_version":1,"extra":1,`, "unknown field"},
		{"format", `"mlctl-forest"`, `"mlctl-gbdt"`, `format "mlctl-gbdt"`},
		{"version", `"format_version":1`, `"format_version":2`, "format_version 2"},
		{"num features", `"num_features":2`, `"num_features":0`, "num_features 0"},
		{"feature range", `"split_feature":[0,1]`, `"split_feature":[0,2]`, "split_feature 2 out of range"},
		{"params", `"min_samples_leaf":1`, `"min_samples_leaf":0`, "min_samples_leaf = 0"},
		{"max features", `"max_features":"sqrt"`, `"max_features":"3"`, "max_features = 3, but the data has only 2"},
		{"class weight", `"class_weight":"none"`, `"class_weight":"auto"`, "class_weight"},
		{"tree count", `"n_estimators":2`, `"n_estimators":3`, "2 trees, params.n_estimators is 3"},
		{"lengths", `"threshold":[0.5,2]`, `"threshold":[0.5]`, "threshold has 1 entries"},
		{"leaf count", `"leaf_value":[0,0.5,1],"leaf_weight":[4,2,4]`, `"leaf_value":[0,0.5],"leaf_weight":[4,2]`, "2 leaves for 2 split nodes"},
		{"leaf lengths", `"leaf_weight":[4,2,4]`, `"leaf_weight":[4,2]`, "leaf_weight has 2 entries"},
		{"default left", `"default_left":[1,0]`, `"default_left":[2,0]`, "default_left 2"},
		{"leaf range", `"right":[1,-3]`, `"right":[1,-4]`, "leaf 3, out of range"},
		{"leaf twice", `"left":[-1,-2]`, `"left":[-1,-1]`, "leaf 0 is already a child"},
		{"left not next", `"left":[-1,-2]`, `"left":[-1,1]`, "left child 1, want the next node 2"},
		{"node backwards", `"right":[1,-3]`, `"right":[0,-3]`, "right child 0 out of range"},
		{"orphan node", `"right":[1,-3]`, `"right":[-3,-3]`, "leaf 2 is already a child"},
		{"value range", `"value":[0.4,0.7]`, `"value":[0.4,1.5]`, "value 1.5, want a probability"},
		{"leaf value", `"leaf_value":[0,0.5,1]`, `"leaf_value":[0,-0.5,1]`, "leaf 1: value -0.5"},
		{"weight", `"weight":[10,6]`, `"weight":[10,-6]`, "weight -6"},
		{"threshold string", `"threshold":[0.5,2]`, `"threshold":["0.5",2]`, "cannot unmarshal string"},
		{"threshold huge", `"threshold":[0.5,2]`, `"threshold":[0.5,1e40]`, "cannot unmarshal number 1e40"},
		{"depth", `"max_depth":0`, `"max_depth":1`, "node 1: a split at depth 1, params.max_depth is 1"},
		{"child ref range", `"right":[1,-3]`, `"right":[1,99999999999]`, "cannot unmarshal number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(g, tc.old) {
				t.Fatalf("test case does not apply: %q not in the good model", tc.old)
			}
			bad := strings.Replace(g, tc.old, tc.new, 1)
			var m Model
			err := m.UnmarshalJSON([]byte(bad))
			if err == nil {
				t.Fatalf("accepted:\n%s", bad)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
			if m.trees != nil {
				t.Fatal("a failed UnmarshalJSON changed the model")
			}
		})
	}
}
