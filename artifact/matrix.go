package artifact

import (
	"runtime"
	"sync"

	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/gbdt"
)

// FeatureMatrix computes the feature vectors of inputs with set, in parallel,
// as the float32 matrix the tree trainers take.
func FeatureMatrix(set features.Set, inputs []string) *gbdt.Matrix {
	width := len(set.Names())
	m := &gbdt.Matrix{Rows: len(inputs), Cols: width, Values: make([]float32, len(inputs)*width)}
	fillFeatures(set, inputs, m)
	return m
}

// fillFeatures writes the features of inputs into m's rows, on every core.
func fillFeatures(set features.Set, inputs []string, m *gbdt.Matrix) {
	width := m.Cols
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(inputs) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(inputs); lo += chunk {
		hi := min(lo+chunk, len(inputs))
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			row := make([]float64, width)
			for i := lo; i < hi; i++ {
				set.Extract(inputs[i], row)
				dst := m.Values[i*width : (i+1)*width]
				for j, v := range row {
					dst[j] = float32(v)
				}
			}
		}(lo, hi)
	}
	wg.Wait()
}
