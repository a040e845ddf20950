package gbdt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

// sampledParams exercises every random choice: rows and columns sampled.
func sampledParams() Params {
	p := DefaultParams()
	p.Rounds, p.MaxDepth, p.Subsample, p.ColsampleByTree, p.Seed = 24, 5, 0.7, 0.6, 42
	p.Alpha, p.Gamma, p.MinChildWeight = 0.1, 0.05, 2
	return p
}

func trainBytes(t *testing.T, x *matrix.Matrix, y []float32, p Params, opt Options) []byte {
	t.Helper()
	m, err := Train(context.Background(), x, y, p, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeterministicAcrossThreads: the same data, params and seed give the
// same model bytes with 1, 2, 3 and 8 threads.
func TestDeterministicAcrossThreads(t *testing.T) {
	x, y := synthetic(30000, 12, 31)
	p := sampledParams()
	var want [32]byte
	for i, threads := range []int{1, 2, 3, 8} {
		p.Threads = threads
		got := sha256.Sum256(trainBytes(t, x, y, p, Options{}))
		if i == 0 {
			want = got
		} else if got != want {
			t.Fatalf("%d threads: sha256 %x, 1 thread gave %x", threads, got[:8], want[:8])
		}
	}
	p.Threads, p.Seed = 2, 43
	if sha256.Sum256(trainBytes(t, x, y, p, Options{})) == want {
		t.Fatal("another seed gave the same model; the seed is not used")
	}
}

// TestResumeEqualsUninterrupted checkpoints at tree k through Progress,
// round-trips the checkpoint through JSON and resumes: the final bytes equal
// an uninterrupted run's.
func TestResumeEqualsUninterrupted(t *testing.T) {
	x, y := synthetic(8000, 12, 32)
	p := sampledParams()
	want := trainBytes(t, x, y, p, Options{})

	errStop := errors.New("worker died")
	var checkpoint []byte
	_, err := Train(context.Background(), x, y, p, Options{Progress: func(done int, partial *Model) error {
		if partial.NumTrees() != done {
			t.Errorf("partial model has %d trees after %d", partial.NumTrees(), done)
		}
		if done == 9 {
			b, err := partial.MarshalJSON()
			if err != nil {
				return err
			}
			checkpoint = b
			return errStop
		}
		return nil
	}})
	if !errors.Is(err, errStop) {
		t.Fatalf("Train returned %v, want the Progress error", err)
	}
	var resume Model
	if err := json.Unmarshal(checkpoint, &resume); err != nil {
		t.Fatal(err)
	}
	p.Threads = 3 // a different machine
	got := trainBytes(t, x, y, p, Options{Resume: &resume})
	if !bytes.Equal(got, want) {
		t.Fatalf("resumed model differs from the uninterrupted one (%d vs %d bytes)", len(got), len(want))
	}
}

func TestResumeRejectsOtherParams(t *testing.T) {
	x, y := synthetic(2000, 6, 33)
	p := sampledParams()
	p.Rounds = 3
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := p
	q.Eta = 0.1
	if _, err := Train(context.Background(), x, y, q, Options{Resume: m}); err == nil {
		t.Fatal("resume with another eta succeeded")
	}
	x2, y2 := synthetic(2000, 7, 33)
	if _, err := Train(context.Background(), x2, y2, p, Options{Resume: m}); err == nil {
		t.Fatal("resume on data with another feature count succeeded")
	}
	q = p
	q.Rounds = 2
	if _, err := Train(context.Background(), x, y, q, Options{Resume: m}); err == nil {
		t.Fatal("resume from 3 trees to num_round 2 succeeded")
	}
}

// TestProgressSnapshotsAreStable: a partial model keeps predicting the same
// after training continues.
func TestProgressSnapshotsAreStable(t *testing.T) {
	x, y := synthetic(3000, 8, 34)
	p := DefaultParams()
	p.Rounds = 10
	var first *Model
	var before []float64
	_, err := Train(context.Background(), x, y, p, Options{Progress: func(done int, partial *Model) error {
		if done == 3 {
			first = partial
			before = make([]float64, x.Rows)
			return partial.Predict(x, before)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	after := make([]float64, x.Rows)
	if err := first.Predict(x, after); err != nil {
		t.Fatal(err)
	}
	for i := range after {
		if after[i] != before[i] {
			t.Fatalf("row %d: snapshot predicted %v, later %v", i, before[i], after[i])
		}
	}
}

func TestTrainCancelled(t *testing.T) {
	x, y := synthetic(2000, 6, 35)
	ctx, cancel := context.WithCancel(context.Background())
	p := DefaultParams()
	_, err := Train(ctx, x, y, p, Options{Progress: func(done int, _ *Model) error {
		if done == 2 {
			cancel()
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
