package artifact

import (
	"context"
	"testing"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/gbdt"
)

// TestScoreIsTheSameAloneAndInABatch: a name scores the same whether it
// comes alone (row by row) or in a large batch (matrix, every core).
func TestScoreIsTheSameAloneAndInABatch(t *testing.T) {
	rows := datasets.GenerateDemo(2, 2000)
	set, err := features.Lookup("heidgaf44", nil)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(rows))
	y := make([]float32, len(rows))
	for i, r := range rows {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	p := gbdt.DefaultParams()
	p.Rounds = 20
	m, err := gbdt.Train(context.Background(), FeatureMatrix(set, names), y, p, gbdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := NewScorer(&Artifact{Algo: "gbdt", Model: m, FeatureSet: FeatureSet{Name: set.Name(), Version: set.Version(), Names: set.Names()}})
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]float64, len(names))
	sc.Score(names, batch)
	// A large batch is scored block by block on every core (features and
	// trees fused); it gives what the whole matrix predicted at once gives.
	whole := make([]float64, len(names))
	if err := m.Predict(FeatureMatrix(set, names), whole); err != nil {
		t.Fatal(err)
	}
	for i := range whole {
		if whole[i] != batch[i] {
			t.Fatalf("%s: fused %v, whole matrix %v", names[i], batch[i], whole[i])
		}
	}
	one := make([]float64, 1)
	few := make([]float64, 3)
	for i, n := range names {
		sc.Score([]string{n}, one)
		if one[0] != batch[i] {
			t.Fatalf("%s: alone %v, in a batch %v", n, one[0], batch[i])
		}
		if i+3 <= len(names) && i%50 == 0 {
			sc.Score(names[i:i+3], few)
			for j := range few {
				if few[j] != batch[i+j] {
					t.Fatalf("%s: in three %v, in a batch %v", names[i+j], few[j], batch[i+j])
				}
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { sc.Score(names[:1], one) }); n > 0 {
		t.Fatalf("scoring one name allocates %v times", n)
	}
}
