package lstmbench

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/lstm"
)

// AccuracyNote says what the TXT ROC-AUCs can and cannot tell.
const AccuracyNote = "the test part is a random 20% of the same two sources (one zone collection, one tunnel tool: dns2tcp), " +
	"so these AUCs say little about tunnel tools or zones never seen"

// Accuracy is the ROC-AUC comparison on TXT records: both trainers fit the
// identical token sequences of the training part for the same epochs and
// score the same test part.
type Accuracy struct {
	// Records read: zone records (label 0) and dns2tcp tunnel answers
	// (label 1); Empty of them have no n-gram and are left out.
	ZoneRecords   int `json:"zone_records"`
	TunnelRecords int `json:"tunnel_records"`
	Empty         int `json:"empty_records_left_out"`
	TrainRows     int `json:"train_rows"`
	TestRows      int `json:"test_rows"`
	TestTunnel    int `json:"test_tunnel_rows"`
	// Vocab is the tokenizer's vocabulary (fitted on the training part),
	// Pad and Unk included; Width the padded sequence width.
	Vocab  int         `json:"vocab"`
	Width  int         `json:"width"`
	Params lstm.Params `json:"params"`
	// ROC-AUC on the test part, and training wall time (one thread for
	// torch; training/lstm runs on one goroutine).
	MlctlAUC          float64 `json:"mlctl_auc"`
	TorchAUC          float64 `json:"torch_auc"`
	MlctlTrainSeconds float64 `json:"mlctl_train_seconds"`
	TorchTrainSeconds float64 `json:"torch_train_seconds"`
	Note              string  `json:"note"`
}

// measureAccuracy trains both on the corpus's training part and scores its
// test part.
func measureAccuracy(ctx context.Context, tw *torchWorker, c corpus, p lstm.Params) (Accuracy, error) {
	a := Accuracy{
		ZoneRecords: c.zone, TunnelRecords: c.tunnel, Empty: c.empty,
		TrainRows: c.train.Rows(), TestRows: c.test.Rows(), Vocab: c.vocab, Width: c.train.Width,
		Params: p, Note: AccuracyNote,
	}
	labels := make([]int, c.test.Rows())
	for i, y := range c.test.Labels {
		if y == 1 {
			labels[i] = 1
			a.TestTunnel++
		}
	}
	start := time.Now()
	m, err := lstm.Train(ctx, c.train, lstm.Examples{}, p, lstm.Options{})
	if err != nil {
		return a, fmt.Errorf("lstmbench: train on TXT records: %w", err)
	}
	a.MlctlTrainSeconds = time.Since(start).Seconds()
	pred := make([]float32, c.test.Rows())
	if err := m.Predict(pred, c.test.Sequences); err != nil {
		return a, fmt.Errorf("lstmbench: %w", err)
	}
	a.MlctlAUC = eval.ROCAUC(float64s(pred), labels)
	secs, torchPred, err := tw.fit(c.test.Rows())
	if err != nil {
		return a, err
	}
	a.TorchTrainSeconds, a.TorchAUC = secs, eval.ROCAUC(float64s(torchPred), labels)
	return a, nil
}

func float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
