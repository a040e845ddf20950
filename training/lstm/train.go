package lstm

import (
	"context"
	"errors"
	"fmt"
)

// Examples are labelled sequences: Labels[i] in [0, 1] is the target of
// sequence i (1 for the positive class).
type Examples struct {
	Sequences
	Labels []float32
}

// validate checks the sequences against the vocabulary and the labels'
// count and range.
func (x Examples) validate(vocab int) error {
	if err := x.Sequences.validate(vocab); err != nil {
		return err
	}
	if len(x.Labels) != x.Rows() {
		return fmt.Errorf("lstm: %d labels for %d sequences", len(x.Labels), x.Rows())
	}
	for i, y := range x.Labels {
		if !(y >= 0 && y <= 1) {
			return fmt.Errorf("lstm: label %d is %v, want a number in [0, 1]", i, y)
		}
	}
	return nil
}

// Epoch records one pass over the training set.
type Epoch struct {
	// TrainLoss is the mean binary cross-entropy of the epoch's batches,
	// with dropout, each taken before its Adam step.
	TrainLoss float64
	// ValidLoss is the mean binary cross-entropy on the validation set
	// after the epoch, without dropout (NaN with no validation set).
	ValidLoss float64
}

// Train fits a model to train with Adam on mini-batches of p.BatchSize
// sequences in a seeded random order, dropout on the last hidden state,
// and early stopping: after each epoch the mean loss on valid is taken,
// and training stops once it has not improved for p.Patience epochs in a
// row, keeping the weights of the best epoch. With no validation rows,
// p.Patience must be 0 and the last epoch's weights are kept. o's hooks
// report progress, save a checkpoint after each epoch and resume from one
// (see Options).
//
// The same examples and parameters give the same model, bit for bit,
// whether or not training was resumed: training runs on one goroutine and
// draws its weights, order and dropout from streams of p.Seed. It returns
// ctx's error if ctx ends first.
func Train(ctx context.Context, train, valid Examples, p Params, o Options) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if train.Rows() == 0 {
		return nil, errors.New("lstm: no training sequences")
	}
	if err := train.validate(p.Vocab); err != nil {
		return nil, fmt.Errorf("lstm: training set: %w", err)
	}
	if err := valid.validate(p.Vocab); err != nil {
		return nil, fmt.Errorf("lstm: validation set: %w", err)
	}
	if valid.Rows() == 0 && p.Patience > 0 {
		return nil, errors.New("lstm: early stopping (patience > 0) needs validation sequences")
	}
	r := newRun(p, train.Rows())
	var fp fingerprint
	if o.Checkpoint != nil || len(o.Resume) > 0 {
		fp = newFingerprint(p, train, valid)
	}
	if len(o.Resume) > 0 {
		if err := r.unmarshal(o.Resume, fp); err != nil {
			return nil, err
		}
	}
	rep := newReporter(o)
	for !r.done() {
		pr, err := r.epoch(ctx, train, valid, rep)
		if err != nil {
			return nil, err
		}
		if o.Checkpoint != nil {
			if err := o.Checkpoint(r.epochs(), r.marshal(fp)); err != nil {
				return nil, fmt.Errorf("lstm: checkpoint after epoch %d: %w", r.epochs(), err)
			}
		}
		if err := rep.epoch(pr); err != nil {
			return nil, fmt.Errorf("lstm: progress: %w", err)
		}
	}
	return r.model(valid.Rows() > 0), nil
}
