package iforest

import (
	"context"
	"crypto/sha256"
	"errors"
	"math"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/rng"
)

// withMissing returns a copy of x with about 5% of feature 2 and 20% of
// feature 6 missing.
func withMissing(x *matrix.Matrix) *matrix.Matrix {
	m := &matrix.Matrix{Rows: x.Rows, Cols: x.Cols, Values: append([]float32(nil), x.Values...)}
	for r := range m.Rows {
		h := rng.Splitmix64(uint64(r))
		if h%20 == 0 {
			m.Row(r)[2] = float32(math.NaN())
		}
		if h%5 == 1 {
			m.Row(r)[6] = float32(math.NaN())
		}
	}
	return m
}

func trainBytes(t *testing.T, x *matrix.Matrix, p Params) []byte {
	t.Helper()
	m, err := Train(context.Background(), x, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeterministicAcrossThreads: the same baseline, parameters and seed
// give the same model bytes (SHA-256) with 1, 2, 3 and 8 threads, with
// every random choice exercised (rows, features, bootstrap) and missing
// values; another seed gives another model.
func TestDeterministicAcrossThreads(t *testing.T) {
	x, _ := synthetic(12000, 0, 21)
	x = withMissing(x)
	for _, kv := range []map[string]string{
		{},
		{"max_samples": "300", "max_features": "0.7", "bootstrap": "true", "n_estimators": "150", "contamination": "auto"},
	} {
		p := DefaultParams()
		if err := ParseParams(kv, &p); err != nil {
			t.Fatal(err)
		}
		p.Seed = 42
		var want [32]byte
		for i, threads := range []int{1, 2, 3, 8} {
			p.Threads = threads
			got := sha256.Sum256(trainBytes(t, x, p))
			if i == 0 {
				want = got
			} else if got != want {
				t.Fatalf("%v, %d threads: sha256 %x, 1 thread gave %x", kv, threads, got[:8], want[:8])
			}
		}
		p.Threads, p.Seed = 2, 43
		if sha256.Sum256(trainBytes(t, x, p)) == want {
			t.Fatalf("%v: another seed gave the same model; the seed is not used", kv)
		}
	}
}

// TestScoresIndependentOfBatch: a row's score is the same whichever rows
// it is scored with and however many cores score them.
func TestScoresIndependentOfBatch(t *testing.T) {
	x, _ := synthetic(3000, 30, 22)
	x = withMissing(x)
	m, err := Train(context.Background(), rowsOf(x, 0, 3000), DefaultParams(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]float64, x.Rows)
	if err := m.ScoreSamples(x, all); err != nil {
		t.Fatal(err)
	}
	for _, threads := range []int{1, 3} {
		out := make([]float64, x.Rows)
		m.scoreSamples(x, out, threads)
		for i := range out {
			if out[i] != all[i] {
				t.Fatalf("%d threads: row %d scored %v, else %v", threads, i, out[i], all[i])
			}
		}
	}
	for _, i := range []int{0, 7, 8, 63, 64, 2999, 3029} {
		s, err := m.ScoreRow(x.Row(i))
		if err != nil {
			t.Fatal(err)
		}
		if s != all[i] {
			t.Fatalf("row %d: ScoreRow %v, ScoreSamples %v", i, s, all[i])
		}
	}
}

func TestTrainProgressAndCancel(t *testing.T) {
	x, _ := synthetic(2000, 0, 23)
	p := DefaultParams()
	p.Trees = 150
	var calls []int
	if _, err := Train(context.Background(), x, p, Options{Progress: func(done, total int) error {
		if total != 150 {
			t.Errorf("total %d, want 150", total)
		}
		calls = append(calls, done)
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 3 || calls[0] != 64 || calls[2] != 150 {
		t.Errorf("progress calls %v, want 64, 128, 150", calls)
	}
	errStop := errors.New("worker stopping")
	if _, err := Train(context.Background(), x, p, Options{Progress: func(int, int) error { return errStop }}); !errors.Is(err, errStop) {
		t.Errorf("err = %v, want the Progress error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, x, p, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	p := DefaultParams()
	inf := float32(math.Inf(1))
	for name, tc := range map[string]struct {
		x    *matrix.Matrix
		p    Params
		opt  Options
		want string
	}{
		"empty":        {matrix.New(0, 3), p, Options{}, "empty"},
		"shape":        {&matrix.Matrix{Rows: 2, Cols: 2, Values: []float32{1, 2, 3}}, p, Options{}, "has 3 values"},
		"inf":          {&matrix.Matrix{Rows: 2, Cols: 1, Values: []float32{1, inf}}, p, Options{}, "row 1 feature 0 is +Inf"},
		"params":       {matrix.New(2, 2), Params{}, Options{}, "n_estimators"},
		"names":        {&matrix.Matrix{Rows: 2, Cols: 1, Values: []float32{1, 2}}, p, Options{FeatureNames: []string{"a", "b"}}, "2 feature names for 1 columns"},
		"all constant": {&matrix.Matrix{Rows: 2, Cols: 2, Values: []float32{1, 2, 1, 2}}, p, Options{}, "only 0 of 2 features are valid"},
		"max_features": {&matrix.Matrix{Rows: 2, Cols: 2, Values: []float32{1, 2, 3, 2}}, Params{
			Trees: 1, MaxSamples: Amount{Count: 4}, MaxFeatures: Amount{Count: 2}, Threshold: -0.1, AnomalyPercentile: 5,
		}, Options{}, "max_features = 2, but only 1 features are valid (dropped f1 (constant 2))"},
	} {
		_, err := Train(ctx, tc.x, tc.p, tc.opt)
		if err == nil || !contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, tc.want)
		}
	}
}
