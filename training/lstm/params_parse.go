package lstm

import (
	"strconv"

	"github.com/mlctl/mlctl/training/params"
)

// paramKeys lists the parameter names (torch's and the TXT notebook's where they
// have one) and what each sets.
var paramKeys = []params.Key[Params]{
	{Names: []string{"vocab", "vocab_size"}, Set: params.Int(func(p *Params) *int { return &p.Vocab })},
	{Names: []string{"embed", "embedding_dim"}, Set: params.Int(func(p *Params) *int { return &p.Embed })},
	{Names: []string{"hidden", "hidden_size"}, Set: params.Int(func(p *Params) *int { return &p.Hidden })},
	{Names: []string{"dropout"}, Set: params.Float(func(p *Params) *float64 { return &p.Dropout })},
	{Names: []string{"learning_rate", "lr"}, Set: params.Float(func(p *Params) *float64 { return &p.LearningRate })},
	{Names: []string{"beta1"}, Set: params.Float(func(p *Params) *float64 { return &p.Beta1 })},
	{Names: []string{"beta2"}, Set: params.Float(func(p *Params) *float64 { return &p.Beta2 })},
	{Names: []string{"epsilon", "eps"}, Set: params.Float(func(p *Params) *float64 { return &p.Epsilon })},
	{Names: []string{"batch_size"}, Set: params.Int(func(p *Params) *int { return &p.BatchSize })},
	{Names: []string{"epochs"}, Set: params.Int(func(p *Params) *int { return &p.Epochs })},
	{Names: []string{"patience"}, Set: params.Int(func(p *Params) *int { return &p.Patience })},
	{Names: []string{"seed", "random_state"}, Set: params.Uint(func(p *Params) *uint64 { return &p.Seed })},
}

// ParseParams applies named parameters to p: "vocab" (or the TXT notebook's
// "vocab_size"), "embed" ("embedding_dim"), "hidden" ("hidden_size"),
// "dropout", "learning_rate" ("lr"), "beta1", "beta2", "epsilon" ("eps"),
// "batch_size", "epochs", "patience" and "seed" ("random_state"). An
// unknown key, a malformed value, a value out of range or two aliases of
// one parameter give an error naming the key; then p is left unchanged.
func ParseParams(kv map[string]string, p *Params) error {
	return params.Parse("lstm", kv, p, paramKeys)
}

// Map returns p under ParseParams' first names, formatted so that
// ParseParams reads them back exactly. Manifests record it.
func (p Params) Map() map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return map[string]string{
		"vocab": strconv.Itoa(p.Vocab), "embed": strconv.Itoa(p.Embed), "hidden": strconv.Itoa(p.Hidden),
		"dropout": f(p.Dropout), "learning_rate": f(p.LearningRate), "beta1": f(p.Beta1), "beta2": f(p.Beta2),
		"epsilon": f(p.Epsilon), "batch_size": strconv.Itoa(p.BatchSize), "epochs": strconv.Itoa(p.Epochs),
		"patience": strconv.Itoa(p.Patience), "seed": strconv.FormatUint(p.Seed, 10),
	}
}
