package tuning

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/mlctl/mlctl/internal/pyref"
)

// TestMatchesOptunaTPE runs Optuna 3.1's TPESampler (Debian's
// python3-optuna, `make pyref`) on the synthetic objective, 40 trials for
// each of 20 seeds, and wants the median best value of this sampler
// within 0.01 of Optuna's (random search's is about −0.03 and below; the
// optimum is 0). Optuna's seeds are its own, so the figures are compared,
// not the trials.
func TestMatchesOptunaTPE(t *testing.T) {
	const seeds, trials, margin = 20, 40, 0.01
	pyref.Require(t, "optuna")
	req, err := json.Marshal(map[string]int{"seeds": seeds, "trials": trials})
	if err != nil {
		t.Fatal(err)
	}
	var theirs []float64
	if err := json.Unmarshal(pyref.Run(t, req, "testdata/optuna_tpe.py"), &theirs); err != nil || len(theirs) != seeds {
		t.Fatalf("optuna_tpe.py: %d values (%v), want %d", len(theirs), err, seeds)
	}
	space := syntheticSpace(t)
	var ours, random []float64
	for seed := range uint64(seeds) {
		ours = append(ours, bestOf(Sampler{Space: space, Seed: seed}, trials))
		random = append(random, bestOf(Sampler{Space: space, Seed: seed + 1000, Startup: trials}, trials))
	}
	mo, mt, mr := median(ours), median(theirs), median(random)
	t.Logf("median best of %d trials over %d seeds: %.4f (mlctl TPE), %.4f (Optuna 3.1 TPE), %.4f (random search)", trials, seeds, mo, mt, mr)
	if math.Abs(mo-mt) > margin {
		t.Errorf("median best %.4f, Optuna's %.4f: want within %v", mo, mt, margin)
	}
}
