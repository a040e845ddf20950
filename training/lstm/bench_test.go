package lstm

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"gorgonia.org/tensor"
)

// The benchmarks run on one thread at the shapes of bench/lstm's speed
// comparison with torch: batches of 64 sequences of length 40 over seed
// 002's sizes (vocabulary 10,002, embedding 64, hidden 64). Compare with
//
//	go test -run '^$' -bench . -benchtime 5s ./training/lstm
//	go run ./bench/cmd/mlctl-bench -only-lstm -out /tmp/lstm.json
const (
	benchBatch  = 64
	benchLength = 40
)

// benchSetup returns a default-size model and one full batch, with
// GOMAXPROCS set to 1 until the benchmark ends.
func benchSetup(b *testing.B) (*Model, Examples) {
	b.Helper()
	prev := runtime.GOMAXPROCS(1)
	b.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	p := DefaultParams()
	src := rand.New(rand.NewPCG(71, 71))
	x := Examples{Sequences: Sequences{IDs: make([]int32, benchBatch*benchLength), Lengths: make([]int32, benchBatch), Width: benchLength}, Labels: make([]float32, benchBatch)}
	for i := range x.IDs {
		x.IDs[i] = int32(2 + src.IntN(p.Vocab-2))
	}
	for i := range x.Lengths {
		x.Lengths[i], x.Labels[i] = benchLength, float32(src.IntN(2))
	}
	return initModel(p), x
}

// BenchmarkTrainStep is one native training step: forward with dropout,
// backward, Adam.
func BenchmarkTrainStep(b *testing.B) {
	m, x := benchSetup(b)
	tr := newTrainer(m.params)
	rows := allRows(benchBatch)
	tr.step(&m.weights, x, rows)
	b.ResetTimer()
	for range b.N {
		tr.step(&m.weights, x, rows)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkTrainStepGorgonia is the same step through the float32
// gorgonia graph (built once, run batch after batch) and the same Adam.
func BenchmarkTrainStepGorgonia(b *testing.B) {
	m, x := benchSetup(b)
	gr, err := newGraph(m.params, tensor.Float32, benchBatch, benchLength, true)
	if err != nil {
		b.Fatal(err)
	}
	opt, grad := newAdam(m.params), newWeights(m.params)
	rows := allRows(benchBatch)
	drop := make([]float32, benchBatch*m.params.Hidden)
	for i := range drop {
		drop[i] = float32(2 * (i % 2))
	}
	b.ResetTimer()
	for range b.N {
		if _, err := gr.run(float64s(&m.weights), x, rows, drop); err != nil {
			b.Fatal(err)
		}
		g, err := gr.gradient()
		if err != nil {
			b.Fatal(err)
		}
		for ti, t := range grad.tensors() {
			for i := range t {
				t[i] = float32(g[ti][i])
			}
		}
		opt.update(&m.weights, &grad)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkPredict scores one batch with Model.Predict.
func BenchmarkPredict(b *testing.B) {
	m, x := benchSetup(b)
	out := make([]float32, benchBatch)
	b.ResetTimer()
	for range b.N {
		if err := m.Predict(out, x.Sequences); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "seqs/s")
}

// BenchmarkPredictParallel scores batches on every core at once, one
// Predict per goroutine, as a scorer serving concurrent requests does.
func BenchmarkPredictParallel(b *testing.B) {
	m, x := benchSetup(b)
	runtime.GOMAXPROCS(runtime.NumCPU())
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		out := make([]float32, benchBatch)
		for pb.Next() {
			if err := m.Predict(out, x.Sequences); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "seqs/s")
}
