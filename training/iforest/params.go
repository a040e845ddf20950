package iforest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Limits of the trainer.
const (
	// maxTrees bounds n_estimators.
	maxTrees = 100_000
	// maxFeatures bounds the number of columns (feature indices fit 24 bits,
	// as in training/gbdt).
	maxFeatures = 1 << 24
	// maxSamplesLimit bounds the rows drawn per tree (tree node indices are
	// uint32; trees of 2^24 samples are far beyond what isolation needs).
	maxSamplesLimit = 1 << 24
)

// Defaults of the bot-detector settings (the bot detector's environment).
const (
	// DefaultContamination is the bot detector's ISOLATION_CONTAMINATION.
	DefaultContamination = 0.02
	// DefaultThreshold is the bot detector's ANOMALY_THRESHOLD, on the normalised
	// scale.
	DefaultThreshold = -0.03
	// DefaultAnomalyPercentile is the bot detector's ANOMALY_PERCENTILE.
	DefaultAnomalyPercentile = 5
	// DefaultMinValidFeatureRatio is the bot detector's MIN_VALID_FEATURE_RATIO.
	DefaultMinValidFeatureRatio = 0.5
	// autoMaxSamples is what sklearn's max_samples="auto" means: 256 rows
	// (or all of them when there are fewer).
	autoMaxSamples = 256
	// autoOffset is sklearn's offset_ for contamination="auto".
	autoOffset = -0.5
)

// Amount is a number of rows or features given either as a count or as a
// fraction of what is available, as sklearn's max_samples and max_features
// take an int or a float. Exactly one of the fields is set.
type Amount struct {
	// Count, when positive, is the number itself.
	Count int
	// Fraction, when Count is 0, is a share in (0, 1] of what is available,
	// rounded down and at least 1.
	Fraction float64
}

// String formats a as ParseParams reads it: a count as an integer ("256"),
// a fraction always with a decimal point or exponent ("1.0", "0.5").
func (a Amount) String() string {
	if a.Count != 0 {
		return strconv.Itoa(a.Count)
	}
	s := strconv.FormatFloat(a.Fraction, 'g', -1, 64)
	for _, c := range s {
		if c == '.' || c == 'e' || c == 'N' || c == 'I' {
			return s
		}
	}
	return s + ".0"
}

// of resolves a against n available items: the count, or the fraction of
// n rounded down (sklearn's int(fraction * n)) and at least 1.
func (a Amount) of(n int) int {
	if a.Count > 0 {
		return a.Count
	}
	return max(1, int(a.Fraction*float64(n)))
}

// valid reports whether exactly one of the fields is set and in range.
func (a Amount) valid() bool {
	if a.Count != 0 {
		return a.Count > 0 && a.Fraction == 0
	}
	return a.Fraction > 0 && a.Fraction <= 1
}

// parseAmount reads an integer as a count and anything else as a
// fraction; "auto" is given by the caller.
func parseAmount(v string) (Amount, error) {
	if n, err := strconv.Atoi(v); err == nil {
		if n <= 0 {
			return Amount{}, fmt.Errorf("want a count > 0 or a fraction in (0, 1]")
		}
		return Amount{Count: n}, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return Amount{}, fmt.Errorf("want an integer count or a fraction in (0, 1]: %w", err)
	}
	if !(f > 0 && f <= 1) {
		return Amount{}, fmt.Errorf("a fraction must be in (0, 1] (a count is written without a decimal point)")
	}
	return Amount{Fraction: f}, nil
}

