// Package lstmbench compares training/lstm with torch 1.13.1 (Debian's
// python3-torch, run with /usr/bin/python3; `make torchref`) side by side,
// on one thread each:
//
//   - speed, on synthetic batches generated once and shared (batch 64,
//     length 40, vocabulary 10,002, embedding 64, hidden 64 by default):
//     training steps per second (forward with dropout, backward, Adam) and
//     inference sequences per second, medians of runs that alternate the
//     two;
//   - accuracy, on TXT records (zone records against dns2tcp tunnel
//     answers from the shared corpora): one seeded 80/20 split, tokenized
//     by features/tokens with a vocabulary fitted on the training part;
//     both train on the identical sequences for the same epochs and score
//     the same test part, and the ROC-AUCs are compared.
//
// torch runs compare.py (embedded) as a pyworker process that loads the
// data once and times its own steps, so neither process start nor file
// I/O is counted; its model is the TXT notebook's DNSTxtClassifier as
// training/lstm builds it, with the same sizes, dropout and Adam settings.
package lstmbench

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Result is one comparison.
type Result struct {
	// Data is the folder the TXT records came from.
	Data         string   `json:"data"`
	TorchVersion string   `json:"torch_version"`
	TorchThreads int      `json:"torch_threads"`
	Speed        Speed    `json:"speed"`
	Accuracy     Accuracy `json:"accuracy"`
}

// Compare runs the speed and the accuracy comparison.
func Compare(ctx context.Context, o Options) (Result, error) {
	if err := o.validate(); err != nil {
		return Result{}, err
	}
	c, err := loadCorpus(o.DataDir, o.Seed, o.Vocab-2)
	if err != nil {
		return Result{}, err
	}
	x := synthetic(o.SpeedBatches*o.Batch, o.Length, o.Vocab, o.Seed)
	dir, err := os.MkdirTemp("", "lstmbench-")
	if err != nil {
		return Result{}, fmt.Errorf("lstmbench: %w", err)
	}
	defer os.RemoveAll(dir)
	tw, err := startTorch(ctx, dir, x, c, o.params(o.Vocab, o.Epochs))
	if err != nil {
		return Result{}, err
	}
	defer tw.Close()
	res := Result{Data: o.DataDir, TorchVersion: tw.version, TorchThreads: tw.threads}
	if res.Speed, err = measureSpeed(ctx, tw, x, o); err != nil {
		return res, err
	}
	if res.Accuracy, err = measureAccuracy(ctx, tw, c, o.params(c.vocab, o.Epochs)); err != nil {
		return res, err
	}
	return res, nil
}

// Table formats the result as two Markdown tables and the accuracy note.
func (r Result) Table() string {
	var b strings.Builder
	s, a := r.Speed, r.Accuracy
	fmt.Fprintf(&b, "speed: batch %d, length %d, vocabulary %d, embedding %d, hidden %d; %d batches a run, the first untimed; 1 thread each (torch %s, %d thread); median of %d runs, alternated\n\n",
		s.Batch, s.Length, s.Vocab, s.Embed, s.Hidden, s.Batches, r.TorchVersion, r.TorchThreads, len(s.MlctlTrainStepsPerSec))
	b.WriteString("| measure | mlctl | torch | ratio | target |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: |\n")
	fmt.Fprintf(&b, "| training steps/s | %.1f | %.1f | %.2f× | ≥ %.1f× %s |\n", s.MlctlTrainMedian, s.TorchTrainMedian, s.TrainRatio, TrainTarget, met(s.TrainRatio, TrainTarget))
	fmt.Fprintf(&b, "| inference sequences/s | %.0f | %.0f | %.2f× | ≥ %.1f× %s |\n", s.MlctlPredictMedian, s.TorchPredictMedian, s.PredictRatio, PredictTarget, met(s.PredictRatio, PredictTarget))
	fmt.Fprintf(&b, "\naccuracy: TXT records, %d zone (0) vs %d dns2tcp tunnel answers (1), %d without n-grams left out; seeded 80/20 split: train %d, test %d (%d tunnel); vocabulary %d fitted on the training part; %d epoch(s) each, batch %d, no early stopping\n\n",
		a.ZoneRecords, a.TunnelRecords, a.Empty, a.TrainRows, a.TestRows, a.TestTunnel, a.Vocab, a.Params.Epochs, a.Params.BatchSize)
	b.WriteString("| | mlctl | torch | Δ |\n")
	b.WriteString("| --- | ---: | ---: | ---: |\n")
	fmt.Fprintf(&b, "| test ROC-AUC | %.4f | %.4f | %+.4f |\n", a.MlctlAUC, a.TorchAUC, a.MlctlAUC-a.TorchAUC)
	fmt.Fprintf(&b, "| training s | %.2f | %.2f | |\n", a.MlctlTrainSeconds, a.TorchTrainSeconds)
	fmt.Fprintf(&b, "\nnote: %s\n", a.Note)
	return b.String()
}

// met marks whether a ratio reaches its target.
func met(ratio, target float64) string {
	if ratio >= target {
		return "(met)"
	}
	return "(missed)"
}
