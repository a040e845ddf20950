package iforest

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
)

// Options are the hooks of a training run.
type Options struct {
	// FeatureNames names x's columns in the validation report and its
	// errors (nil: "f0", "f1", ...).
	FeatureNames []string
	// Progress is called after each batch of trees with the trees built so
	// far and the total; returning an error stops training with that
	// error (used for heartbeats).
	Progress func(done, total int) error
}

// progressBatch is the number of trees built between Progress calls and
// cancellation checks.
const progressBatch = 64

// Train fits an isolation forest to the baseline rows x (the rows known to
// be normal: the caller selects them, e.g. label 0), semi-supervised as in
// the bot detector. It first validates the features (Validate with
// p.MinValidFeatureRatio; the trees use only the kept columns), builds
// p.Trees trees on p.MaxSamples rows each, then scores the baseline to
// set the offset (the Contamination quantile) and the adaptive threshold.
//
// Values must be finite or NaN (missing; see the package comment for how
// the trees treat it). The model depends only on x, p (including p.Seed)
// and the feature names, never on p.Threads. It stops with ctx's error
// when ctx is done.
func Train(ctx context.Context, x *matrix.Matrix, p Params, opt Options) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkTraining(x); err != nil {
		return nil, err
	}
	kept, report, err := Validate(x, opt.FeatureNames, p.MinValidFeatureRatio)
	if err != nil {
		return nil, err
	}
	psi := min(p.MaxSamples.of(x.Rows), x.Rows)
	perTree := p.MaxFeatures.of(len(kept))
	if perTree > len(kept) {
		return nil, fmt.Errorf("iforest: max_features = %v, but only %d features are valid (dropped %s)",
			p.MaxFeatures, len(kept), droppedList(report.Dropped))
	}
	threads := parallel.Threads(p.Threads)
	p.Threads = 0
	m := &Model{
		numFeatures: x.Cols, params: p, samples: psi, norm: AveragePathLength(psi),
		maxDepth: depthLimit(psi), validation: report,
	}

	built := make([]builtTree, p.Trees)
	builders := make([]*builder, threads)
	for done := 0; done < p.Trees; {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("iforest: training cancelled after %d trees: %w", done, err)
		}
		n := min(progressBatch, p.Trees-done)
		parallel.ForEach(threads, n, func(w, k int) {
			if builders[w] == nil {
				builders[w] = newBuilder(x, kept, psi, perTree, m.maxDepth, p.Bootstrap)
			}
			built[done+k] = builders[w].build(p.Seed, done+k)
		})
		done += n
		if opt.Progress != nil {
			if err := opt.Progress(done, p.Trees); err != nil {
				return nil, fmt.Errorf("iforest: stopped after %d trees: %w", done, err)
			}
		}
	}
	m.assemble(built)

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("iforest: training cancelled before scoring the baseline: %w", err)
	}
	scores := make([]float64, x.Rows)
	m.scoreSamples(x, scores, threads)
	m.offset = autoOffset
	if p.Contamination != 0 {
		m.offset = Percentile(scores, 100*p.Contamination)
	}
	for i, s := range scores {
		scores[i] = m.Normalise(s)
	}
	m.threshold = AdaptiveThreshold(scores, p.AnomalyPercentile, p.Threshold)
	return m, nil
}

// checkTraining checks the baseline matrix: its shape, and finite values
// or NaN.
func checkTraining(x *matrix.Matrix) error {
	if err := x.CheckShape("baseline", maxFeatures); err != nil {
		return fmt.Errorf("iforest: %w", err)
	}
	for i, v := range x.Values {
		if math.IsInf(float64(v), 0) {
			return fmt.Errorf("iforest: row %d feature %d is %v: want a finite value, or NaN for missing", i/x.Cols, i%x.Cols, v)
		}
	}
	return nil
}

// assemble lays the built trees out in the model's flat node array.
func (m *Model) assemble(built []builtTree) {
	total := 0
	for _, b := range built {
		total += len(b.left)
	}
	m.trees = make([]tree, len(built))
	m.nodes = make([]node, 0, total)
	m.size = make([]uint32, 0, total)
	depth := make([]int, 0, total)
	for t, b := range built {
		first := uint32(len(m.nodes))
		for i := range b.left {
			n := node{threshold: leafInf, child: first + uint32(i)}
			if b.left[i] >= 0 {
				n = node{threshold: b.threshold[i], feature: b.feature[i], child: first + uint32(b.left[i])}
			}
			m.nodes = append(m.nodes, n)
		}
		m.size = append(m.size, b.size...)
		depth = append(depth, b.depth...)
		m.trees[t] = tree{first: first, end: uint32(len(m.nodes))}
	}
	m.setExpect(depth)
}

// Percentile returns the q-th percentile (q in [0, 100]) of v as numpy's
// np.percentile computes it by default (linear interpolation between the
// closest ranks). v is not changed; NaN for an empty v.
func Percentile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	rank := q / 100 * float64(len(s)-1)
	lo := int(math.Floor(rank))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	a, b, t := s[lo], s[lo+1], rank-float64(lo)
	// numpy's _lerp: from the nearer end, so the result is monotone.
	if t >= 0.5 {
		return b - (b-a)*(1-t)
	}
	return a + (b-a)*t
}