// Params are the training parameters: sklearn's IsolationForest ones under
// their sklearn names, plus the bot detector's settings.
type Params struct {
	// Trees is the number of isolation trees (n_estimators).
	Trees int
	// MaxSamples is the number of rows each tree draws (max_samples,
	// default 256, sklearn's "auto"); when the baseline has fewer rows,
	// every row, as sklearn does. The trees' depth limit is
	// ceil(log2(max(MaxSamples, 2))) of the resolved number.
	MaxSamples Amount
	// MaxFeatures is the number of features each tree may split on
	// (max_features, default all), drawn per tree without replacement from
	// the features kept by validation (a fraction is of those).
	MaxFeatures Amount
	// Bootstrap draws each tree's rows with replacement (bootstrap); a row
	// drawn several times counts once, as in sklearn's trees.
	Bootstrap bool
	// Contamination is the share of the baseline expected to be anomalous
	// (contamination): the offset that Normalise subtracts is that quantile
	// of the baseline's score_samples. 0 means "auto": offset -0.5, as in
	// sklearn. Default 0.02 (the bot detector).
	Contamination float64
	// Seed seeds the per-tree random generators (seed, random_state).
	Seed uint64
	// Threads is the number of goroutines training uses; 0 means all cores
	// (n_jobs). It never changes the model.
	Threads int
	// Threshold is the configured anomaly threshold on the normalised
	// scale [-1, 0] (threshold; the bot detector's ANOMALY_THRESHOLD, -0.03). The
	// model's threshold is min(AnomalyPercentile-th percentile of the
	// normalised baseline scores, Threshold).
	Threshold float64
	// AnomalyPercentile is the percentile of the normalised baseline
	// scores in the adaptive threshold (anomaly_percentile; the bot detector's
	// ANOMALY_PERCENTILE, 5).
	AnomalyPercentile float64
	// MinValidFeatureRatio is the least share of features that must
	// survive validation (min_valid_feature_ratio; the bot detector's
	// MIN_VALID_FEATURE_RATIO, 0.5).
	MinValidFeatureRatio float64
}

// DefaultParams returns sklearn's IsolationForest defaults (100 trees, 256
// samples, every feature, no bootstrap) with the bot detector's settings
// (contamination 0.02, threshold -0.03, 5th percentile, at least half the
// features valid).
func DefaultParams() Params {
	return Params{
		Trees:                100,
		MaxSamples:           Amount{Count: autoMaxSamples},
		MaxFeatures:          Amount{Fraction: 1},
		Contamination:        DefaultContamination,
		Threshold:            DefaultThreshold,
		AnomalyPercentile:    DefaultAnomalyPercentile,
		MinValidFeatureRatio: DefaultMinValidFeatureRatio,
	}
}

// Validate checks every parameter's range and names the offending ones
// with ParseParams' keys.
func (p Params) Validate() error {
	var errs []error
	bad := func(key string, v any, want string) {
		errs = append(errs, fmt.Errorf("iforest: parameter %s = %v: want %s", key, v, want))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if p.Trees < 1 || p.Trees > maxTrees {
		bad("n_estimators", p.Trees, fmt.Sprintf("1..%d", maxTrees))
	}
	if !p.MaxSamples.valid() || p.MaxSamples.Count > maxSamplesLimit {
		bad("max_samples", p.MaxSamples, fmt.Sprintf(`a count in 1..%d, a fraction in (0, 1] or "auto"`, maxSamplesLimit))
	}
	if !p.MaxFeatures.valid() {
		bad("max_features", p.MaxFeatures, "a count >= 1 or a fraction in (0, 1]")
	}
	if !(p.Contamination == 0 || (p.Contamination > 0 && p.Contamination <= 0.5)) {
		bad("contamination", p.Contamination, `a share in (0, 0.5] or "auto"`)
	}
	if p.Threads < 0 {
		bad("n_jobs", p.Threads, "0 (all cores) or more")
	}
	if !finite(p.Threshold) || p.Threshold < -1 || p.Threshold > 0 {
		bad("threshold", p.Threshold, "a number in [-1, 0] (the normalised scale)")
	}
	if !(p.AnomalyPercentile >= 0 && p.AnomalyPercentile <= 100) {
		bad("anomaly_percentile", p.AnomalyPercentile, "a percentile in [0, 100]")
	}
	if !(p.MinValidFeatureRatio >= 0 && p.MinValidFeatureRatio <= 1) {
		bad("min_valid_feature_ratio", p.MinValidFeatureRatio, "a ratio in [0, 1]")
	}
	return errors.Join(errs...)
}

// Map returns the parameters that shape the model under ParseParams' keys,
// formatted so that ParseParams reads them back exactly (Threads, which
// never changes the model, is left out). Manifests record it.
func (p Params) Map() map[string]string {
	contamination := "auto"
	if p.Contamination != 0 {
		contamination = formatFloat(p.Contamination)
	}
	return map[string]string{
		"n_estimators":            strconv.Itoa(p.Trees),
		"max_samples":             p.MaxSamples.String(),
		"max_features":            p.MaxFeatures.String(),
		"bootstrap":               strconv.FormatBool(p.Bootstrap),
		"contamination":           contamination,
		"seed":                    strconv.FormatUint(p.Seed, 10),
		"threshold":               formatFloat(p.Threshold),
		"anomaly_percentile":      formatFloat(p.AnomalyPercentile),
		"min_valid_feature_ratio": formatFloat(p.MinValidFeatureRatio),
	}
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
