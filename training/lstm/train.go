package lstm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/rng"
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
// p.Patience must be 0 and the last epoch's weights are kept.
//
// The same examples and parameters give the same model, bit for bit:
// training runs on one goroutine and draws its weights, order and dropout
// from streams of p.Seed. It returns ctx's error if ctx ends first.
func Train(ctx context.Context, train, valid Examples, p Params) (*Model, error) {
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
	m := initModel(p)
	best := newWeights(p)
	best.copyFrom(&m.weights)
	bestLoss := math.Inf(1)
	t := newTrainer(p)
	order := make([]int, train.Rows())
	for i := range order {
		order[i] = i
	}
	shuffle := stream(p.Seed, streamShuffle)
	var history []Epoch
	since := 0
	for range p.Epochs {
		for i := len(order) - 1; i > 0; i-- {
			j := rng.Uniform(shuffle, i+1)
			order[i], order[j] = order[j], order[i]
		}
		var sum float64
		for start := 0; start < len(order); start += p.BatchSize {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("lstm: training stopped: %w", err)
			}
			sum += t.step(&m.weights, train, order[start:min(start+p.BatchSize, len(order))])
		}
		e := Epoch{TrainLoss: sum / float64(len(order)), ValidLoss: math.NaN()}
		if valid.Rows() > 0 {
			e.ValidLoss = t.meanLoss(&m.weights, valid)
		}
		if math.IsNaN(e.TrainLoss) || math.IsInf(e.TrainLoss, 0) || math.IsInf(e.ValidLoss, 0) ||
			(valid.Rows() > 0 && math.IsNaN(e.ValidLoss)) {
			return nil, fmt.Errorf("lstm: training diverged in epoch %d (losses %v and %v): lower learning_rate",
				len(history)+1, e.TrainLoss, e.ValidLoss)
		}
		history = append(history, e)
		if valid.Rows() == 0 {
			continue
		}
		if e.ValidLoss < bestLoss {
			bestLoss, since = e.ValidLoss, 0
			best.copyFrom(&m.weights)
			continue
		}
		if since++; p.Patience > 0 && since >= p.Patience {
			break
		}
	}
	if valid.Rows() > 0 {
		m.weights.copyFrom(&best)
	}
	m.history = history
	m.buildTable()
	return m, nil
}

// trainer holds the state of training between steps: the pass's buffers,
// the gradient, Adam's moments and the dropout stream.
type trainer struct {
	p    Params
	ps   *pass
	grad weights
	opt  *adam
	drop *rand.PCG
}

func newTrainer(p Params) *trainer {
	return &trainer{p: p, ps: newPass(p), grad: newWeights(p), opt: newAdam(p), drop: stream(p.Seed, streamDropout)}
}

// step trains w on one mini-batch of rows of x and returns the batch's
// summed loss before the update.
func (t *trainer) step(w *weights, x Examples, rows []int) float64 {
	t.ps.setup(x.Sequences, rows)
	t.ps.setDropout(t.drop, t.p.Dropout)
	t.ps.forward(w)
	loss := t.ps.loss(x.Labels)
	t.ps.backward(w, x.Labels, &t.grad)
	t.opt.update(w, &t.grad)
	return loss
}

// meanLoss returns the mean binary cross-entropy of w on x, without
// dropout.
func (t *trainer) meanLoss(w *weights, x Examples) float64 {
	rows := make([]int, 0, t.p.BatchSize)
	var sum float64
	for start := 0; start < x.Rows(); start += t.p.BatchSize {
		rows = rows[:0]
		for r := start; r < min(start+t.p.BatchSize, x.Rows()); r++ {
			rows = append(rows, r)
		}
		t.ps.setup(x.Sequences, rows)
		t.ps.setDropout(nil, 0)
		t.ps.forward(w)
		sum += t.ps.loss(x.Labels)
	}
	return sum / float64(x.Rows())
}
