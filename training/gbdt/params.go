package gbdt

import (
	"errors"
	"fmt"
	"math"
)

// Limits of the trainer.
const (
	// maxFeatures bounds the number of columns (feature indices fit 24 bits).
	maxFeatures = 1 << 24
	// maxTreeDepth bounds max_depth; histograms are kept for a whole level.
	maxTreeDepth = 16
	// maxBinLimit bounds max_bin: bin codes are bytes.
	maxBinLimit = 256
)

// Params are the training parameters, named and defaulted as in XGBoost.
// Only the binary:logistic objective with tree_method=hist and depth-wise
// growth is implemented.
type Params struct {
	// Rounds is the number of boosting rounds (trees), XGBoost's num_round.
	Rounds int
	// MaxDepth is the maximum depth of a tree (1..16).
	MaxDepth int
	// Eta is the learning rate that scales every leaf.
	Eta float64
	// Lambda is the L2 regularisation on leaf weights (reg_lambda).
	Lambda float64
	// Alpha is the L1 regularisation on leaf weights (reg_alpha), applied by
	// soft-thresholding the gradient sum.
	Alpha float64
	// Gamma is the minimum loss reduction a split needs (min_split_loss).
	Gamma float64
	// MinChildWeight is the minimum hessian sum in each child of a split.
	MinChildWeight float64
	// Subsample is the fraction of rows each tree samples (Bernoulli per row).
	Subsample float64
	// ColsampleByTree is the fraction of features each tree may split on.
	ColsampleByTree float64
	// ScalePosWeight multiplies the gradient and hessian of positive rows.
	ScalePosWeight float64
	// BaseScore is the initial prediction as a probability; the initial
	// margin is its logit.
	BaseScore float64
	// MaxBin is the maximum number of bins per feature (2..256). A feature
	// that has missing values in the training data gets at most 255.
	MaxBin int
	// Seed seeds the per-tree random generators (row and column sampling).
	Seed uint64
	// Threads is the number of goroutines training uses; 0 means all cores.
	// It never changes the model.
	Threads int
}

// DefaultParams returns XGBoost's defaults for binary:logistic with
// tree_method=hist, and 100 rounds.
func DefaultParams() Params {
	return Params{
		Rounds:          100,
		MaxDepth:        6,
		Eta:             0.3,
		Lambda:          1,
		Alpha:           0,
		Gamma:           0,
		MinChildWeight:  1,
		Subsample:       1,
		ColsampleByTree: 1,
		ScalePosWeight:  1,
		BaseScore:       0.5,
		MaxBin:          256,
		Seed:            0,
		Threads:         0,
	}
}

// Validate checks every parameter's range and names the offending ones with
// XGBoost's key names.
func (p Params) Validate() error {
	var errs []error
	bad := func(key string, v any, want string) {
		errs = append(errs, fmt.Errorf("gbdt: parameter %s = %v: want %s", key, v, want))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if p.Rounds < 1 {
		bad("num_round", p.Rounds, "at least 1")
	}
	if p.MaxDepth < 1 || p.MaxDepth > maxTreeDepth {
		bad("max_depth", p.MaxDepth, fmt.Sprintf("1..%d", maxTreeDepth))
	}
	if !finite(p.Eta) || p.Eta <= 0 {
		bad("eta", p.Eta, "a number > 0")
	}
	if !finite(p.Lambda) || p.Lambda < 0 {
		bad("lambda", p.Lambda, "a number >= 0")
	}
	if !finite(p.Alpha) || p.Alpha < 0 {
		bad("alpha", p.Alpha, "a number >= 0")
	}
	if !finite(p.Gamma) || p.Gamma < 0 {
		bad("gamma", p.Gamma, "a number >= 0")
	}
	if !finite(p.MinChildWeight) || p.MinChildWeight < 0 {
		bad("min_child_weight", p.MinChildWeight, "a number >= 0")
	}
	if !(p.Subsample > 0 && p.Subsample <= 1) {
		bad("subsample", p.Subsample, "a number in (0, 1]")
	}
	if !(p.ColsampleByTree > 0 && p.ColsampleByTree <= 1) {
		bad("colsample_bytree", p.ColsampleByTree, "a number in (0, 1]")
	}
	if !finite(p.ScalePosWeight) || p.ScalePosWeight <= 0 {
		bad("scale_pos_weight", p.ScalePosWeight, "a number > 0")
	}
	if !(p.BaseScore > 0 && p.BaseScore < 1) {
		bad("base_score", p.BaseScore, "a probability in (0, 1)")
	}
	if p.MaxBin < 2 || p.MaxBin > maxBinLimit {
		bad("max_bin", p.MaxBin, fmt.Sprintf("2..%d", maxBinLimit))
	}
	if p.Threads < 0 {
		bad("nthread", p.Threads, "0 (all cores) or more")
	}
	return errors.Join(errs...)
}

// sameModelParams reports whether a and b train the same trees per round:
// every field but Rounds and Threads is equal.
func sameModelParams(a, b Params) bool {
	a.Rounds, b.Rounds = 0, 0
	a.Threads, b.Threads = 0, 0
	return a == b
}
