package forest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// paramKey describes one accepted key of ParseParams.
type paramKey struct {
	// field names the Params field the key sets; aliases share it.
	field string
	set   func(p *Params, v string) error
}

// paramKeys maps scikit-learn's parameter names (and a few aliases) to
// setters.
var paramKeys = map[string]paramKey{
	"n_estimators":      {"trees", setInt(func(p *Params) *int { return &p.Trees })},
	"trees":             {"trees", setInt(func(p *Params) *int { return &p.Trees })},
	"max_features":      {"max_features", setMaxFeatures},
	"max_depth":         {"max_depth", setMaxDepth},
	"min_samples_leaf":  {"min_samples_leaf", setInt(func(p *Params) *int { return &p.MinSamplesLeaf })},
	"min_samples_split": {"min_samples_split", setInt(func(p *Params) *int { return &p.MinSamplesSplit })},
	"bootstrap":         {"bootstrap", setBootstrap},
	"class_weight":      {"class_weight", setClassWeight},
	"max_bin":           {"max_bin", setInt(func(p *Params) *int { return &p.MaxBin })},
	"seed":              {"seed", setSeed},
	"random_state":      {"seed", setSeed},
	"n_jobs":            {"n_jobs", setInt(func(p *Params) *int { return &p.Threads })},
	"nthread":           {"n_jobs", setInt(func(p *Params) *int { return &p.Threads })},
	"criterion":         {"criterion", requireValue("gini")},
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
	if p == nil {
		return errors.New("forest: ParseParams: nil params")
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
			errs = append(errs, fmt.Errorf("forest: unknown parameter %q", k))
			continue
		}
		if prev, dup := seen[pk.field]; dup {
			errs = append(errs, fmt.Errorf("forest: parameters %q and %q set the same thing", prev, k))
			continue
		}
		seen[pk.field] = k
		if err := pk.set(&q, kv[k]); err != nil {
			errs = append(errs, fmt.Errorf("forest: parameter %s = %q: %w", k, kv[k], err))
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

func setInt(field func(*Params) *int) func(*Params, string) error {
	return func(p *Params, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return errors.New("want an integer")
		}
		*field(p) = n
		return nil
	}
}

func setSeed(p *Params, v string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return errors.New("want a non-negative integer")
	}
	p.Seed = n
	return nil
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

func requireValue(want string) func(*Params, string) error {
	return func(_ *Params, v string) error {
		if v != want {
			return fmt.Errorf("only %q is supported", want)
		}
		return nil
	}
}
