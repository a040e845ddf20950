package iforest

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
}

// benchSetup trains the default forest (100 trees, 256 samples) on 50,000
// synthetic rows of 10 features.
func benchSetup(b *testing.B) (*Model, *matrix.Matrix) {
	benchModel.once.Do(func() {
		x, _ := synthetic(49500, 500, 5)
		m, err := Train(context.Background(), x, DefaultParams(), Options{})
		if err != nil {
			panic(err)
		}
		benchModel.m, benchModel.x = m, x
	})
	return benchModel.m, benchModel.x
}

func benchmarkScore(b *testing.B, threads int) {
	m, x := benchSetup(b)
	out := make([]float64, x.Rows)
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	b.ResetTimer()
	for range b.N {
		if err := m.ScoreSamples(x, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkScoreSamples1Thread(b *testing.B) { benchmarkScore(b, 1) }
func BenchmarkScoreSamplesAllThreads(b *testing.B) {
	benchmarkScore(b, runtime.NumCPU())
}

func benchmarkTrain(b *testing.B, threads int) {
	_, x := benchSetup(b)
	p := DefaultParams()
	p.Threads = threads
	b.ResetTimer()
	for range b.N {
		if _, err := Train(context.Background(), x, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// The training benchmarks include scoring the 50,000 baseline rows (for
// the offset and the adaptive threshold).
func BenchmarkTrain1Thread(b *testing.B)    { benchmarkTrain(b, 1) }
func BenchmarkTrainAllThreads(b *testing.B) { benchmarkTrain(b, 0) }

func BenchmarkScoreRow(b *testing.B) {
	m, x := benchSetup(b)
	b.ResetTimer()
	for i := range b.N {
		if _, err := m.ScoreRow(x.Row(i % x.Rows)); err != nil {
			b.Fatal(err)
		}
	}
}
