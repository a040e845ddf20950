package tunebench

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/mlctl/mlctl/internal/pyref"
	"github.com/mlctl/mlctl/tuning"
)

//go:embed optuna_xgb.py
var optunaScript []byte

// OptunaRequest is what optuna_xgb.py reads on stdin.
type OptunaRequest struct {
	CSV     string   `json:"csv"`
	Assign  string   `json:"assign"`
	Columns []string `json:"columns"`
	// Space is mlctl's search space as Tune got it (rounds fixed in it).
	Space           tuning.Space `json:"space"`
	Rounds          int          `json:"rounds"`
	Trials          int          `json:"trials"`
	Folds           int          `json:"folds"`
	Startup         int          `json:"startup"`
	Seed            uint64       `json:"seed"`
	Threads         int          `json:"nthread"`
	MaxBin          int          `json:"max_bin"`
	BaseScore       float64      `json:"base_score"`
	HoldoutFamilies []string     `json:"holdout_families"`
}

// OptunaTrial is one of Optuna's trials.
type OptunaTrial struct {
	Number     int            `json:"trial"`
	Value      float64        `json:"value"`
	Params     map[string]any `json:"params"`
	FoldValues []float64      `json:"fold_values"`
	Seconds    float64        `json:"seconds"`
}

// OptunaResult is what optuna_xgb.py prints.
type OptunaResult struct {
	Versions       map[string]string `json:"versions"`
	Rows           int               `json:"rows"`
	TunedRows      int               `json:"tuned_rows"`
	TestRows       int               `json:"test_rows"`
	HoldoutRows    int               `json:"holdout_rows"`
	BenignTestRows int               `json:"benign_test_rows"`
	LoadSeconds    float64           `json:"load_seconds"`
	SearchSeconds  float64           `json:"search_seconds"`
	RetrainSeconds float64           `json:"retrain_seconds"`
	TotalSeconds   float64           `json:"total_seconds"`
	Trials         []OptunaTrial     `json:"trials"`
	Best           OptunaTrial       `json:"best"`
	TestAUC        float64           `json:"test_auc"`
	HoldoutAUC     float64           `json:"holdout_auc"`
}

// ParseOptuna reads optuna_xgb.py's output, checking that it is whole:
// want trials, each with a value, and a best trial among them.
func ParseOptuna(data []byte, want int) (*OptunaResult, error) {
	var r OptunaResult
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("optuna_xgb.py printed no result: %w", err)
	}
	if len(r.Trials) != want {
		return nil, fmt.Errorf("optuna_xgb.py ran %d trials, want %d", len(r.Trials), want)
	}
	found := false
	for _, t := range r.Trials {
		if len(t.FoldValues) == 0 {
			return nil, fmt.Errorf("optuna_xgb.py: trial %d has no fold values", t.Number)
		}
		if t.Number == r.Best.Number {
			found = t.Value == r.Best.Value
		}
	}
	switch {
	case !found:
		return nil, fmt.Errorf("optuna_xgb.py: best trial %d (%v) is not among its trials", r.Best.Number, r.Best.Value)
	case !(r.TestAUC > 0 && r.TestAUC <= 1) || !(r.HoldoutAUC > 0 && r.HoldoutAUC <= 1):
		return nil, fmt.Errorf("optuna_xgb.py: test ROC-AUC %v, held-out families %v: want in (0, 1]", r.TestAUC, r.HoldoutAUC)
	case r.SearchSeconds <= 0:
		return nil, fmt.Errorf("optuna_xgb.py: search took %v s", r.SearchSeconds)
	}
	return &r, nil
}

// OMPWaitPolicy is xgboost's OpenMP wait policy in the benchmark. With
// the default (threads spin at barriers), xgboost at 2 threads trained
// 4 to 7 times slower than at 1 thread on a 2-core machine whose cores
// other (niced) work shares, since a spinning thread holds a core its
// preempted partner needs; passive waiting gives xgboost its best time
// there, so Optuna's side is measured at its best.
const OMPWaitPolicy = "PASSIVE"

// RunOptuna runs optuna_xgb.py (written to dir) with Debian's python3 on
// req, its progress to log, and returns its result with the process's
// wall time.
func RunOptuna(ctx context.Context, dir string, req OptunaRequest, log io.Writer) (*OptunaResult, error) {
	path := filepath.Join(dir, "optuna_xgb.py")
	if err := os.WriteFile(path, optunaScript, 0o600); err != nil {
		return nil, err
	}
	in, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, pyref.Python, path)
	cmd.Env = append(os.Environ(), "OMP_WAIT_POLICY="+OMPWaitPolicy)
	cmd.Stdin, cmd.Stderr = bytes.NewReader(in), log
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w (`make pyref` installs python3-optuna, python3-xgboost and python3-sklearn)", pyref.Python, path, err)
	}
	return ParseOptuna(out, req.Trials)
}
