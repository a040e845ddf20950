package mlctl

// Tuned is how a model's parameters were found by `mlctl tune`: the run,
// what it searched and how its best trial scored on the folds. Manifests
// of tuned models carry it.
type Tuned struct {
	// RunID is the tuning run's ID (its Tune workflow's).
	RunID string `json:"run_id"`
	// Space is the search space as --param values, in name order.
	Space []string `json:"space"`
	// Objective is what trials were scored by (roc_auc, recall_at_fpr=F, fdr, logloss).
	Objective string `json:"objective"`
	// Folds and Group say how the training rows were folded.
	Folds int    `json:"folds"`
	Group string `json:"group"`
	// Trial is the best trial's number; Value its mean objective over the
	// folds, and FoldValues each fold's.
	Trial      int       `json:"trial"`
	Value      float64   `json:"value"`
	FoldValues []float64 `json:"fold_values"`
	// Trials is how many trials the run finished.
	Trials int `json:"trials"`
}
