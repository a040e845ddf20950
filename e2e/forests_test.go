package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainRandomForestAndIsolationForest: `train --algo rf` and `--algo
// iforest` go through TrainModel like gbdt, publish seeded models (the same
// seed gives the same SHA-256), score with `mlctl score`, and refuse an
// XGBoost export.
func TestTrainRandomForestAndIsolationForest(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	corpus := filepath.Join(s.dir, "corpus.csv")
	s.run("dataset", "generate", "--rows", "6000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "corpus", "--kind", "dga", "--file", corpus)
	names := s.writeFile("names.txt", "www.google.com\nxkqwjzprtmvbnd.net\n")
	for _, tc := range []struct {
		algo   string
		params []string
		minAUC float64
	}{
		{"rf", []string{"--param", "n_estimators=30"}, 0.95},
		{"iforest", []string{"--param", "n_estimators=50"}, 0.70},
	} {
		var first, second trained
		args := append([]string{"train", "--dataset", "corpus", "--algo", tc.algo, "--wait", "--json"}, tc.params...)
		mustJSON(t, s.run(args...), &first)
		mustJSON(t, s.run(args...), &second)
		if first.Algo != tc.algo || first.Model != "corpus-"+tc.algo || first.Metrics.AUCROC < tc.minAUC {
			t.Fatalf("%s: %+v", tc.algo, first)
		}
		if second.Version != 2 || second.SHA256 != first.SHA256 {
			t.Fatalf("%s: the same seed gave %s then %s", tc.algo, first.SHA256, second.SHA256)
		}
		ref := first.Model + "@1"
		out := s.run("score", "--model", ref, "--file", names, "--json", "--explain", "3")
		if strings.Count(out, `"input"`) != 2 || !strings.Contains(out, `"model":"`+first.Model+`"`) || strings.Count(out, `"top_features":[{"feature":`) != 2 {
			t.Fatalf("%s score:\n%s", tc.algo, out)
		}
		if _, stderr, err := s.try("models", "export", ref, "--format", "xgboost-json", "-o", filepath.Join(s.dir, "x.json")); exitCode(err) != 2 ||
			!strings.Contains(stderr, "only gbdt models export") {
			t.Fatalf("%s export: %v %s", tc.algo, err, stderr)
		}
	}
}
