package gbdt

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
)

// Options are the hooks of a training run.
type Options struct {
	// Progress is called after every tree with the trees done so far and
	// the partial model; returning an error stops training with that error
	// (used for heartbeats and checkpoints). The partial model stays valid
	// and unchanged after Progress returns.
	Progress func(done int, partial *Model) error
	// Resume continues from a checkpoint model trained with the same data
	// and params (Rounds and Threads may differ); the result is the same
	// model an uninterrupted run gives.
	Resume *Model
	// Memo, when set, keeps x's bin codes (for each max_bin) for the next
	// run on the same x, which then skips quantising.
	Memo *training.Memo
}

// Train fits p.Rounds trees of binary:logistic gradient boosting to the rows
// of x (NaN for missing values) and their labels y (in [0, 1]). The model
// depends only on x, y and p (including p.Seed), not on p.Threads. It stops
// with ctx's error when ctx is done.
func Train(ctx context.Context, x *matrix.Matrix, y []float32, p Params, opt Options) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := validateTraining(x, y); err != nil {
		return nil, err
	}
	m := newModel(x.Cols, p)
	if r := opt.Resume; r != nil {
		if err := checkResume(r, x, p); err != nil {
			return nil, err
		}
		m.trees = append([]tree(nil), r.trees...)
		m.compiled = append([]compiledTree(nil), r.compiled...)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("gbdt: training cancelled: %w", err)
	}
	threads := parallel.Threads(p.Threads)
	bm := opt.Memo.Get("gbdt/bins/"+strconv.Itoa(p.MaxBin), func() any { return newBinnedMatrix(x, p.MaxBin, threads) }).(*binnedMatrix)
	margin := make([]float32, x.Rows)
	if m.NumTrees() > 0 {
		// The checkpoint's trees route rows by value exactly as training
		// routed them by bin, so this restores the margins bit for bit.
		m.predict(x, threads, func(lo int, mg []float32) { copy(margin[lo:], mg) })
	} else {
		for i := range margin {
			margin[i] = m.baseMargin
		}
	}

	g := newGrower(bm, p, threads)
	gp := make([]gradPair, x.Rows)
	for t := m.NumTrees(); t < p.Rounds; t++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("gbdt: training cancelled after %d trees: %w", t, err)
		}
		gradients(margin, y, p.ScalePosWeight, g.sc, gp, threads)
		tr, nodes := g.grow(t, gp)
		m.appendTree(tr)
		g.updateMargins(x, nodes, &m.trees[len(m.trees)-1], margin)
		if opt.Progress != nil {
			if err := opt.Progress(t+1, m.snapshot()); err != nil {
				return nil, fmt.Errorf("gbdt: stopped after %d trees: %w", t+1, err)
			}
		}
	}
	return m, nil
}

// checkResume verifies that a checkpoint can continue a run on x with p.
func checkResume(r *Model, x *matrix.Matrix, p Params) error {
	if r.numFeatures != x.Cols {
		return fmt.Errorf("gbdt: resume: checkpoint has %d features, data has %d", r.numFeatures, x.Cols)
	}
	if !sameModelParams(r.params, p) {
		return fmt.Errorf("gbdt: resume: checkpoint was trained with other parameters (%+v, now %+v)", r.params, p)
	}
	if r.NumTrees() > p.Rounds {
		return fmt.Errorf("gbdt: resume: checkpoint has %d trees, more than num_round = %d", r.NumTrees(), p.Rounds)
	}
	return nil
}

// updateMargins adds the new tree's leaf values to every row's margin: rows
// of the tree's sample from their leaf's row segment, the others by walking
// the tree on their values (which routes them as their bins would).
func (g *grower) updateMargins(x *matrix.Matrix, nodes []buildNode, t *tree, margin []float32) {
	rows := g.part.rows
	var leaves []int
	for i := range nodes {
		if nodes[i].isLeaf && nodes[i].hi > nodes[i].lo {
			leaves = append(leaves, i)
		}
	}
	parallel.ForEach(g.threads, len(leaves), func(_, k int) {
		n := &nodes[leaves[k]]
		for _, r := range rows[n.lo:n.hi] {
			margin[r] += n.value
		}
	})
	if g.sampled == nil {
		return
	}
	parallel.Chunks(g.threads, x.Rows, g.threads, 8192, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			if !g.sampled[r] {
				margin[r] += t.leafValue(x.Row(r))
			}
		}
	})
}
