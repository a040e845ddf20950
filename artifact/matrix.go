package artifact

import (
	"runtime"
	"sync"

	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/matrix"
)

// FeatureMatrix computes the feature vectors of inputs with set, in parallel,
// as the float32 matrix the tree trainers take.
func FeatureMatrix(set features.Set, inputs []string) *matrix.Matrix {
	width := len(set.Names())
	m := &matrix.Matrix{Rows: len(inputs), Cols: width, Values: make([]float32, len(inputs)*width)}
	fillFeatures(set, inputs, m)
	return m
}

// parallelMinRows is the fewest inputs worth splitting across cores.
const parallelMinRows = 256

// fillFeatures writes the features of inputs into m's rows, on every core.
func fillFeatures(set features.Set, inputs []string, m *matrix.Matrix) {
	width := m.Cols
	workers := runtime.GOMAXPROCS(0)
	if len(inputs) < parallelMinRows {
		workers = 1 // a request of a few names: goroutines would cost more than they save
	}
	fill := func(lo, hi int) {
		row := make([]float64, width)
		for i := lo; i < hi; i++ {
			set.Extract(inputs[i], row)
			dst := m.Values[i*width : (i+1)*width]
			for j, v := range row {
				dst[j] = float32(v)
			}
		}
	}
	if workers == 1 {
		fill(0, len(inputs))
		return
	}
	chunk := (len(inputs) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(inputs); lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fill(lo, hi)
		}(lo, min(lo+chunk, len(inputs)))
	}
	wg.Wait()
}
