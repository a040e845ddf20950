package training

// Progress is what a training run reports: the activity's heartbeat and
// signal to its workflow, and the train step of the workflow's progress
// query.
type Progress struct {
	// Stage is "features" (fitting the feature set or tokenizer), "trees"
	// or "epochs" (the learner's Unit).
	Stage string `json:"stage"`
	// Done of Total units (trees or epochs).
	Done  int `json:"done"`
	Total int `json:"total"`
	// Elapsed is the seconds since the run started; ETA the seconds left.
	Elapsed float64 `json:"elapsed_seconds"`
	ETA     float64 `json:"eta_seconds"`
	// ResumedFrom is the units a resumed run started with.
	ResumedFrom int `json:"resumed_from"`
	// A sequence learner also reports the batch of the epoch in
	// progress, the epoch's mean training loss so far and the validation
	// ROC-AUC after the last finished epoch.
	Batch    int     `json:"batch,omitempty"`
	Batches  int     `json:"batches,omitempty"`
	Loss     float64 `json:"loss,omitempty"`
	ValidAUC float64 `json:"validation_auc,omitempty"`
}
