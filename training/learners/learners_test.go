package learners_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/training/matrix"
)

// data is a small separable problem in both forms a learner reads: two
// features, and token sequences whose first token says the class.
func data(n int) training.Data {
	rng := rand.New(rand.NewPCG(1, 2))
	x := matrix.New(n, 2)
	y := make([]float32, n)
	seq := func(rows int) training.Examples {
		e := training.Examples{Sequences: matrix.Sequences{IDs: make([]int32, rows*4), Lengths: make([]int32, rows), Width: 4}, Labels: make([]float32, rows)}
		for i := range rows {
			label := int32(i % 2)
			e.Labels[i] = float32(label)
			e.Lengths[i] = 4
			for j := range 4 {
				e.IDs[i*4+j] = 2 + label*3 + int32(rng.IntN(3))
			}
		}
		return e
	}
	for i := range n {
		y[i] = float32(i % 2)
		x.Values[2*i] = y[i]*2 + float32(rng.Float64())
		x.Values[2*i+1] = float32(rng.Float64())
	}
	return training.Data{X: x, Y: y, FeatureNames: []string{"signal", "noise"}, Train: seq(n), Valid: seq(n / 4)}
}

// params are small, fast parameters for each learner.
var params = map[mlctl.Algo]map[string]string{
	mlctl.AlgoGBDT:    {"rounds": "8"},
	mlctl.AlgoRF:      {"n_estimators": "8"},
	mlctl.AlgoIForest: {"n_estimators": "16"},
	mlctl.AlgoLSTM:    {"epochs": "3", "patience": "0", "embed": "4", "hidden": "4", "batch_size": "16"},
}

// TestEveryLearner: each learner is listed once under its own algorithm
// and artifact key, parses its defaults with the seed in them, trains on
// the data it asks for, reports progress, and decodes the JSON its model
// writes into a model that writes the same bytes.
func TestEveryLearner(t *testing.T) {
	keys := map[string]bool{}
	d := data(400)
	for _, l := range learners.All() {
		got, err := learners.Lookup(l.Algo())
		if err != nil || got.Algo() != l.Algo() || keys[l.ModelKey()] || l.Summary() == "" || l.Needs().Unit == "" {
			t.Fatalf("%s: lookup %v, %v; key %q seen %v", l.Algo(), got, err, l.ModelKey(), keys[l.ModelKey()])
		}
		keys[l.ModelKey()] = true
		p, err := l.ParseParams(params[l.Algo()], 7, training.Shape{Positives: 200, Negatives: 200, Vocab: 8, Tokenizer: "test"})
		if err != nil {
			t.Fatalf("%s: %v", l.Algo(), err)
		}
		if p.Map()["seed"] != "7" {
			t.Errorf("%s: resolved params %v, want seed 7", l.Algo(), p.Map())
		}
		if _, err := l.ParseParams(map[string]string{"no_such_param": "1"}, 7, training.Shape{}); err == nil {
			t.Errorf("%s: an unknown parameter was accepted", l.Algo())
		}
		progressed := 0
		m, err := l.Train(context.Background(), d, p, training.Hooks{Progress: func(pr training.Progress) error {
			if pr.Stage != l.Needs().Unit || pr.Done < 1 || pr.Done > pr.Total {
				t.Errorf("%s: progress %+v", l.Algo(), pr)
			}
			progressed++
			return nil
		}})
		if err != nil {
			t.Fatalf("%s: train: %v", l.Algo(), err)
		}
		if progressed == 0 || m.Units() < 1 {
			t.Errorf("%s: %d progress calls, %d units", l.Algo(), progressed, m.Units())
		}
		b, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		back, err := l.DecodeModel(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", l.Algo(), err)
		}
		again, _ := back.MarshalJSON()
		if !bytes.Equal(b, again) || back.NumFeatures() != m.NumFeatures() {
			t.Errorf("%s: decoded model writes other bytes", l.Algo())
		}
	}
	if _, err := learners.Lookup("xgb"); err == nil || mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Errorf("unknown algo: %v", err)
	}
}

// TestResumeGivesTheSameModel: a learner that checkpoints, stopped after a
// checkpoint and resumed from it, ends with the bytes of an uninterrupted
// run.
func TestResumeGivesTheSameModel(t *testing.T) {
	d := data(400)
	for _, algo := range []mlctl.Algo{mlctl.AlgoGBDT, mlctl.AlgoLSTM} {
		l, _ := learners.Lookup(algo)
		p, err := l.ParseParams(params[algo], 3, training.Shape{Positives: 200, Negatives: 200, Vocab: 8, Tokenizer: "test"})
		if err != nil {
			t.Fatal(err)
		}
		whole, err := l.Train(context.Background(), d, p, training.Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := whole.MarshalJSON()

		var state []byte
		stop := context.Canceled
		_, err = l.Train(context.Background(), d, p, training.Hooks{Checkpoint: func(done int, s []byte) error {
			if done >= 2 {
				state = s
				return stop
			}
			return nil
		}})
		if state == nil || err == nil {
			t.Fatalf("%s: no checkpoint after 2 units (err %v)", algo, err)
		}
		if n, err := l.ResumePoint(state); err != nil || n != 2 {
			t.Fatalf("%s: resume point %d, %v; want 2", algo, n, err)
		}
		resumed, err := l.Train(context.Background(), d, p, training.Hooks{Resume: state})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := resumed.MarshalJSON()
		if !bytes.Equal(got, want) {
			t.Errorf("%s: resumed model differs from the uninterrupted one", algo)
		}
	}
}
