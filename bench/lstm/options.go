package lstmbench

import (
	"errors"
	"fmt"

	"github.com/mlctl/mlctl/training/lstm"
)

// Options set the comparison's shapes and sizes.
type Options struct {
	// DataDir holds txt/zone_txt_records.tsv and txt/dns2tcp_tunnel_txt.tsv
	// (the shared corpora, devenv.SharedData).
	DataDir string
	// Batch, Length and Vocab shape the synthetic speed batches; Batch,
	// Embed and Hidden are also the TXT models' batch size and widths,
	// and the TXT tokenizer keeps Vocab-2 n-grams (Pad and Unk aside).
	Batch, Length, Vocab, Embed, Hidden int
	// SpeedBatches is the number of synthetic batches a speed run trains
	// on and scores (the first of each is not timed).
	SpeedBatches int
	// Repeats is the number of speed runs of each side; tables show
	// medians.
	Repeats int
	// Epochs is the number of passes both sides train over the TXT
	// training part (no early stopping: the same fixed schedule on both).
	Epochs int
	// Seed seeds the synthetic data, the split and both trainers.
	Seed uint64
}

// DefaultOptions are the shapes (batch 64, length 40, vocabulary
// 10,002, embedding 64, hidden 64), 100 batches per speed run, medians of
// 3 runs and 5 epochs on the TXT records (torch takes about 8 s an
// epoch there: packed sequences of up to ~1,300 steps).
func DefaultOptions(dataDir string) Options {
	return Options{
		DataDir: dataDir, Batch: 64, Length: 40, Vocab: 10002, Embed: 64, Hidden: 64,
		SpeedBatches: 100, Repeats: 3, Epochs: 5, Seed: 1,
	}
}

// validate checks the ranges the comparison needs.
func (o Options) validate() error {
	switch {
	case o.DataDir == "":
		return errors.New("lstmbench: no data directory")
	case o.SpeedBatches < 2:
		return fmt.Errorf("lstmbench: %d speed batches, want 2 or more (the first is not timed)", o.SpeedBatches)
	case o.Repeats < 1:
		return fmt.Errorf("lstmbench: %d repeats, want 1 or more", o.Repeats)
	case o.Length < 1:
		return fmt.Errorf("lstmbench: length %d, want 1 or more", o.Length)
	}
	return o.params(o.Vocab, o.Epochs).Validate()
}

// params are both trainers' settings for a vocabulary of vocab ids:
// training/lstm's defaults (dropout 0.5, Adam at torch's defaults) at
// the options' sizes, for epochs passes without early stopping.
func (o Options) params(vocab, epochs int) lstm.Params {
	p := lstm.DefaultParams()
	p.Vocab, p.Embed, p.Hidden, p.BatchSize = vocab, o.Embed, o.Hidden, o.Batch
	p.Epochs, p.Patience, p.Seed = epochs, 0, o.Seed
	return p
}
