package gbdt

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// paramKey describes one accepted key of ParseParams.
type paramKey struct {
	// field names the Params field (or pseudo-field) the key sets; aliases
	// share it.
	field string
	set   func(p *Params, v string) error
}

// paramKeys maps XGBoost's parameter names (and their scikit-learn aliases)
// to setters.
var paramKeys = map[string]paramKey{
	"num_round":        {"rounds", setInt(func(p *Params) *int { return &p.Rounds })},
	"num_boost_round":  {"rounds", setInt(func(p *Params) *int { return &p.Rounds })},
	"n_estimators":     {"rounds", setInt(func(p *Params) *int { return &p.Rounds })},
	"rounds":           {"rounds", setInt(func(p *Params) *int { return &p.Rounds })},
	"max_depth":        {"max_depth", setInt(func(p *Params) *int { return &p.MaxDepth })},
	"eta":              {"eta", setFloat(func(p *Params) *float64 { return &p.Eta })},
	"learning_rate":    {"eta", setFloat(func(p *Params) *float64 { return &p.Eta })},
	"lambda":           {"lambda", setFloat(func(p *Params) *float64 { return &p.Lambda })},
	"reg_lambda":       {"lambda", setFloat(func(p *Params) *float64 { return &p.Lambda })},
	"alpha":            {"alpha", setFloat(func(p *Params) *float64 { return &p.Alpha })},
	"reg_alpha":        {"alpha", setFloat(func(p *Params) *float64 { return &p.Alpha })},
	"gamma":            {"gamma", setFloat(func(p *Params) *float64 { return &p.Gamma })},
	"min_split_loss":   {"gamma", setFloat(func(p *Params) *float64 { return &p.Gamma })},
	"min_child_weight": {"min_child_weight", setFloat(func(p *Params) *float64 { return &p.MinChildWeight })},
	"subsample":        {"subsample", setFloat(func(p *Params) *float64 { return &p.Subsample })},
	"colsample_bytree": {"colsample_bytree", setFloat(func(p *Params) *float64 { return &p.ColsampleByTree })},
	"scale_pos_weight": {"scale_pos_weight", setFloat(func(p *Params) *float64 { return &p.ScalePosWeight })},
	"base_score":       {"base_score", setFloat(func(p *Params) *float64 { return &p.BaseScore })},
	"max_bin":          {"max_bin", setInt(func(p *Params) *int { return &p.MaxBin })},
	"seed":             {"seed", setUint(func(p *Params) *uint64 { return &p.Seed })},
	"random_state":     {"seed", setUint(func(p *Params) *uint64 { return &p.Seed })},
	"nthread":          {"nthread", setInt(func(p *Params) *int { return &p.Threads })},
	"n_jobs":           {"nthread", setInt(func(p *Params) *int { return &p.Threads })},
	"objective":        {"objective", requireValue("binary:logistic")},
	"tree_method":      {"tree_method", requireValue("hist")},
	"booster":          {"booster", requireValue("gbtree")},
	"grow_policy":      {"grow_policy", requireValue("depthwise")},
}

// ParseParams applies XGBoost-named parameters to p ("max_depth", "eta",
// "num_round" or "rounds", "seed", "nthread", ...). "objective",
// "tree_method", "booster" and "grow_policy" are accepted only with the one
// value this trainer implements. An unknown key, a malformed value, a value
// out of range or two aliases of one parameter give an error naming the key;
// then p is left unchanged. Keys are processed in sorted order and every
// problem is reported.
func ParseParams(kv map[string]string, p *Params) error {
	if p == nil {
		return fmt.Errorf("gbdt: ParseParams: nil params")
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
			errs = append(errs, fmt.Errorf("gbdt: unknown parameter %q", k))
			continue
		}
		if prev, dup := seen[pk.field]; dup {
			errs = append(errs, fmt.Errorf("gbdt: parameters %q and %q set the same thing", prev, k))
			continue
		}
		seen[pk.field] = k
		if err := pk.set(&q, kv[k]); err != nil {
			errs = append(errs, fmt.Errorf("gbdt: parameter %s = %q: %w", k, kv[k], err))
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
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("want an integer: %w", err)
		}
		*field(p) = n
		return nil
	}
}

func setUint(field func(*Params) *uint64) func(*Params, string) error {
	return func(p *Params, v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("want a non-negative integer: %w", err)
		}
		*field(p) = n
		return nil
	}
}

func setFloat(field func(*Params) *float64) func(*Params, string) error {
	return func(p *Params, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("want a number: %w", err)
		}
		*field(p) = f
		return nil
	}
}

func requireValue(want string) func(*Params, string) error {
	return func(_ *Params, v string) error {
		if v != want {
			return fmt.Errorf("only %q is supported", want)
		}
		return nil
	}
}
