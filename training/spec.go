package training

import (
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/mlctl/mlctl/datasets/dgagen"
)

// RecipeParams are the --param keys that shape a training run around the
// algorithm (the feature set, the threshold rule, an isolation forest's
// baseline column, how many versions keep their artifact, the generated
// names the default recipe adds) rather than the model itself.
var RecipeParams = map[string]bool{"feature_set": true, "threshold_fpr": true, "threshold_rule": true, "baseline_column": true, "keep_versions": true,
	"gen_dga": true, "gen_benign": true, "benign_registrable": true}

// generatedParams are the recipe keys of the generated names (dgagen.Augment).
var generatedParams = []string{"gen_dga", "gen_benign", "benign_registrable"}

// DefaultThresholdFPR is the false positive rate on the validation split at
// which a labeled training run sets its model's threshold unless its
// --param says otherwise: live traffic (resolver queries, flow windows,
// client tables) is nearly all benign, so a threshold chosen for the best
// F1 on a balanced split raises far too many alerts there.
const DefaultThresholdFPR = 0.001

// Spec is a training run's --param map read once: the recipe's keys typed,
// the rest left for the learner. The map itself is what workflows carry
// (their recorded histories hold it); everyone who needs a value parses
// it here.
type Spec struct {
	// FeatureSet is feature_set ("": the kind's default).
	FeatureSet string
	// ThresholdFPR is the false positive rate the threshold is set at on
	// validation; 0 means the best F1 there (threshold_rule=f1).
	ThresholdFPR float64
	// KeepVersions is keep_versions (0: the registry's default).
	KeepVersions int
	// BaselineColumn is baseline_column ("": the dataset's own, if any).
	BaselineColumn string
	// Learner holds the keys that are not the recipe's: the learner's own.
	Learner map[string]string
	// Params is the whole map, as given.
	Params map[string]string
}

// ParseSpec reads a run's parameters and, when l is not nil, checks that
// l takes them.
func ParseSpec(l Learner, params map[string]string) (Spec, error) {
	s := Spec{FeatureSet: params["feature_set"], BaselineColumn: params["baseline_column"], Learner: map[string]string{}, Params: maps.Clone(params)}
	if fs, ok := params["feature_set"]; ok && fs == "" {
		return s, errors.New("--param feature_set= needs a name")
	}
	if v, ok := params["keep_versions"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, fmt.Errorf("--param keep_versions=%s: want how many of the newest versions keep their artifact, at least 1", v)
		}
		s.KeepVersions = n
	}
	var err error
	if s.ThresholdFPR, err = ThresholdFPR(params); err != nil {
		return s, err
	}
	for _, k := range generatedParams {
		if _, ok := params[k]; ok && l != nil && !l.Needs().Generated {
			return s, fmt.Errorf("--param %s: only gbdt and rf train with generated names", k)
		}
	}
	if _, err := dgagen.ParseAugment(params); err != nil {
		return s, fmt.Errorf("--param %w", err)
	}
	for k, v := range params {
		if !RecipeParams[k] {
			s.Learner[k] = v
		}
	}
	if l != nil {
		if _, err := l.ParseParams(s.Learner, 0, Shape{}); err != nil {
			return s, err
		}
	}
	return s, nil
}

// ThresholdFPR returns the false positive rate a run's parameters set the
// threshold at: threshold_fpr=F (0 < F < 1), DefaultThresholdFPR without
// it, or 0, meaning the best F1 on validation, for threshold_rule=f1.
// threshold_rule=fpr names the default rule. Conflicting or malformed
// values are errors that say what to write instead.
func ThresholdFPR(params map[string]string) (float64, error) {
	rule, hasRule := params["threshold_rule"]
	v, hasFPR := params["threshold_fpr"]
	switch {
	case hasRule && rule != "fpr" && rule != "f1":
		return 0, fmt.Errorf("--param threshold_rule=%s: want fpr (the default: a false positive rate on the validation split, threshold_fpr, default %g) or f1 (the best F1 on the validation split)", rule, DefaultThresholdFPR)
	case rule == "f1" && hasFPR:
		return 0, fmt.Errorf("--param threshold_rule=f1 and threshold_fpr=%s contradict each other: the best F1 ignores the false positive rate; drop one", v)
	case rule == "f1":
		return 0, nil
	case !hasFPR:
		return DefaultThresholdFPR, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f < 1) {
		return 0, fmt.Errorf("--param threshold_fpr=%s: want a false positive rate between 0 and 1 (exclusive), e.g. %g; for the best F1 use --param threshold_rule=f1", v, DefaultThresholdFPR)
	}
	return f, nil
}
