package iforest

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/mlctl/mlctl/training/params"
)

// paramKeys lists sklearn's IsolationForest parameter names (and the bot detector's
// settings) and what each sets.
var paramKeys = []params.Key[Params]{
	{Names: []string{"n_estimators"}, Set: params.Int(func(p *Params) *int { return &p.Trees })},
	{Names: []string{"max_samples"}, Set: setMaxSamples},
	{Names: []string{"max_features"}, Set: setMaxFeatures},
	{Names: []string{"bootstrap"}, Set: params.Bool(func(p *Params) *bool { return &p.Bootstrap })},
	{Names: []string{"contamination"}, Set: setContamination},
	{Names: []string{"seed", "random_state"}, Set: params.Uint(func(p *Params) *uint64 { return &p.Seed })},
	{Names: []string{"n_jobs", "nthread"}, Set: params.Int(func(p *Params) *int { return &p.Threads })},
	{Names: []string{"threshold", "anomaly_threshold"}, Set: params.Float(func(p *Params) *float64 { return &p.Threshold })},
	{Names: []string{"anomaly_percentile"}, Set: params.Float(func(p *Params) *float64 { return &p.AnomalyPercentile })},
	{Names: []string{"min_valid_feature_ratio"}, Set: params.Float(func(p *Params) *float64 { return &p.MinValidFeatureRatio })},
}

// ParseParams applies sklearn-named parameters to p: "n_estimators",
// "max_samples" (an integer count, a fraction such as "0.5", or "auto" =
// 256), "max_features" (a count or a fraction: "1" is one feature, "1.0"
// all, as sklearn reads an int and a float), "bootstrap", "contamination"
// (a share or "auto"), "seed" (or "random_state"), "n_jobs", and the bot detector's
// "threshold", "anomaly_percentile" and "min_valid_feature_ratio". An
// unknown key, a malformed value, a value out of range or two aliases of
// one parameter give an error naming the key; then p is left unchanged.
// Keys are processed in sorted order and every problem is reported.
func ParseParams(kv map[string]string, p *Params) error {
	return params.Parse("iforest", kv, p, paramKeys)
}

func setMaxSamples(p *Params, v string) error {
	if v == "auto" {
		p.MaxSamples = Amount{Count: autoMaxSamples}
		return nil
	}
	a, err := parseAmount(v)
	p.MaxSamples = a
	return err
}

func setMaxFeatures(p *Params, v string) error {
	a, err := parseAmount(v)
	p.MaxFeatures = a
	return err
}

func setContamination(p *Params, v string) error {
	if v == "auto" {
		p.Contamination = 0
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return fmt.Errorf(`want a share in (0, 0.5] or "auto": %w`, err)
	}
	if f == 0 {
		return errors.New(`want a share in (0, 0.5] or "auto" (0 is not a share)`)
	}
	p.Contamination = f
	return nil
}
