package iforest

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzUnmarshalJSON: no input makes UnmarshalJSON panic, and a model it
// accepts scores, explains and re-encodes any row without panicking.
func FuzzUnmarshalJSON(f *testing.F) {
	f.Add([]byte(handForest))
	if b, err := os.ReadFile(filepath.Join("testdata", "tiny.good.json")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if err := m.UnmarshalJSON(data); err != nil {
			return
		}
		row := make([]float32, m.NumFeatures())
		for i := range row {
			row[i] = float32(i%3) - 1
		}
		if _, err := m.ScoreRow(row); err != nil {
			t.Fatal(err)
		}
		if _, err := m.TopContributions(row, 5, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := m.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	})
}
