package lstm

import (
	"errors"
	"fmt"
	"math"
)

// Limits of the trainer.
const (
	// maxVocab bounds the vocabulary (ids are int32; 2^24 rows of a
	// 64-wide embedding are already 4 GiB).
	maxVocab = 1 << 24
	// maxWidth bounds the dimensions of the embedding and the hidden state.
	maxWidth = 4096
)

// Params are the model's sizes and the training settings. The sizes default
// to the TXT notebook's DNSTxtClassifier (vocab_size 10002, embedding_dim 64,
// hidden_size 64, dropout 0.5); the training settings, which the seed does
// not record, to torch's Adam defaults and common practice.
type Params struct {
	// Vocab is the number of token ids, Pad (0) and Unk (1) included.
	Vocab int
	// Embed is the width of a token's embedding.
	Embed int
	// Hidden is the width of the LSTM's hidden and cell states.
	Hidden int
	// Dropout is the probability that training zeroes one unit of the last
	// hidden state before the linear layer (inverted dropout: the kept
	// units are scaled by 1/(1-Dropout)); scoring never drops. The TXT notebook
	// passes dropout=0.5 to a one-layer nn.LSTM, where torch ignores it;
	// here it acts where a one-layer model can use it.
	Dropout float64
	// LearningRate is Adam's step size (torch's lr).
	LearningRate float64
	// Beta1 and Beta2 are Adam's moment decays.
	Beta1, Beta2 float64
	// Epsilon is Adam's denominator term.
	Epsilon float64
	// BatchSize is the number of sequences per mini-batch.
	BatchSize int
	// Epochs is the most passes over the training set.
	Epochs int
	// Patience stops training after that many epochs in a row without a
	// lower validation loss; the weights kept are those of the best epoch.
	// 0 disables early stopping.
	Patience int
	// Seed seeds the initial weights, the batch order and the dropout
	// masks.
	Seed uint64
}

// DefaultParams returns the TXT notebook's sizes (vocabulary 10,002 with Pad and
// Unk, embedding 64, hidden 64, dropout 0.5) with torch's Adam defaults
// (learning rate 0.001, betas 0.9 and 0.999, epsilon 1e-8), batches of 64,
// at most 20 epochs and a patience of 3.
func DefaultParams() Params {
	return Params{
		Vocab: 10002, Embed: 64, Hidden: 64, Dropout: 0.5,
		LearningRate: 0.001, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8,
		BatchSize: 64, Epochs: 20, Patience: 3,
	}
}

// Validate checks every parameter's range and names the offending ones.
func (p Params) Validate() error {
	var errs []error
	bad := func(name string, v any, want string) {
		errs = append(errs, fmt.Errorf("lstm: parameter %s = %v: want %s", name, v, want))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if p.Vocab < 3 || p.Vocab > maxVocab {
		bad("vocab", p.Vocab, fmt.Sprintf("3..%d (Pad, Unk and at least one token)", maxVocab))
	}
	if p.Embed < 1 || p.Embed > maxWidth {
		bad("embed", p.Embed, fmt.Sprintf("1..%d", maxWidth))
	}
	if p.Hidden < 1 || p.Hidden > maxWidth {
		bad("hidden", p.Hidden, fmt.Sprintf("1..%d", maxWidth))
	}
	if !(p.Dropout >= 0 && p.Dropout < 1) {
		bad("dropout", p.Dropout, "a probability in [0, 1)")
	}
	if !(finite(p.LearningRate) && p.LearningRate > 0) {
		bad("learning_rate", p.LearningRate, "a finite number > 0")
	}
	if !(p.Beta1 >= 0 && p.Beta1 < 1) {
		bad("beta1", p.Beta1, "a number in [0, 1)")
	}
	if !(p.Beta2 >= 0 && p.Beta2 < 1) {
		bad("beta2", p.Beta2, "a number in [0, 1)")
	}
	if !(finite(p.Epsilon) && p.Epsilon > 0) {
		bad("epsilon", p.Epsilon, "a finite number > 0")
	}
	if p.BatchSize < 1 {
		bad("batch_size", p.BatchSize, "1 or more")
	}
	if p.Epochs < 1 {
		bad("epochs", p.Epochs, "1 or more")
	}
	if p.Patience < 0 {
		bad("patience", p.Patience, "0 (no early stopping) or more")
	}
	return errors.Join(errs...)
}
