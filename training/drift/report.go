package drift

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Defaults for Compare: the usual significance level for each feature's
// test, and the bot detector's DRIFT_THRESHOLD for the share of drifted features.
const (
	DefaultAlpha     = 0.05
	DefaultThreshold = 0.30
)

// FeatureDrift is the KS test and the population stability index of one
// feature: training values against recent ones.
type FeatureDrift struct {
	Name string `json:"name"`
	// D is the KS statistic and P its two-sided p-value (see KS).
	D float64 `json:"d"`
	P float64 `json:"p"`
	// PSI is the population stability index over the training values'
	// deciles (see PSI): below 0.1 stable, 0.1 to 0.25 a moderate shift,
	// above 0.25 a major one. It is 0 for a feature not tested and does
	// not decide Drifted.
	PSI float64 `json:"psi"`
	// Drifted is P < alpha.
	Drifted bool `json:"drifted"`
	// Tested is false when either side has no value but NaN; such a
	// feature has D = 0, P = 1, is not drifted and does not count in the
	// share.
	Tested bool `json:"tested"`
	// NTrain and NRecent count the values tested, NaNTrain and NaNRecent
	// the NaNs dropped.
	NTrain    int `json:"n_train"`
	NRecent   int `json:"n_recent"`
	NaNTrain  int `json:"nan_train"`
	NaNRecent int `json:"nan_recent"`
}

// Report is a drift check of a model: each feature's test and the verdict.
// It holds no NaN or Inf, so it encodes as JSON.
type Report struct {
	// Features are in the order of the feature names.
	Features []FeatureDrift `json:"features"`
	// Tested counts the features that could be tested, DriftedFeatures
	// those with P < Alpha, and DriftedShare is DriftedFeatures/Tested (0
	// when nothing could be tested).
	Tested          int     `json:"tested"`
	DriftedFeatures int     `json:"drifted_features"`
	DriftedShare    float64 `json:"drifted_share"`
	// Drifted is DriftedShare > Threshold: the bot detector retrains when the
	// share "exceeds" its DRIFT_THRESHOLD.
	Drifted   bool    `json:"drifted"`
	Alpha     float64 `json:"alpha"`
	Threshold float64 `json:"threshold"`
	// MaxPSI is the largest PSI of a tested feature (0 when none was
	// tested): below 0.1 no feature moved much, 0.1 to 0.25 one moved
	// moderately, above 0.25 one moved a lot.
	MaxPSI float64 `json:"max_psi"`
	// TrainRows and RecentRows count the rows on each side.
	TrainRows  int `json:"train_rows"`
	RecentRows int `json:"recent_rows"`
}

// Baseline is a model's training data as drift checks use it: each
// feature's values without NaNs, sorted once, and its PSI bins, so that
// repeated checks only sort the recent sample.
type Baseline struct {
	names   []string
	columns [][]float64
	nans    []int
	rows    int
	// edges are each feature's PSI bin edges and shares the training
	// values' share in each bin (nil for a feature with no value).
	edges  [][]float64
	shares [][]float64
}

// NewBaseline prepares the training rows train (row-major: train[i][j] is
// feature names[j] of row i; NaN is missing) for drift checks. It copies
// what it keeps.
func NewBaseline(names []string, train [][]float64) (*Baseline, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("drift: no feature names")
	}
	if err := checkRows("training", train, len(names)); err != nil {
		return nil, err
	}
	b := &Baseline{
		names:   append([]string(nil), names...),
		columns: make([][]float64, len(names)),
		nans:    make([]int, len(names)),
		rows:    len(train),
		edges:   make([][]float64, len(names)),
		shares:  make([][]float64, len(names)),
	}
	forEachFeature(len(names), func(j int) {
		b.columns[j], b.nans[j] = sortedColumn(train, j)
		if len(b.columns[j]) > 0 {
			b.edges[j] = psiEdges(b.columns[j])
			b.shares[j] = binShares(b.columns[j], b.edges[j])
		}
	})
	return b, nil
}

