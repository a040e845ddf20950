package lstm

import "math/rand/v2"

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
// dropout, and writes each sequence's logit into scores unless it is nil.
func (t *trainer) meanLoss(w *weights, x Examples, scores []float64) float64 {
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
		if scores != nil {
			for b, r := range t.ps.rows {
				scores[r] = float64(t.ps.logits[b])
			}
		}
	}
	return sum / float64(x.Rows())
}
