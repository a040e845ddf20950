package mlctl

// Algo names a learning algorithm, as `--algo` takes it and an artifact
// records it. training/learners lists the learners that implement them.
type Algo string

// The algorithms mlctl trains.
const (
	// AlgoGBDT is XGBoost-compatible gradient-boosted trees (training/gbdt).
	AlgoGBDT Algo = "gbdt"
	// AlgoRF is a random forest (training/forest).
	AlgoRF Algo = "rf"
	// AlgoIForest is an isolation forest, trained on a baseline (training/iforest).
	AlgoIForest Algo = "iforest"
	// AlgoLSTM is a character or token sequence model (training/lstm).
	AlgoLSTM Algo = "lstm"
)

// String returns the algorithm's name.
func (a Algo) String() string { return string(a) }
