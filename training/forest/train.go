package forest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/mlctl/mlctl/training/gbdt"
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
func Train(ctx context.Context, x *gbdt.Matrix, y []float32, p Params, opt Options) (*Model, error) {
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
	threads := threadCount(p.Threads)
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
	workers := min(threads, p.Trees)
	growers := make([]*grower, workers)
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
	forEach(workers, p.Trees, func(w, t int) {
		if stop.Load() {
			return
		}
		if err := ctx.Err(); err != nil {
			fail(fmt.Errorf("forest: training cancelled: %w", err))
			return
		}
		if growers[w] == nil {
			growers[w] = newGrower(bm, labels, p, mtry, cw)
		}
		m.trees[t] = growers[w].grow(t)
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
	if stopErr != nil {
		return nil, stopErr
	}
	return m, nil
}
