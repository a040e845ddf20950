package forest

import (
	"errors"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/training/params"
)

// paramKeys lists scikit-learn's parameter names (and a few aliases) and
// what each sets. Unlike gbdt's and iforest's, forest's numbers may have
// spaces around them, and a malformed one is reported without strconv's
// detail.
var paramKeys = []params.Key[Params]{
	{Names: []string{"n_estimators", "trees"}, Set: params.Field(func(p *Params) *int { return &p.Trees }, parseInt)},
	{Names: []string{"max_features"}, Set: setMaxFeatures},
	{Names: []string{"max_depth"}, Set: setMaxDepth},
	{Names: []string{"min_samples_leaf"}, Set: params.Field(func(p *Params) *int { return &p.MinSamplesLeaf }, parseInt)},
	{Names: []string{"min_samples_split"}, Set: params.Field(func(p *Params) *int { return &p.MinSamplesSplit }, parseInt)},
	{Names: []string{"bootstrap"}, Set: setBootstrap},
	{Names: []string{"class_weight"}, Set: setClassWeight},
	{Names: []string{"max_bin"}, Set: params.Field(func(p *Params) *int { return &p.MaxBin }, parseInt)},
	{Names: []string{"seed", "random_state"}, Set: params.Field(func(p *Params) *uint64 { return &p.Seed }, parseSeed)},
	{Names: []string{"n_jobs", "nthread"}, Set: params.Field(func(p *Params) *int { return &p.Threads }, parseInt)},
	{Names: []string{"criterion"}, Set: params.Only[Params]("gini")},
}

// ParseParams applies scikit-learn-named parameters to p: n_estimators,
// max_features (sqrt, log2, all — also "None" — a fraction like 0.3 or a
// count like 5), max_depth (an integer; 0, "None" or "none" mean
// unlimited), min_samples_leaf, min_samples_split, bootstrap (true/false),
// class_weight (balanced, or none/None), max_bin, seed (or random_state),
// n_jobs; criterion is accepted only as "gini". An unknown key, a malformed
// value, a value out of range or two aliases of one parameter give an error
// naming the key; then p is left unchanged. Keys are processed in sorted
// order and every problem is reported.
func ParseParams(kv map[string]string, p *Params) error {
	return params.Parse("forest", kv, p, paramKeys)
}

func parseInt(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, errors.New("want an integer")
	}
	return n, nil
}

func parseSeed(v string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, errors.New("want a non-negative integer")
	}
	return n, nil
}

func setMaxDepth(p *Params, v string) error {
	switch v = strings.TrimSpace(v); v {
	case "None", "none", "":
		p.MaxDepth = 0
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return errors.New(`want an integer (0 or "None": unlimited)`)
	}
	p.MaxDepth = n
	return nil
}

func setMaxFeatures(p *Params, v string) error {
	v = strings.TrimSpace(v)
	switch v {
	case "None", "none":
		v = "all"
	}
	if _, err := parseMaxFeatures(v); err != nil {
		return err
	}
	p.MaxFeatures = v
	return nil
}

func setBootstrap(p *Params, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		p.Bootstrap = true
	case "false", "0":
		p.Bootstrap = false
	default:
		return errors.New("want true or false")
	}
	return nil
}

func setClassWeight(p *Params, v string) error {
	switch strings.TrimSpace(v) {
	case "balanced":
		p.ClassWeight = ClassWeightBalanced
	case "none", "None", "":
		p.ClassWeight = ClassWeightNone
	default:
		return errors.New(`want "balanced" or "none"`)
	}
	return nil
}

// Map is every parameter mlctl records in a manifest, resolved.
func (p Params) Map() map[string]string {
	return map[string]string{
		"n_estimators": strconv.Itoa(p.Trees), "max_features": p.MaxFeatures, "max_depth": strconv.Itoa(p.MaxDepth),
		"min_samples_leaf": strconv.Itoa(p.MinSamplesLeaf), "min_samples_split": strconv.Itoa(p.MinSamplesSplit),
		"bootstrap": strconv.FormatBool(p.Bootstrap), "class_weight": p.ClassWeight, "max_bin": strconv.Itoa(p.MaxBin),
		"seed": strconv.FormatUint(p.Seed, 10),
	}
}
