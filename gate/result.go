package gate

import "github.com/mlctl/mlctl/registry"

// Side is one model's figures on the gate's rows.
type Side struct {
	Model  string  `json:"model"`
	AUC    float64 `json:"auc_roc"`
	Recall float64 `json:"recall"` // at the champion's false positive rate
}

// Result is the comparison; Passed false carries the reason.
type Result struct {
	Rows       int     `json:"rows"`
	EvalOn     string  `json:"eval_on"`
	FPR        float64 `json:"fpr"` // the champion's false positive rate at its threshold
	Champion   Side    `json:"champion"`
	Challenger Side    `json:"challenger"`
	MarginAUC  float64 `json:"margin_auc"`
	MarginRec  float64 `json:"margin_recall"`
	Passed     bool    `json:"passed"`
	Reason     string  `json:"reason"`
	// Shadow is the challenger's shadow on the alias, when the gate
	// required one.
	Shadow *registry.ShadowSummary `json:"shadow,omitempty"`
}
