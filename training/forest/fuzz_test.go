package forest

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzModelJSON: no input makes UnmarshalJSON panic, and any model it
// accepts predicts and explains (a row of NaN and a row of zeros) and
// marshals back to bytes that load to the same model.
func FuzzModelJSON(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Model
		if err := m.UnmarshalJSON(b); err != nil {
			return
		}
		nan := make([]float32, m.NumFeatures())
		for i := range nan {
			nan[i] = float32(math.NaN())
		}
		out := make([]float64, m.NumFeatures()+1)
		for _, row := range [][]float32{nan, make([]float32, m.NumFeatures())} {
			if p := m.PredictRow(row); !(p >= 0 && p <= 1) {
				t.Fatalf("probability %v", p)
			}
			if err := m.Contributions(row, out); err != nil {
				t.Fatal(err)
			}
		}
		again, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Model
		if err := back.UnmarshalJSON(again); err != nil {
			t.Fatalf("re-load: %v", err)
		}
		if third, _ := back.MarshalJSON(); !bytes.Equal(again, third) {
			t.Fatal("marshal is not stable")
		}
	})
}
