package forest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

var benchData = sync.OnceValues(func() (*matrix.Matrix, []float32) {
	return synthetic(80000, 44, 61, true)
})

// BenchmarkTrain fits 20 trees on 80,000 × 44 rows with 1 and all threads.
func BenchmarkTrain(b *testing.B) {
	x, y := benchData()
	for _, threads := range []int{1, 0} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			p := DefaultParams()
			p.Trees, p.Threads = 20, threads
			for range b.N {
				if _, err := Train(context.Background(), x, y, p, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPredict scores 20,000 rows with a 100-tree forest on every core.
func BenchmarkPredict(b *testing.B) {
	x, y := benchData()
	p := DefaultParams()
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		b.Fatal(err)
	}
	xt, _ := synthetic(20000, 44, 62, true)
	out := make([]float64, xt.Rows)
	b.ResetTimer()
	for range b.N {
		if err := m.Predict(xt, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(xt.Rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPredictRow scores one row at a time.
func BenchmarkPredictRow(b *testing.B) {
	x, y := benchData()
	p := DefaultParams()
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		_ = m.PredictRow(x.Row(i % x.Rows))
	}
}