// Names returns the feature names, in column order.
func (b *Baseline) Names() []string { return append([]string(nil), b.names...) }

// Rows returns how many training rows the baseline holds.
func (b *Baseline) Rows() int { return b.rows }

// Compare tests every feature of the recent rows (row-major, in the
// baseline's column order) against the training values: a feature has
// drifted when its KS p-value is below alpha, the model when the share of
// drifted features among those tested exceeds threshold. Each tested
// feature's PSI is reported beside its test. The same inputs always give
// the same report.
func (b *Baseline) Compare(recent [][]float64, alpha, threshold float64) (Report, error) {
	if !(alpha > 0 && alpha < 1) {
		return Report{}, fmt.Errorf("drift: alpha %v is not in (0, 1)", alpha)
	}
	if !(threshold >= 0 && threshold <= 1) {
		return Report{}, fmt.Errorf("drift: threshold %v is not in [0, 1]", threshold)
	}
	if err := checkRows("recent", recent, len(b.names)); err != nil {
		return Report{}, err
	}
	r := Report{
		Features:   make([]FeatureDrift, len(b.names)),
		Alpha:      alpha,
		Threshold:  threshold,
		TrainRows:  b.rows,
		RecentRows: len(recent),
	}
	forEachFeature(len(b.names), func(j int) {
		col, nans := sortedColumn(recent, j)
		f := FeatureDrift{
			Name:      b.names[j],
			D:         0,
			P:         1,
			NTrain:    len(b.columns[j]),
			NRecent:   len(col),
			NaNTrain:  b.nans[j],
			NaNRecent: nans,
		}
		if len(col) > 0 && len(b.columns[j]) > 0 {
			f.Tested = true
			f.D, f.P = ksSorted(b.columns[j], col)
			f.Drifted = f.P < alpha
			f.PSI = psiOf(b.shares[j], binShares(col, b.edges[j]))
		}
		r.Features[j] = f
	})
	for _, f := range r.Features {
		if f.Tested {
			r.Tested++
			r.MaxPSI = max(r.MaxPSI, f.PSI)
		}
		if f.Drifted {
			r.DriftedFeatures++
		}
	}
	if r.Tested > 0 {
		r.DriftedShare = float64(r.DriftedFeatures) / float64(r.Tested)
	}
	r.Drifted = r.DriftedShare > threshold
	return r, nil
}

// Compare is NewBaseline(names, train) then Compare(recent, alpha,
// threshold): train and recent are row-major (rows[i][j] is feature
// names[j] of row i), NaN is missing. Use DefaultAlpha and
// DefaultThreshold unless the model says otherwise.
func Compare(names []string, train, recent [][]float64, alpha, threshold float64) (Report, error) {
	b, err := NewBaseline(names, train)
	if err != nil {
		return Report{}, err
	}
	return b.Compare(recent, alpha, threshold)
}

func checkRows(what string, rows [][]float64, width int) error {
	if len(rows) == 0 {
		return fmt.Errorf("drift: no %s rows", what)
	}
	for i, row := range rows {
		if len(row) != width {
			return fmt.Errorf("drift: %s row %d has %d values; want %d (one per feature)", what, i, len(row), width)
		}
	}
	return nil
}

// sortedColumn returns column j of rows without NaNs, sorted, and how many
// NaNs it held.
func sortedColumn(rows [][]float64, j int) ([]float64, int) {
	col := make([]float64, 0, len(rows))
	for _, row := range rows {
		if v := row[j]; v == v {
			col = append(col, v)
		}
	}
	slices.Sort(col)
	return col, len(rows) - len(col)
}

// forEachFeature runs f(0..n-1) on up to GOMAXPROCS goroutines; each call
// writes only its own index, so the result does not depend on scheduling.
func forEachFeature(n int, f func(j int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for j := 0; j < n; j++ {
			f(j)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range next {
				f(j)
			}
		})
	}
	for j := 0; j < n; j++ {
		next <- j
	}
	close(next)
	wg.Wait()
}
