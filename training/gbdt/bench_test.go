package gbdt

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

var benchModel struct {
	once sync.Once
	m    *Model
	x    *matrix.Matrix
	y    []float32
}

// benchSetup trains 100 trees of depth 6 on 20,000 rows of 55 features.
func benchSetup(b *testing.B) (*Model, *matrix.Matrix) {
	benchModel.once.Do(func() {
		x, y := synthetic(20000, 55, 3)
		p := DefaultParams()
		m, err := Train(context.Background(), x, y, p, Options{})
		if err != nil {
			panic(err)
		}
		benchModel.m, benchModel.x, benchModel.y = m, x, y
	})
	return benchModel.m, benchModel.x
}

func benchmarkPredict(b *testing.B, threads int) {
	m, x := benchSetup(b)
	out := make([]float64, x.Rows)
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	b.ResetTimer()
	for range b.N {
		if err := m.Predict(x, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*x.Rows), "ns/row")
}

// BenchmarkPredict1 scores 20,000 rows × 55 features with 100 trees of depth
// 6 on one core.
func BenchmarkPredict1(b *testing.B) { benchmarkPredict(b, 1) }

// BenchmarkPredictN does the same on every core.
func BenchmarkPredictN(b *testing.B) { benchmarkPredict(b, runtime.NumCPU()) }

// BenchmarkPredictRow scores one row at a time.
func BenchmarkPredictRow(b *testing.B) {
	m, x := benchSetup(b)
	b.ResetTimer()
	s := 0.0
	for i := range b.N {
		s += m.PredictRow(x.Row(i % x.Rows))
	}
	_ = s
}

func benchmarkTrain(b *testing.B, threads int) {
	x, y := synthetic(50000, 55, 5)
	p := DefaultParams()
	p.Rounds = 20
	p.Threads = threads
	b.ResetTimer()
	for range b.N {
		if _, err := Train(context.Background(), x, y, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrain1 trains 20 trees on 50,000 rows × 55 features, one thread.
func BenchmarkTrain1(b *testing.B) { benchmarkTrain(b, 1) }

// BenchmarkTrainN does the same on every core.
func BenchmarkTrainN(b *testing.B) { benchmarkTrain(b, runtime.NumCPU()) }
