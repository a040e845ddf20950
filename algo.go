package mlctl

import "strings"

// Algo names a learning algorithm, as `--algo` takes it and an artifact
// records it.
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

// Algos lists every algorithm, in the order help text shows them.
var Algos = []Algo{AlgoGBDT, AlgoRF, AlgoIForest, AlgoLSTM}

// ParseAlgo checks a user's algorithm name.
func ParseAlgo(s string) (Algo, error) {
	for _, a := range Algos {
		if string(a) == s {
			return a, nil
		}
	}
	return "", Errorf(EINVALID, "algo %q is not available (have: %s)", s, joinAlgos())
}

func joinAlgos() string {
	names := make([]string, len(Algos))
	for i, a := range Algos {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// String returns the algorithm's name.
func (a Algo) String() string { return string(a) }

// Validate reports whether a is one of Algos.
func (a Algo) Validate() error {
	_, err := ParseAlgo(string(a))
	return err
}
