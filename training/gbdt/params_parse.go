package gbdt

import (
	"strconv"

	"github.com/mlctl/mlctl/training/params"
)

// paramKeys lists XGBoost's parameter names, with their scikit-learn
// aliases, and what each sets.
var paramKeys = []params.Key[Params]{
	{Names: []string{"num_round", "num_boost_round", "n_estimators", "rounds"}, Set: params.Int(func(p *Params) *int { return &p.Rounds })},
	{Names: []string{"max_depth"}, Set: params.Int(func(p *Params) *int { return &p.MaxDepth })},
	{Names: []string{"eta", "learning_rate"}, Set: params.Float(func(p *Params) *float64 { return &p.Eta })},
	{Names: []string{"lambda", "reg_lambda"}, Set: params.Float(func(p *Params) *float64 { return &p.Lambda })},
	{Names: []string{"alpha", "reg_alpha"}, Set: params.Float(func(p *Params) *float64 { return &p.Alpha })},
	{Names: []string{"gamma", "min_split_loss"}, Set: params.Float(func(p *Params) *float64 { return &p.Gamma })},
	{Names: []string{"min_child_weight"}, Set: params.Float(func(p *Params) *float64 { return &p.MinChildWeight })},
	{Names: []string{"subsample"}, Set: params.Float(func(p *Params) *float64 { return &p.Subsample })},
	{Names: []string{"colsample_bytree"}, Set: params.Float(func(p *Params) *float64 { return &p.ColsampleByTree })},
	{Names: []string{"scale_pos_weight"}, Set: params.Float(func(p *Params) *float64 { return &p.ScalePosWeight })},
	{Names: []string{"base_score"}, Set: params.Float(func(p *Params) *float64 { return &p.BaseScore })},
	{Names: []string{"max_bin"}, Set: params.Int(func(p *Params) *int { return &p.MaxBin })},
	{Names: []string{"seed", "random_state"}, Set: params.Uint(func(p *Params) *uint64 { return &p.Seed })},
	{Names: []string{"nthread", "n_jobs"}, Set: params.Int(func(p *Params) *int { return &p.Threads })},
	{Names: []string{"objective"}, Set: params.Only[Params]("binary:logistic")},
	{Names: []string{"tree_method"}, Set: params.Only[Params]("hist")},
	{Names: []string{"booster"}, Set: params.Only[Params]("gbtree")},
	{Names: []string{"grow_policy"}, Set: params.Only[Params]("depthwise")},
}

// ParseParams applies XGBoost-named parameters to p ("max_depth", "eta",
// "num_round" or "rounds", "seed", "nthread", ...). "objective",
// "tree_method", "booster" and "grow_policy" are accepted only with the one
// value this trainer implements. An unknown key, a malformed value, a value
// out of range or two aliases of one parameter give an error naming the key;
// then p is left unchanged. Keys are processed in sorted order and every
// problem is reported.
func ParseParams(kv map[string]string, p *Params) error {
	return params.Parse("gbdt", kv, p, paramKeys)
}

// Map is every parameter mlctl records in a manifest, resolved.
func (p Params) Map() map[string]string {
	return map[string]string{
		"rounds":           strconv.Itoa(p.Rounds),
		"max_depth":        strconv.Itoa(p.MaxDepth),
		"eta":              fmtFloat(p.Eta),
		"lambda":           fmtFloat(p.Lambda),
		"alpha":            fmtFloat(p.Alpha),
		"gamma":            fmtFloat(p.Gamma),
		"min_child_weight": fmtFloat(p.MinChildWeight),
		"subsample":        fmtFloat(p.Subsample),
		"colsample_bytree": fmtFloat(p.ColsampleByTree),
		"scale_pos_weight": fmtFloat(p.ScalePosWeight),
		"base_score":       fmtFloat(p.BaseScore),
		"max_bin":          strconv.Itoa(p.MaxBin),
		"seed":             strconv.FormatUint(p.Seed, 10),
	}
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
