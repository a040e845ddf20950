package forest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Limits of the trainer.
const (
	// maxFeatureCount bounds the number of columns (feature indices fit 31
	// bits; the top bit of a node's feature marks its default direction).
	maxFeatureCount = 1 << 24
	// maxBinLimit bounds max_bin: bin codes are 16 bits.
	maxBinLimit = 1 << 16
	// maxTrees bounds n_estimators.
	maxTrees = 100000
)

// Class weights.
const (
	// ClassWeightNone weighs every sample 1.
	ClassWeightNone = "none"
	// ClassWeightBalanced weighs class k by n / (2·n_k) over the training
	// rows, as scikit-learn's class_weight="balanced".
	ClassWeightBalanced = "balanced"
)

// Params are the training parameters, named and defaulted as in
// scikit-learn's RandomForestClassifier (criterion="gini").
type Params struct {
	// Trees is the number of trees (n_estimators).
	Trees int
	// MaxFeatures is how many features each split draws at random:
	// "sqrt" (⌊√F⌋), "log2" (⌊log₂F⌋), "all" (F), a fraction in (0, 1]
	// written with a decimal point ("0.3": ⌊0.3·F⌋) or a count ("5"); at
	// least 1. As in scikit-learn, when every drawn feature is constant in
	// the node, more are drawn until one is not.
	MaxFeatures string
	// MaxDepth is the maximum depth of a tree; 0 means unlimited.
	MaxDepth int
	// MinSamplesLeaf is the fewest distinct training rows a leaf may hold.
	MinSamplesLeaf int
	// MinSamplesSplit is the fewest distinct training rows a node needs to
	// be split.
	MinSamplesSplit int
	// Bootstrap grows each tree on n rows drawn with replacement (as
	// counts); false uses every row once.
	Bootstrap bool
	// ClassWeight is ClassWeightNone or ClassWeightBalanced.
	ClassWeight string
	// MaxBin is the maximum number of bins per feature (2..65536). A
	// feature with at most MaxBin distinct training values gets one bin per
	// value, so its splits are those of exact CART; others are binned at
	// quantiles. A feature that has missing values in the training data
	// gets at most 255 when MaxBin <= 256 (so bin codes stay bytes), else
	// at most 65535.
	MaxBin int
	// Seed seeds the per-tree random generators (bootstrap and feature
	// draws).
	Seed uint64
	// Threads is the number of goroutines training uses; 0 means all cores.
	// It never changes the model.
	Threads int
}

// DefaultParams returns scikit-learn's RandomForestClassifier defaults
// (100 trees, max_features="sqrt", unlimited depth, min_samples_leaf 1,
// min_samples_split 2, bootstrap, no class weights) with max_bin 256.
func DefaultParams() Params {
	return Params{
		Trees:           100,
		MaxFeatures:     "sqrt",
		MaxDepth:        0,
		MinSamplesLeaf:  1,
		MinSamplesSplit: 2,
		Bootstrap:       true,
		ClassWeight:     ClassWeightNone,
		MaxBin:          256,
	}
}

// Validate checks every parameter's range and names the offending ones with
// scikit-learn's key names.
func (p Params) Validate() error {
	var errs []error
	bad := func(key string, v any, want string) {
		errs = append(errs, fmt.Errorf("forest: parameter %s = %v: want %s", key, v, want))
	}
	if p.Trees < 1 || p.Trees > maxTrees {
		bad("n_estimators", p.Trees, fmt.Sprintf("1..%d", maxTrees))
	}
	if _, err := parseMaxFeatures(p.MaxFeatures); err != nil {
		errs = append(errs, fmt.Errorf("forest: parameter max_features = %q: %w", p.MaxFeatures, err))
	}
	if p.MaxDepth < 0 {
		bad("max_depth", p.MaxDepth, "0 (unlimited) or more")
	}
	if p.MinSamplesLeaf < 1 {
		bad("min_samples_leaf", p.MinSamplesLeaf, "at least 1")
	}
	if p.MinSamplesSplit < 2 {
		bad("min_samples_split", p.MinSamplesSplit, "at least 2")
	}
	if p.ClassWeight != ClassWeightNone && p.ClassWeight != ClassWeightBalanced {
		bad("class_weight", fmt.Sprintf("%q", p.ClassWeight), `"none" or "balanced"`)
	}
	if p.MaxBin < 2 || p.MaxBin > maxBinLimit {
		bad("max_bin", p.MaxBin, fmt.Sprintf("2..%d", maxBinLimit))
	}
	if p.Threads < 0 {
		bad("n_jobs", p.Threads, "0 (all cores) or more")
	}
	return errors.Join(errs...)
}

// maxFeatures is a parsed MaxFeatures: a rule, a fraction or a count.
type maxFeatures struct {
	rule     string  // "sqrt", "log2", "all", "fraction" or "count"
	fraction float64 // for "fraction"
	count    int     // for "count"
}

// parseMaxFeatures parses Params.MaxFeatures.
func parseMaxFeatures(s string) (maxFeatures, error) {
	switch s {
	case "sqrt", "log2", "all":
		return maxFeatures{rule: s}, nil
	case "":
		return maxFeatures{}, errors.New(`want "sqrt", "log2", "all", a fraction in (0, 1] like "0.3" or a count like "5"`)
	}
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f > 0 && f <= 1) {
			return maxFeatures{}, errors.New("want a fraction in (0, 1] (or sqrt, log2, all, or an integer count)")
		}
		return maxFeatures{rule: "fraction", fraction: f}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return maxFeatures{}, errors.New(`want "sqrt", "log2", "all", a fraction in (0, 1] like "0.3" or a count >= 1 like "5"`)
	}
	return maxFeatures{rule: "count", count: n}, nil
}

// perSplit returns how many features a split draws among numFeatures, as
// scikit-learn computes it (at least 1).
func (mf maxFeatures) perSplit(numFeatures int) (int, error) {
	var k int
	switch mf.rule {
	case "sqrt":
		k = int(math.Sqrt(float64(numFeatures)))
	case "log2":
		k = int(math.Log2(float64(numFeatures)))
	case "all":
		k = numFeatures
	case "fraction":
		k = int(mf.fraction * float64(numFeatures))
	case "count":
		if mf.count > numFeatures {
			return 0, fmt.Errorf("forest: max_features = %d, but the data has only %d features", mf.count, numFeatures)
		}
		k = mf.count
	}
	return max(1, min(k, numFeatures)), nil
}
