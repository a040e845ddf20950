package lstm

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// markerExamples draws n sequences over vocab 40 whose label is whether
// token 5 occurs among the real tokens; the padding is full of 5s, so a
// model that read past a sequence's length would learn the wrong thing.
func markerExamples(src *rand.Rand, n int) Examples {
	const width = 20
	x := Examples{Sequences: Sequences{IDs: make([]int32, n*width), Lengths: make([]int32, n), Width: width}, Labels: make([]float32, n)}
	for i := range n {
		l := 3 + src.IntN(width-3)
		x.Lengths[i] = int32(l)
		for k := range width {
			id := int32(5)
			if k < l {
				id = int32(6 + src.IntN(34))
			}
			x.IDs[i*width+k] = id
		}
		if src.IntN(2) == 1 {
			x.IDs[i*width+src.IntN(l)] = 5
			x.Labels[i] = 1
		}
	}
	return x
}

func markerParams() Params {
	p := DefaultParams()
	p.Vocab, p.Embed, p.Hidden = 40, 8, 16
	p.BatchSize, p.Epochs, p.LearningRate, p.Seed = 32, 12, 0.02, 3
	return p
}

func TestTrainLearnsAndStopsAtTheBestEpoch(t *testing.T) {
	src := rand.New(rand.NewPCG(61, 61))
	train, valid := markerExamples(src, 800), markerExamples(src, 300)
	m, err := Train(context.Background(), train, valid, markerParams(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	scores := make([]float32, valid.Rows())
	if err := m.Predict(scores, valid.Sequences); err != nil {
		t.Fatal(err)
	}
	right := 0
	for i, s := range scores {
		if (s >= 0.5) == (valid.Labels[i] == 1) {
			right++
		}
	}
	acc := float64(right) / float64(len(scores))
	t.Logf("validation accuracy %.3f after %d epochs", acc, len(m.History()))
	if acc < 0.95 {
		t.Errorf("validation accuracy %.3f, want >= 0.95 (history %+v)", acc, m.History())
	}
	h := m.History()
	best := slices.MinFunc(h, func(a, b Epoch) int { return cmpFloat(a.ValidLoss, b.ValidLoss) })
	if got := newTrainer(m.params).meanLoss(&m.weights, valid, nil); got != best.ValidLoss {
		t.Errorf("kept weights have validation loss %v, best epoch %v", got, best.ValidLoss)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestTrainStopsEarlyWithoutSignal(t *testing.T) {
	src := rand.New(rand.NewPCG(62, 62))
	train, valid := markerExamples(src, 200), markerExamples(src, 100)
	for i := range train.Labels {
		train.Labels[i] = float32(src.IntN(2)) // noise: validation loss can only get worse
	}
	p := markerParams()
	p.Epochs, p.Patience, p.LearningRate = 30, 2, 0.05
	m, err := Train(context.Background(), train, valid, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := m.History()
	if len(h) >= p.Epochs {
		t.Fatalf("trained all %d epochs; want an early stop (history %+v)", len(h), h)
	}
	last := h[len(h)-p.Patience-1:]
	for _, e := range last[1:] {
		if e.ValidLoss < last[0].ValidLoss {
			t.Errorf("stopped although an epoch of the last %d improved: %+v", p.Patience, h)
		}
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	src := rand.New(rand.NewPCG(63, 63))
	train, valid := markerExamples(src, 200), markerExamples(src, 60)
	p := markerParams()
	p.Epochs = 3
	var runs [][]byte
	for _, procs := range []int{1, 2, 1} {
		prev := runtime.GOMAXPROCS(procs)
		m, err := Train(context.Background(), train, valid, p, Options{})
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, b)
	}
	if !bytes.Equal(runs[0], runs[1]) || !bytes.Equal(runs[0], runs[2]) {
		t.Error("the same seed and data gave different model bytes")
	}
	p.Seed++
	m, err := Train(context.Background(), train, valid, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := m.MarshalJSON(); bytes.Equal(b, runs[0]) {
		t.Error("another seed gave the same model bytes")
	}
}

func TestTrainRefusesBadInput(t *testing.T) {
	src := rand.New(rand.NewPCG(64, 64))
	good := markerExamples(src, 10)
	p := markerParams()
	badLabel := good
	badLabel.Labels = slices.Clone(good.Labels)
	badLabel.Labels[3] = 2
	badID := good
	badID.IDs = slices.Clone(good.IDs)
	badID.IDs[0] = int32(p.Vocab)
	badLen := good
	badLen.Lengths = slices.Clone(good.Lengths)
	badLen.Lengths[1] = int32(good.Width + 1)
	badParams := p
	badParams.Hidden, badParams.Dropout = 0, 1
	cases := []struct {
		name         string
		train, valid Examples
		p            Params
	}{
		{"label out of [0, 1]", badLabel, good, p},
		{"token outside the vocabulary", badID, good, p},
		{"length beyond the width", good, badLen, p},
		{"no training rows", Examples{}, good, p},
		{"patience without validation", good, Examples{}, p},
		{"invalid params", good, good, badParams},
	}
	for _, c := range cases {
		if _, err := Train(context.Background(), c.train, c.valid, c.p, Options{}); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	wild := p
	wild.LearningRate = 3e38
	if _, err := Train(context.Background(), good, good, wild, Options{}); err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Errorf("a learning rate of 3e38: error %v, want a divergence", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, good, good, p, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: err %v, want context.Canceled", err)
	}
	p.Patience = 0
	m, err := Train(context.Background(), good, Examples{}, p, Options{})
	if err != nil {
		t.Fatalf("no validation set and no patience: %v", err)
	}
	if h := m.History(); len(h) != p.Epochs || !math.IsNaN(h[0].ValidLoss) {
		t.Errorf("history without validation: %+v", h)
	}
}
