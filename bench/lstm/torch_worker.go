package lstmbench

import (
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/training/lstm"
)

//go:embed compare.py
var compareScript []byte

// TorchHint says what installs torch; errors and the test name it.
const TorchHint = "install the reference with `make torchref`: Debian's python3-torch"

// torchWorker is a running compare.py: it holds the synthetic batches and
// the TXT split in memory and runs one timed torch step per command.
type torchWorker struct {
	*pyworker.Worker
	dir     string
	version string
	threads int
}

// torchConfig is compare.py's CONFIG.json: training/lstm's settings and
// the shapes of the files beside it.
type torchConfig struct {
	Batch   int     `json:"batch"`
	Embed   int     `json:"embed"`
	Hidden  int     `json:"hidden"`
	Dropout float64 `json:"dropout"`
	LR      float64 `json:"lr"`
	Beta1   float64 `json:"beta1"`
	Beta2   float64 `json:"beta2"`
	Eps     float64 `json:"eps"`
	Seed    uint64  `json:"seed"`
	Speed   struct {
		Rows   int `json:"rows"`
		Length int `json:"length"`
		Vocab  int `json:"vocab"`
	} `json:"speed"`
	TXT struct {
		TrainRows int `json:"train_rows"`
		TestRows  int `json:"test_rows"`
		Width     int `json:"width"`
		Vocab     int `json:"vocab"`
		Epochs    int `json:"epochs"`
	} `json:"txt"`
}

// startTorch writes the synthetic batches and the TXT split to dir and
// starts compare.py on them with the settings of p (sizes, the speed
// batches' vocabulary, dropout, Adam, batch size, epochs; torch's seed is
// p.Seed modulo 2^63).
func startTorch(ctx context.Context, dir string, speed lstm.Examples, c corpus, p lstm.Params) (*torchWorker, error) {
	files := []struct {
		name string
		ids  []int32
		f32  []float32
	}{
		{name: "speed_ids.i32", ids: speed.IDs}, {name: "speed_labels.f32", f32: speed.Labels},
		{name: "txt_train_ids.i32", ids: c.train.IDs}, {name: "txt_train_lengths.i32", ids: c.train.Lengths},
		{name: "txt_train_labels.f32", f32: c.train.Labels},
		{name: "txt_test_ids.i32", ids: c.test.IDs}, {name: "txt_test_lengths.i32", ids: c.test.Lengths},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		var err error
		if f.f32 != nil {
			err = pyworker.WriteFloat32s(path, f.f32)
		} else {
			err = writeInt32s(path, f.ids)
		}
		if err != nil {
			return nil, fmt.Errorf("lstmbench: %w", err)
		}
	}
	cfg := torchConfig{
		Batch: p.BatchSize, Embed: p.Embed, Hidden: p.Hidden, Dropout: p.Dropout,
		LR: p.LearningRate, Beta1: p.Beta1, Beta2: p.Beta2, Eps: p.Epsilon, Seed: p.Seed % (1 << 63),
	}
	cfg.Speed.Rows, cfg.Speed.Length, cfg.Speed.Vocab = speed.Rows(), speed.Width, p.Vocab
	cfg.TXT.TrainRows, cfg.TXT.TestRows, cfg.TXT.Width = c.train.Rows(), c.test.Rows(), c.train.Width
	cfg.TXT.Vocab, cfg.TXT.Epochs = c.vocab, p.Epochs
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("lstmbench: %w", err)
	}
	config := filepath.Join(dir, "config.json")
	if err := os.WriteFile(config, b, 0o600); err != nil {
		return nil, fmt.Errorf("lstmbench: %w", err)
	}
	var hello struct {
		Version string
		Threads int
	}
	w, err := pyworker.Start(ctx, "lstmbench", TorchHint, dir, compareScript, &hello, dir, config)
	if err != nil {
		return nil, err
	}
	return &torchWorker{Worker: w, dir: dir, version: hello.Version, threads: hello.Threads}, nil
}

// trainRate trains a fresh model on the synthetic batches and returns its
// training steps per second.
func (w *torchWorker) trainRate() (float64, error) {
	var r struct{ Steps, Seconds float64 }
	if err := w.Call("speed_train", &r); err != nil {
		return 0, err
	}
	return r.Steps / r.Seconds, nil
}

// predictRate scores the synthetic sequences with the last speed model and
// returns sequences per second.
func (w *torchWorker) predictRate() (float64, error) {
	var r struct{ Sequences, Seconds float64 }
	if err := w.Call("speed_predict", &r); err != nil {
		return 0, err
	}
	return r.Sequences / r.Seconds, nil
}

// fit trains on the TXT training part and returns the training seconds and
// the test part's probabilities.
func (w *torchWorker) fit(testRows int) (float64, []float32, error) {
	var r struct{ Seconds float64 }
	if err := w.Call("fit", &r); err != nil {
		return 0, nil, err
	}
	pred, err := pyworker.ReadFloat32s(filepath.Join(w.dir, "torch_test_pred.f32"), testRows)
	if err != nil {
		return 0, nil, fmt.Errorf("lstmbench: %w", err)
	}
	return r.Seconds, pred, nil
}

// writeInt32s writes v as little-endian int32s.
func writeInt32s(path string, v []int32) error {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
	return os.WriteFile(path, b, 0o600)
}
