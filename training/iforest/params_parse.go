package iforest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// paramKey describes one accepted key of ParseParams.
type paramKey struct {
	// field names the Params field the key sets; aliases share it.
	field string
	set   func(p *Params, v string) error
}

// paramKeys maps sklearn's IsolationForest parameter names (and seed 001's
// settings) to setters.
var paramKeys = map[string]paramKey{
	"n_estimators": {"n_estimators", func(p *Params, v string) error { return setInt(&p.Trees, v) }},
	"max_samples": {"max_samples", func(p *Params, v string) error {
		if v == "auto" {
			p.MaxSamples = Amount{Count: autoMaxSamples}
			return nil
		}
		a, err := parseAmount(v)
		p.MaxSamples = a
		return err
	}},
	"max_features": {"max_features", func(p *Params, v string) error {
		a, err := parseAmount(v)
		p.MaxFeatures = a
		return err
	}},
	"bootstrap": {"bootstrap", func(p *Params, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		p.Bootstrap = b
		return nil
	}},
	"contamination": {"contamination", func(p *Params, v string) error {
		if v == "auto" {
			p.Contamination = 0
			return nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf(`want a share in (0, 0.5] or "auto": %w`, err)
		}
		if f == 0 {
			return fmt.Errorf(`want a share in (0, 0.5] or "auto" (0 is not a share)`)
		}
		p.Contamination = f
		return nil
	}},
	"seed":                    {"seed", func(p *Params, v string) error { return setUint(&p.Seed, v) }},
	"random_state":            {"seed", func(p *Params, v string) error { return setUint(&p.Seed, v) }},
	"n_jobs":                  {"n_jobs", func(p *Params, v string) error { return setInt(&p.Threads, v) }},
	"nthread":                 {"n_jobs", func(p *Params, v string) error { return setInt(&p.Threads, v) }},
	"threshold":               {"threshold", func(p *Params, v string) error { return setFloat(&p.Threshold, v) }},
	"anomaly_threshold":       {"threshold", func(p *Params, v string) error { return setFloat(&p.Threshold, v) }},
	"anomaly_percentile":      {"anomaly_percentile", func(p *Params, v string) error { return setFloat(&p.AnomalyPercentile, v) }},
	"min_valid_feature_ratio": {"min_valid_feature_ratio", func(p *Params, v string) error { return setFloat(&p.MinValidFeatureRatio, v) }},
}

// ParseParams applies sklearn-named parameters to p: "n_estimators",
// "max_samples" (an integer count, a fraction such as "0.5", or "auto" =
// 256), "max_features" (a count or a fraction: "1" is one feature, "1.0"
// all, as sklearn reads an int and a float), "bootstrap", "contamination"
// (a share or "auto"), "seed" (or "random_state"), "n_jobs", and seed 001's
// "threshold", "anomaly_percentile" and "min_valid_feature_ratio". An
// unknown key, a malformed value, a value out of range or two aliases of
// one parameter give an error naming the key; then p is left unchanged.
// Keys are processed in sorted order and every problem is reported.
func ParseParams(kv map[string]string, p *Params) error {
	if p == nil {
		return errors.New("iforest: ParseParams: nil params")
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	q := *p
	var errs []error
	seen := map[string]string{}
	for _, k := range keys {
		pk, ok := paramKeys[k]
		if !ok {
			errs = append(errs, fmt.Errorf("iforest: unknown parameter %q", k))
			continue
		}
		if prev, dup := seen[pk.field]; dup {
			errs = append(errs, fmt.Errorf("iforest: parameters %q and %q set the same thing", prev, k))
			continue
		}
		seen[pk.field] = k
		if err := pk.set(&q, kv[k]); err != nil {
			errs = append(errs, fmt.Errorf("iforest: parameter %s = %q: %w", k, kv[k], err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	*p = q
	return nil
}

func setInt(dst *int, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("want an integer: %w", err)
	}
	*dst = n
	return nil
}

func setUint(dst *uint64, v string) error {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return fmt.Errorf("want a non-negative integer: %w", err)
	}
	*dst = n
	return nil
}

func setFloat(dst *float64, v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return fmt.Errorf("want a number: %w", err)
	}
	*dst = f
	return nil
}
