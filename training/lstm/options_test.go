package lstm

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkpointed trains with a Checkpoint hook and returns the model bytes
// and every state, by epoch.
func checkpointed(t *testing.T, train, valid Examples, p Params, resume []byte) ([]byte, map[int][]byte) {
	t.Helper()
	states := map[int][]byte{}
	m, err := Train(context.Background(), train, valid, p, Options{
		Resume: resume,
		Checkpoint: func(epoch int, state []byte) error {
			states[epoch] = slices.Clone(state)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b, states
}

func TestResumeGivesTheSameModel(t *testing.T) {
	src := rand.New(rand.NewPCG(71, 71))
	train, valid := markerExamples(src, 150), markerExamples(src, 60)
	noisy := train
	noisy.Labels = slices.Clone(train.Labels)
	for i := range noisy.Labels {
		noisy.Labels[i] = float32(src.IntN(2))
	}
	full := markerParams()
	full.Epochs, full.Patience = 4, 0
	early := full
	early.Patience, early.LearningRate = 1, 0.1 // overfits after epoch 2
	noise := full
	noise.Patience, noise.LearningRate = 1, 0.05 // worse from epoch 2
	cases := []struct {
		name  string
		train Examples
		p     Params
		early bool
	}{
		{"all epochs", train, full, false},
		{"early stopping", train, early, true},
		{"early stopping on noise", noisy, noise, true},
	}
	for _, c := range cases {
		want, states := checkpointed(t, c.train, valid, c.p, nil)
		var m Model
		if err := m.UnmarshalJSON(want); err != nil {
			t.Fatal(err)
		}
		epochs := len(m.History())
		if c.early != (epochs < c.p.Epochs) {
			t.Fatalf("%s: trained %d of %d epochs", c.name, epochs, c.p.Epochs)
		}
		t.Logf("%s: %d of %d epochs", c.name, epochs, c.p.Epochs)
		if len(states) != epochs {
			t.Fatalf("%s: %d checkpoints for %d epochs", c.name, len(states), epochs)
		}
		again, statesAgain := checkpointed(t, c.train, valid, c.p, nil)
		if !bytes.Equal(again, want) || !bytes.Equal(statesAgain[1], states[1]) {
			t.Fatalf("%s: two uninterrupted runs differ", c.name)
		}
		for k := 1; k <= min(2, epochs); k++ {
			if e, err := ResumeEpoch(states[k]); err != nil || e != k {
				t.Errorf("%s: ResumeEpoch of state %d = %d, %v", c.name, k, e, err)
			}
			got, later := checkpointed(t, c.train, valid, c.p, states[k])
			if !bytes.Equal(got, want) {
				t.Errorf("%s: resumed after epoch %d: the model bytes differ from an uninterrupted run's", c.name, k)
			}
			for e, s := range later {
				if e <= k || !bytes.Equal(s, states[e]) {
					t.Errorf("%s: resumed after epoch %d: state of epoch %d differs", c.name, k, e)
				}
			}
		}
	}
}

func TestProgressIsMonotonic(t *testing.T) {
	src := rand.New(rand.NewPCG(72, 72))
	train, valid := markerExamples(src, 200), markerExamples(src, 60)
	p := markerParams()
	p.Epochs = 3
	var calls []Progress
	m, err := Train(context.Background(), train, valid, p, Options{
		ProgressEvery: time.Nanosecond,
		Progress:      func(pr Progress) error { calls = append(calls, pr); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	batches := (train.Rows() + p.BatchSize - 1) / p.BatchSize
	if len(calls) < p.Epochs*2 {
		t.Fatalf("%d progress calls", len(calls))
	}
	done := 0
	prev := Progress{Epoch: 1}
	for i, pr := range calls {
		if pr.Epochs != p.Epochs || pr.Batches != batches || pr.Batch < 1 || pr.Batch > batches ||
			!(pr.Loss > 0) || math.IsInf(pr.Loss, 0) {
			t.Fatalf("call %d: %+v", i, pr)
		}
		if pr.Epoch != done+1 {
			t.Fatalf("call %d in epoch %d after %d epochs done", i, pr.Epoch, done)
		}
		if i > 0 && !prev.EpochDone && pr.Batch < prev.Batch {
			t.Fatalf("call %d: batch %d after %d", i, pr.Batch, prev.Batch)
		}
		if done == 0 && (!math.IsNaN(pr.ValidLoss) || !math.IsNaN(pr.ValidAUC)) && !pr.EpochDone {
			t.Fatalf("call %d: validation figures %v, %v before the first epoch ended", i, pr.ValidLoss, pr.ValidAUC)
		}
		if pr.EpochDone {
			h := m.History()[done]
			if pr.Batch != batches || pr.Loss != h.TrainLoss || pr.ValidLoss != h.ValidLoss || !(pr.ValidAUC >= 0.5 && pr.ValidAUC <= 1) {
				t.Fatalf("end of epoch %d: %+v, history %+v", pr.Epoch, pr, h)
			}
			done++
		}
		prev = pr
	}
	if done != p.Epochs {
		t.Errorf("%d end-of-epoch calls for %d epochs", done, p.Epochs)
	}

	calls = nil
	if _, err := Train(context.Background(), train, valid, p, Options{
		ProgressEvery: time.Hour,
		Progress:      func(pr Progress) error { calls = append(calls, pr); return nil },
	}); err != nil {
		t.Fatal(err)
	}
	for _, pr := range calls {
		if !pr.EpochDone {
			t.Errorf("a call within an epoch although ProgressEvery is an hour: %+v", pr)
		}
	}
}

func TestHookErrorsStopTraining(t *testing.T) {
	src := rand.New(rand.NewPCG(73, 73))
	train, valid := markerExamples(src, 100), markerExamples(src, 30)
	p := markerParams()
	p.Epochs = 3
	stop := errors.New("disk full")
	calls := 0
	_, err := Train(context.Background(), train, valid, p, Options{
		Checkpoint: func(int, []byte) error { calls++; return stop },
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("checkpoint error: err %v after %d calls, want the error after 1", err, calls)
	}
	calls = 0
	_, err = Train(context.Background(), train, valid, p, Options{
		ProgressEvery: time.Nanosecond,
		Progress:      func(Progress) error { calls++; return stop },
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("progress error: err %v after %d calls, want the error after 1", err, calls)
	}
}

func TestResumeRefusesForeignStates(t *testing.T) {
	src := rand.New(rand.NewPCG(74, 74))
	train, valid := markerExamples(src, 100), markerExamples(src, 30)
	p := markerParams()
	p.Epochs = 2
	_, states := checkpointed(t, train, valid, p, nil)
	state := states[1]
	otherSeed := p
	otherSeed.Seed++
	fewer := train
	fewer.IDs, fewer.Lengths, fewer.Labels = train.IDs[:99*train.Width], train.Lengths[:99], train.Labels[:99]
	relabelled := train
	relabelled.Labels = slices.Clone(train.Labels)
	relabelled.Labels[0] = 1 - relabelled.Labels[0]
	repadded := train
	repadded.IDs = slices.Clone(train.IDs)
	repadded.IDs[train.Width-1] = 7 // padding of row 0, never read
	if train.Lengths[0] == int32(train.Width) {
		t.Fatal("row 0 has no padding")
	}
	corrupt := slices.Clone(state)
	corrupt[len(corrupt)/2] ^= 1
	cases := []struct {
		name  string
		train Examples
		p     Params
		state []byte
		want  string
	}{
		{"other seed", train, otherSeed, state, "other params"},
		{"fewer rows", fewer, p, state, "made with 100 training sequences"},
		{"other labels", relabelled, p, state, "other examples"},
		{"corrupt", train, p, corrupt, "corrupt"},
		{"not a state", train, p, []byte("{\"format\":\"mlctl-lstm\"}"), "not an lstm training state"},
		{"truncated", train, p, state[:40], "corrupt"},
	}
	for _, c := range cases {
		_, err := Train(context.Background(), c.train, valid, c.p, Options{Resume: c.state})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one saying %q", c.name, err, c.want)
		}
	}
	if _, err := Train(context.Background(), repadded, valid, p, Options{Resume: state}); err != nil {
		t.Errorf("other padding: %v", err)
	}
	if _, err := ResumeEpoch([]byte("nonsense")); err == nil {
		t.Error("ResumeEpoch accepted nonsense")
	}
}
