package lstm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/rng"
)

// run is a training run between two epochs: everything a checkpoint
// holds and a resume restores.
type run struct {
	p Params
	m *Model
	// t holds Adam's moments and step and the dropout stream.
	t *trainer
	// best holds the weights of the epoch with the lowest validation loss
	// so far (bestEpoch, 0 for the initial weights, bestLoss +Inf then).
	best      weights
	bestEpoch int
	bestLoss  float64
	// since counts the epochs in a row without a lower validation loss.
	since int
	// order is the batch order, reshuffled in place from shuffle each
	// epoch.
	order   []int
	shuffle *rand.PCG
	// history has one entry per finished epoch.
	history []Epoch
	// validAUC is the validation ROC-AUC after the last finished epoch.
	validAUC float64
	// scores and classes are the validation logits and classes, for the
	// ROC-AUC.
	scores  []float64
	classes []int
}

// newRun starts a run on n training sequences from p's initial weights.
func newRun(p Params, n int) *run {
	r := &run{
		p: p, m: initModel(p), t: newTrainer(p), best: newWeights(p),
		bestLoss: math.Inf(1), order: make([]int, n), shuffle: stream(p.Seed, streamShuffle),
		validAUC: math.NaN(),
	}
	r.best.copyFrom(&r.m.weights)
	for i := range r.order {
		r.order[i] = i
	}
	return r
}

// epochs is the number of epochs finished.
func (r *run) epochs() int { return len(r.history) }

// done reports whether training is over: every epoch trained, or
// Patience epochs in a row without improvement.
func (r *run) done() bool {
	return r.epochs() >= r.p.Epochs || (r.p.Patience > 0 && r.since >= r.p.Patience)
}

// batches is the number of mini-batches in an epoch.
func (r *run) batches() int { return (len(r.order) + r.p.BatchSize - 1) / r.p.BatchSize }

// progress returns the figures at the start of the next epoch.
func (r *run) progress() Progress {
	pr := Progress{
		Epoch: r.epochs() + 1, Epochs: r.p.Epochs, Batches: r.batches(),
		Loss: math.NaN(), ValidLoss: math.NaN(), ValidAUC: r.validAUC,
	}
	if n := r.epochs(); n > 0 {
		pr.ValidLoss = r.history[n-1].ValidLoss
	}
	return pr
}

// epoch trains one epoch, evaluates on valid and updates the best
// weights and the patience counter. It returns the figures of the epoch.
func (r *run) epoch(ctx context.Context, train, valid Examples, rep *reporter) (Progress, error) {
	order := r.order
	for i := len(order) - 1; i > 0; i-- {
		j := rng.Uniform(r.shuffle, i+1)
		order[i], order[j] = order[j], order[i]
	}
	pr := r.progress()
	rep.start()
	var sum float64
	for b := range pr.Batches {
		if err := ctx.Err(); err != nil {
			return pr, fmt.Errorf("lstm: training stopped: %w", err)
		}
		start, end := b*r.p.BatchSize, min((b+1)*r.p.BatchSize, len(order))
		sum += r.t.step(&r.m.weights, train, order[start:end])
		pr.Batch, pr.Loss = b+1, sum/float64(end)
		if err := rep.batch(pr); err != nil {
			return pr, fmt.Errorf("lstm: progress: %w", err)
		}
	}
	e := Epoch{TrainLoss: sum / float64(len(order)), ValidLoss: math.NaN()}
	auc := math.NaN()
	if valid.Rows() > 0 {
		if len(r.scores) != valid.Rows() {
			r.scores, r.classes = make([]float64, valid.Rows()), binaryLabels(valid.Labels)
		}
		e.ValidLoss = r.t.meanLoss(&r.m.weights, valid, r.scores)
		auc = eval.ROCAUC(r.scores, r.classes)
	}
	if math.IsNaN(e.TrainLoss) || math.IsInf(e.TrainLoss, 0) || math.IsInf(e.ValidLoss, 0) ||
		(valid.Rows() > 0 && math.IsNaN(e.ValidLoss)) {
		return pr, fmt.Errorf("lstm: training diverged in epoch %d (losses %v and %v): lower learning_rate",
			r.epochs()+1, e.TrainLoss, e.ValidLoss)
	}
	r.history = append(r.history, e)
	r.validAUC = auc
	pr.Loss, pr.ValidLoss, pr.ValidAUC = e.TrainLoss, e.ValidLoss, auc
	if valid.Rows() == 0 {
		return pr, nil
	}
	if e.ValidLoss < r.bestLoss {
		r.bestLoss, r.bestEpoch, r.since = e.ValidLoss, r.epochs(), 0
		r.best.copyFrom(&r.m.weights)
	} else {
		r.since++
	}
	return pr, nil
}

// model returns the trained model: the best epoch's weights when there
// was a validation set, else the last epoch's.
func (r *run) model(validated bool) *Model {
	m := r.m
	if validated {
		m.weights.copyFrom(&r.best)
	}
	m.history = r.history
	m.buildTable()
	return m
}

// binaryLabels maps labels in [0, 1] to classes for the ROC-AUC: 1 from
// 0.5 up, else 0.
func binaryLabels(y []float32) []int {
	out := make([]int, len(y))
	for i, v := range y {
		if v >= 0.5 {
			out[i] = 1
		}
	}
	return out
}
