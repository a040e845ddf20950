package artifact

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/gbdt"
)

// Scorer turns raw inputs into scores with an artifact's feature set and
// model: the one code path that training evaluation, `mlctl score` and the
// serving workers share.
type Scorer struct {
	set   features.Set
	model *gbdt.Model
	width int
}

// NewScorer prepares a decoded artifact for scoring.
func NewScorer(a *Artifact) (*Scorer, error) {
	set, err := features.Lookup(a.FeatureSet.Name, a.FeatureSet.State)
	if err != nil {
		return nil, fmt.Errorf("feature set of artifact: %w", err)
	}
	if set.Version() != a.FeatureSet.Version {
		return nil, fmt.Errorf("artifact wants feature set %s v%d, this mlctl computes v%d", a.FeatureSet.Name, a.FeatureSet.Version, set.Version())
	}
	if len(set.Names()) != len(a.FeatureSet.Names) {
		return nil, fmt.Errorf("artifact lists %d features, feature set %s has %d", len(a.FeatureSet.Names), set.Name(), len(set.Names()))
	}
	for i, n := range set.Names() {
		if a.FeatureSet.Names[i] != n {
			return nil, fmt.Errorf("artifact feature %d is %q, feature set %s has %q", i, a.FeatureSet.Names[i], set.Name(), n)
		}
	}
	return &Scorer{set: set, model: a.GBDT, width: len(set.Names())}, nil
}

// FeatureSet returns the scorer's feature set.
func (s *Scorer) FeatureSet() features.Set { return s.set }

// blockRows is how many rows one goroutine featurises and predicts at a time.
const blockRows = 512

// Score writes the probability of the positive class for each input into
// out (len(out) == len(inputs)), using every core.
func (s *Scorer) Score(inputs []string, out []float64) {
	if len(out) != len(inputs) {
		panic(fmt.Sprintf("artifact: Score: %d outputs for %d inputs", len(out), len(inputs)))
	}
	workers := runtime.GOMAXPROCS(0)
	blocks := (len(inputs) + blockRows - 1) / blockRows
	if workers > blocks {
		workers = blocks
	}
	if workers <= 1 {
		s.scoreRange(inputs, out, newScratch(s.width))
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, blocks)
	for b := 0; b < blocks; b++ {
		next <- b
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScratch(s.width)
			for b := range next {
				lo := b * blockRows
				hi := min(lo+blockRows, len(inputs))
				s.scoreRange(inputs[lo:hi], out[lo:hi], sc)
			}
		}()
	}
	wg.Wait()
}

type scratch struct {
	row []float64
	mat gbdt.Matrix
}

func newScratch(width int) *scratch {
	return &scratch{row: make([]float64, width), mat: gbdt.Matrix{Cols: width, Values: make([]float32, blockRows*width)}}
}

// scoreRange scores up to blockRows inputs on the calling goroutine.
func (s *Scorer) scoreRange(inputs []string, out []float64, sc *scratch) {
	for lo := 0; lo < len(inputs); lo += blockRows {
		hi := min(lo+blockRows, len(inputs))
		n := hi - lo
		vals := sc.mat.Values[:n*s.width]
		for i := 0; i < n; i++ {
			s.set.Extract(inputs[lo+i], sc.row)
			dst := vals[i*s.width : (i+1)*s.width]
			for j, v := range sc.row {
				dst[j] = float32(v)
			}
		}
		m := gbdt.Matrix{Rows: n, Cols: s.width, Values: vals}
		s.model.PredictSerial(&m, out[lo:hi])
	}
}

// Features writes the feature vector of one input into dst (len = number of features).
func (s *Scorer) Features(input string, dst []float64) { s.set.Extract(input, dst) }
