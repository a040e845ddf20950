package lstmbench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/mlctl/mlctl/bench/stats"
	"github.com/mlctl/mlctl/training/lstm"
)

// Speed is the throughput comparison on synthetic batches, one thread
// each.
type Speed struct {
	Batch  int `json:"batch"`
	Length int `json:"length"`
	Vocab  int `json:"vocab"`
	Embed  int `json:"embed"`
	Hidden int `json:"hidden"`
	// Batches is the number of batches of a run; the first is not timed.
	Batches int `json:"batches_per_run"`
	// Training steps per second and sequences scored per second, one
	// figure per run, their medians, and mlctl's medians over torch's
	// (above 1: mlctl is faster).
	MlctlTrainStepsPerSec  []float64 `json:"mlctl_train_steps_per_sec"`
	TorchTrainStepsPerSec  []float64 `json:"torch_train_steps_per_sec"`
	MlctlPredictSeqsPerSec []float64 `json:"mlctl_predict_seqs_per_sec"`
	TorchPredictSeqsPerSec []float64 `json:"torch_predict_seqs_per_sec"`
	MlctlTrainMedian       float64   `json:"mlctl_train_steps_per_sec_median"`
	TorchTrainMedian       float64   `json:"torch_train_steps_per_sec_median"`
	MlctlPredictMedian     float64   `json:"mlctl_predict_seqs_per_sec_median"`
	TorchPredictMedian     float64   `json:"torch_predict_seqs_per_sec_median"`
	TrainRatio             float64   `json:"train_ratio"`
	PredictRatio           float64   `json:"predict_ratio"`
}

// Targets of the issue: mlctl's median over torch's.
const (
	TrainTarget   = 0.5
	PredictTarget = 1.0
)

// synthetic draws n sequences of full length over tokens 2..vocab-1 with
// random labels.
func synthetic(n, length, vocab int, seed uint64) lstm.Examples {
	src := rand.New(rand.NewPCG(seed, 0x5eed))
	x := lstm.Examples{
		Sequences: lstm.Sequences{IDs: make([]int32, n*length), Lengths: make([]int32, n), Width: length},
		Labels:    make([]float32, n),
	}
	for i := range x.IDs {
		x.IDs[i] = int32(2 + src.IntN(vocab-2))
	}
	for i := range x.Lengths {
		x.Lengths[i], x.Labels[i] = int32(length), float32(src.IntN(2))
	}
	return x
}

// trainRate trains a fresh model on x for one epoch on one thread and
// returns its training steps per second, timed from the end of the first
// batch to the end of the last (through Progress, so that neither the
// initial weights nor the scoring table built at the end are counted, as
// torch's side times steps only).
func trainRate(ctx context.Context, x lstm.Examples, p lstm.Params) (float64, *lstm.Model, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC()
	p.Epochs = 1
	var first, last time.Time
	steps := 0
	m, err := lstm.Train(ctx, x, lstm.Examples{}, p, lstm.Options{
		ProgressEvery: time.Nanosecond,
		Progress: func(pr lstm.Progress) error {
			now := time.Now()
			switch {
			case pr.EpochDone:
				last, steps = now, pr.Batch-1
			case pr.Batch == 1:
				first = now
			}
			return nil
		},
	})
	if err != nil {
		return 0, nil, fmt.Errorf("lstmbench: train: %w", err)
	}
	if first.IsZero() || steps < 1 {
		return 0, nil, errors.New("lstmbench: train: no progress report after the first batch")
	}
	return float64(steps) / last.Sub(first).Seconds(), m, nil
}

// predictRate scores x with m on one thread and returns sequences per
// second, the first batch not timed.
func predictRate(m *lstm.Model, x lstm.Examples, batch int) (float64, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC()
	head, rest := split(x.Sequences, batch)
	out := make([]float32, x.Rows())
	if err := m.Predict(out[:head.Rows()], head); err != nil {
		return 0, fmt.Errorf("lstmbench: predict: %w", err)
	}
	start := time.Now()
	if err := m.Predict(out[head.Rows():], rest); err != nil {
		return 0, fmt.Errorf("lstmbench: predict: %w", err)
	}
	return float64(rest.Rows()) / time.Since(start).Seconds(), nil
}

// split returns the first n sequences of s and the rest.
func split(s lstm.Sequences, n int) (head, rest lstm.Sequences) {
	w := s.Width
	head = lstm.Sequences{IDs: s.IDs[:n*w], Lengths: s.Lengths[:n], Width: w}
	rest = lstm.Sequences{IDs: s.IDs[n*w:], Lengths: s.Lengths[n:], Width: w}
	return head, rest
}

// measureSpeed takes o.Repeats runs of each measurement, alternating
// mlctl's with torch's.
func measureSpeed(ctx context.Context, tw *torchWorker, x lstm.Examples, o Options) (Speed, error) {
	s := Speed{Batch: o.Batch, Length: o.Length, Vocab: o.Vocab, Embed: o.Embed, Hidden: o.Hidden, Batches: o.SpeedBatches}
	p := o.params(o.Vocab, 1)
	for range o.Repeats {
		rate, m, err := trainRate(ctx, x, p)
		if err != nil {
			return s, err
		}
		s.MlctlTrainStepsPerSec = append(s.MlctlTrainStepsPerSec, rate)
		if rate, err = tw.trainRate(); err != nil {
			return s, err
		}
		s.TorchTrainStepsPerSec = append(s.TorchTrainStepsPerSec, rate)
		if rate, err = predictRate(m, x, o.Batch); err != nil {
			return s, err
		}
		s.MlctlPredictSeqsPerSec = append(s.MlctlPredictSeqsPerSec, rate)
		if rate, err = tw.predictRate(); err != nil {
			return s, err
		}
		s.TorchPredictSeqsPerSec = append(s.TorchPredictSeqsPerSec, rate)
	}
	s.MlctlTrainMedian, s.TorchTrainMedian = stats.Median(s.MlctlTrainStepsPerSec), stats.Median(s.TorchTrainStepsPerSec)
	s.MlctlPredictMedian, s.TorchPredictMedian = stats.Median(s.MlctlPredictSeqsPerSec), stats.Median(s.TorchPredictSeqsPerSec)
	s.TrainRatio, s.PredictRatio = s.MlctlTrainMedian/s.TorchTrainMedian, s.MlctlPredictMedian/s.TorchPredictMedian
	return s, nil
}
