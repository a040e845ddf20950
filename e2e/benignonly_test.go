package e2e

import (
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/datasets"
)

// TestTrainIForestOnBenignOnlyNames: `train --algo iforest` on a dga
// dataset of benign names only (a resolver's baseline, no DGA list) fits
// the default domain feature set benign-only, takes the isolation forest's
// adaptive threshold, says both in train's output and the manifest, and
// the model scores names.
func TestTrainIForestOnBenignOnlyNames(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	var benign, dga []string
	for _, r := range datasets.GenerateDemo(6, 1600) {
		if r.Label == 0 {
			benign = append(benign, r.Name)
		} else {
			dga = append(dga, r.Name)
		}
	}
	list := s.writeFile("resolver.txt", strings.Join(benign, "\n")+"\n")
	s.run("dataset", "ingest", "resolver", "--kind", "dga", "--format", "list", "--label", "0", "--file", list)

	out := s.run("train", "--dataset", "resolver", "--algo", "iforest", "--param", "n_estimators=50", "--wait")
	if !strings.Contains(out, "isolation forest's adaptive threshold") || !strings.Contains(out, "features fitted benign-only: the training part had no malicious rows") {
		t.Fatalf("train output does not give the threshold rule and the benign-only fit:\n%s", out)
	}
	var show struct {
		Manifest struct {
			FeatureSet    string  `json:"feature_set"`
			FeatureFit    string  `json:"feature_fit"`
			Threshold     float64 `json:"threshold"`
			ThresholdRule string  `json:"threshold_rule"`
		} `json:"manifest"`
	}
	mustJSON(t, s.run("models", "show", "resolver-iforest@1", "--json"), &show)
	if m := show.Manifest; m.FeatureSet != "domain" || m.FeatureFit != "benign-only" || !strings.Contains(m.ThresholdRule, "adaptive threshold") {
		t.Fatalf("manifest %+v", m)
	}
	if out := s.run("models", "show", "resolver-iforest@1"); !strings.Contains(out, "fitted     benign-only: ") {
		t.Fatalf("models show does not say the features were fitted benign-only:\n%s", out)
	}

	names := s.writeFile("names.txt", strings.Join(append(benign[:20:20], dga[:20]...), "\n")+"\n")
	lines := strings.Split(strings.TrimSpace(s.run("score", "--model", "resolver-iforest@1", "--file", names, "--json")), "\n")
	if len(lines) != 40 {
		t.Fatalf("score printed %d lines, want 40", len(lines))
	}
	var sumBenign, sumDGA float64
	for i, l := range lines {
		var sl struct {
			Input string  `json:"input"`
			Score float64 `json:"score"`
			Label int     `json:"label"`
		}
		mustJSON(t, l, &sl)
		if math.IsNaN(sl.Score) || (sl.Label == 1) != (sl.Score >= show.Manifest.Threshold) {
			t.Fatalf("score line %s (threshold %v)", l, show.Manifest.Threshold)
		}
		if i < 20 {
			sumBenign += sl.Score
		} else {
			sumDGA += sl.Score
		}
	}
	if !(sumDGA > sumBenign) {
		t.Fatalf("DGA names score %.3f in all, benign ones %.3f:\n%s", sumDGA, sumBenign, strings.Join(lines, "\n"))
	}
}
