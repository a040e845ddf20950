package forest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
)

// Options are the hooks of a training run.
type Options struct {
	// Progress is called after every finished tree with the number of trees
	// done so far (1, 2, … Trees, in order, one call at a time, from any
	// goroutine); returning an error stops training with that error (used
	// for heartbeats).
	Progress func(done int) error
}

// Train fits p.Trees classification trees to the rows of x (NaN for missing
// values) and their labels y (0 or 1; both must occur). The model depends
// only on x, y and p (including p.Seed), not on p.Threads: each tree is grown
// by one goroutine from its own random generator. It stops with ctx's error
// when ctx is done.
func Train(ctx context.Context, x *matrix.Matrix, y []float32, p Params, opt Options) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := validateTraining(x, y); err != nil {
		return nil, err
	}
	mf, _ := parseMaxFeatures(p.MaxFeatures)
	mtry, err := mf.perSplit(x.Cols)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("forest: training cancelled: %w", err)
	}
	threads := parallel.Threads(p.Threads)
	labels := make([]uint8, len(y))
	var pos int
	for i, v := range y {
		if v == 1 {
			labels[i] = 1
			pos++
		}
	}
	cw := [2]float64{1, 1}
	if p.ClassWeight == ClassWeightBalanced {
		// scikit-learn: n_samples / (n_classes · bincount(y)).
		n := float64(len(y))
		cw = [2]float64{n / (2 * float64(len(y)-pos)), n / (2 * float64(pos))}
	}
	bm := newBinnedMatrix(x, p.MaxBin, threads)

	m := &Model{numFeatures: x.Cols, params: p, trees: make([]tree, p.Trees)}
	m.params.Threads = 0
	if bm.codes8 != nil {
		err = growAll(ctx, m.trees, bm, bm.codes8, labels, p, mtry, cw, threads, opt)
	} else {
		err = growAll(ctx, m.trees, bm, bm.codes16, labels, p, mtry, cw, threads, opt)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// growAll grows trees[t] for every t on threads goroutines, each with its
// own grower, calling opt.Progress in order of completion.
func growAll[C code](ctx context.Context, trees []tree, bm *binnedMatrix, codes []C, labels []uint8,
	p Params, mtry int, cw [2]float64, threads int, opt Options) error {
	workers := min(threads, len(trees))
	growers := make([]*grower[C], workers)
	var (
		stop    atomic.Bool
		mu      sync.Mutex
		done    int
		stopErr error
	)
	fail := func(err error) {
		mu.Lock()
		if stopErr == nil {
			stopErr = err
		}
		mu.Unlock()
		stop.Store(true)
	}
	parallel.ForEach(workers, len(trees), func(w, t int) {
		if stop.Load() {
			return
		}
		if err := ctx.Err(); err != nil {
			fail(fmt.Errorf("forest: training cancelled: %w", err))
			return
		}
		if growers[w] == nil {
			growers[w] = newGrower(bm, codes, labels, p, mtry, cw)
		}
		trees[t] = growers[w].grow(t)
		mu.Lock()
		defer mu.Unlock()
		done++
		if opt.Progress != nil && stopErr == nil {
			if err := opt.Progress(done); err != nil {
				stopErr = fmt.Errorf("forest: stopped after %d trees: %w", done, err)
				stop.Store(true)
			}
		}
	})
	return stopErr
}
