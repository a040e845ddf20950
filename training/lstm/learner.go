package lstm

import (
	"context"
	"fmt"
	"math"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/matrix"
)

// Learner is the sequence model behind mlctl's training path: domain names
// character by character, or TXT records as n-grams, with early stopping
// on the validation part. It checkpoints after every epoch and resumes
// after the last finished one with the same final bytes.
type Learner struct{}

// Algo is lstm.
func (Learner) Algo() mlctl.Algo { return mlctl.AlgoLSTM }

// Summary says what it is.
func (Learner) Summary() string {
	return "dga names character by character, txt records as the TXT notebook's n-grams"
}

// ModelKey is the artifact key of the model.
func (Learner) ModelKey() string { return "lstm" }

// Needs: token sequences of both classes, in training and validation, of
// names or TXT records.
func (Learner) Needs() training.Needs {
	return training.Needs{Input: training.Sequences, Rows: training.BothClasses, Validation: true,
		Kinds: []mlctl.Kind{mlctl.KindDGA, mlctl.KindTXT}, Unit: "epochs", UnitParam: "epochs"}
}

// ParseParams reads user parameters over DefaultParams, with the
// tokenizer's vocabulary when it is known.
func (Learner) ParseParams(user map[string]string, seed uint64, shape training.Shape) (training.Params, error) {
	p := DefaultParams()
	if shape.Vocab > 0 {
		p.Vocab = shape.Vocab
	}
	p.Seed = seed
	if err := ParseParams(user, &p); err != nil {
		return nil, err
	}
	if shape.Vocab > 0 && p.Vocab != shape.Vocab {
		return nil, fmt.Errorf("vocab %d: the %s tokenizer has %d ids", p.Vocab, shape.Tokenizer, shape.Vocab)
	}
	return p, nil
}

// Train runs the epochs on d.Train, stopping early on d.Valid.
func (Learner) Train(ctx context.Context, d training.Data, tp training.Params, h training.Hooks) (training.Model, error) {
	opt := Options{
		Resume: h.Resume,
		Progress: func(pr Progress) error {
			if h.Progress != nil {
				tp := training.Progress{Stage: "epochs", Done: pr.Epoch, Total: pr.Epochs, Batch: pr.Batch, Batches: pr.Batches, Loss: pr.Loss}
				if !math.IsNaN(pr.ValidAUC) {
					tp.ValidAUC = pr.ValidAUC
				}
				if err := h.Progress(tp); err != nil {
					return err
				}
			}
			return ctx.Err()
		},
	}
	if h.Checkpoint != nil {
		opt.Checkpoint = h.Checkpoint
	}
	return Train(ctx, examples(d.Train), examples(d.Valid), tp.(Params), opt)
}

func examples(e training.Examples) Examples {
	return Examples{Sequences: Sequences(e.Sequences), Labels: e.Labels}
}

// DecodeModel parses a model's JSON.
func (Learner) DecodeModel(data []byte) (training.Model, error) {
	return training.DecodeJSON[Model](data)
}

// ResumePoint is the epoch a checkpoint's training state ends with.
func (Learner) ResumePoint(state []byte) (int, error) { return ResumeEpoch(state) }

// NumFeatures is 0: the model reads token sequences, not named features.
func (m *Model) NumFeatures() int { return 0 }

// Units is the number of epochs trained.
func (m *Model) Units() int { return len(m.history) }

// PredictSequences writes the probability of each sequence into out.
func (m *Model) PredictSequences(out []float32, s matrix.Sequences) error {
	return m.Predict(out, Sequences(s))
}

// VocabSize is the number of token ids the model reads.
func (m *Model) VocabSize() int { return m.params.Vocab }

// SearchSpace is what `mlctl tune --algo lstm` searches unless told: the
// widths, dropout and learning rate.
func (Learner) SearchSpace() []string {
	return []string{"embed=16..64:log", "hidden=16..128:log", "dropout=0.0..0.5", "learning_rate=0.0003..0.01:log"}
}
