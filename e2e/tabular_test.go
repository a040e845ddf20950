package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// botTable writes a bot-detector-like table of per-client aggregates: humans
// (the baseline, label 0, hits and header counts of browsers) and bots
// (label 1, fast, few headers, many ports), plus unlabeled clients that
// are not in the baseline.
func botTable(t *testing.T, s *stack, name string, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("src_ip,asn_label,hits,hit_velocity,header_count,has_cookie,src_port_density,is_human,label\n")
	for i := range 600 {
		switch {
		case i < 400: // humans: the baseline
			fmt.Fprintf(&b, "198.51.%d.%d,isp,%d,%.4f,%d,1,%.3f,true,0\n", 100+i/200, i%200, 10+rng.IntN(60), 0.005+0.01*rng.Float64(), 11+rng.IntN(5), 2+2*rng.Float64())
		case i < 480: // bots
			fmt.Fprintf(&b, "203.0.113.%d,hosting,%d,%.4f,%d,0,%.3f,false,1\n", i-400, 2000+rng.IntN(4000), 0.8+rng.Float64(), 3+rng.IntN(3), 6+2*rng.Float64())
		default: // unknown clients, mostly human-like
			fmt.Fprintf(&b, "192.0.2.%d,isp,%d,%.4f,%d,1,%.3f,false,\n", i-480, 10+rng.IntN(80), 0.005+0.02*rng.Float64(), 10+rng.IntN(6), 2+3*rng.Float64())
		}
	}
	return s.writeFile(name, b.String())
}

// TestTabularModels: an isolation forest trains on a tabular dataset's
// baseline rows only (named at ingest with --baseline-column), a random
// forest on its labeled rows; neither takes the baseline marks as a
// feature, both publish seeded models, and `mlctl score` scores another
// table of the same columns row by row, with the row keys.
func TestTabularModels(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	train := botTable(t, s, "bots.csv", 1)
	s.run("dataset", "ingest", "bots", "--kind", "tabular", "--file", train, "--key-column", "src_ip",
		"--ignore-column", "asn_label", "--baseline-column", "is_human")
	for _, algo := range []string{"iforest", "rf"} {
		var a, b trained
		args := []string{"train", "--dataset", "bots", "--algo", algo, "--param", "n_estimators=50", "--wait", "--json"}
		mustJSON(t, s.run(args...), &a)
		mustJSON(t, s.run(args...), &b)
		if a.Model != "bots-"+algo || a.Metrics.AUCROC < 0.99 || a.SHA256 != b.SHA256 {
			t.Fatalf("%s: %+v then %+v", algo, a, b)
		}
		var show struct {
			Manifest struct {
				FeatureSet   string            `json:"feature_set"`
				FeatureNames []string          `json:"feature_names"`
				Params       map[string]string `json:"params"`
			} `json:"manifest"`
		}
		mustJSON(t, s.run("models", "show", a.Model+"@1", "--json"), &show)
		m := show.Manifest
		if m.FeatureSet != "tabular" || len(m.FeatureNames) != 5 || strings.Contains(strings.Join(m.FeatureNames, ","), "baseline") {
			t.Fatalf("%s manifest: %+v", algo, m)
		}
		if algo == "iforest" && m.Params["baseline_column"] != "baseline" {
			t.Fatalf("iforest params %v: want baseline_column=baseline", m.Params)
		}
	}
	// Offline scoring of a new table: keys from src_ip, bots flagged.
	fresh := botTable(t, s, "fresh.csv", 2)
	out := s.run("score", "--model", "bots-iforest@1", "--file", fresh, "--key-column", "src_ip", "--ignore-column", "asn_label", "--json")
	var flagged, bots, lines int
	for line := range strings.Lines(out) {
		var l struct {
			Input string `json:"input"`
			Label int    `json:"label"`
		}
		mustJSON(t, line, &l)
		lines++
		if strings.HasPrefix(l.Input, "203.0.113.") && l.Label == 1 {
			bots++
		}
		flagged += l.Label
	}
	if lines != 600 || bots < 70 || flagged > 120 {
		t.Fatalf("score: %d lines, %d flagged, %d of them bots\n%s", lines, flagged, bots, out[:min(len(out), 2000)])
	}
	// Without labels (the bot detector as deployed: a baseline, no ground truth),
	// the isolation forest still trains, and its adaptive threshold is
	// the model's.
	unlabeled := s.writeFile("unlabeled.csv", strings.ReplaceAll(strings.ReplaceAll(readFile(t, fresh), ",0\n", ",\n"), ",1\n", ",\n"))
	s.run("dataset", "ingest", "clients", "--kind", "tabular", "--file", unlabeled, "--key-column", "src_ip",
		"--ignore-column", "asn_label", "--baseline-column", "is_human")
	var show struct {
		Manifest struct {
			Threshold     float64 `json:"threshold"`
			ThresholdRule string  `json:"threshold_rule"`
		} `json:"manifest"`
	}
	s.run("train", "--dataset", "clients", "--algo", "iforest", "--wait")
	mustJSON(t, s.run("models", "show", "clients-iforest@1", "--json"), &show)
	if !strings.Contains(show.Manifest.ThresholdRule, "adaptive threshold") || !(show.Manifest.Threshold > 0) {
		t.Fatalf("unlabeled iforest: %+v", show.Manifest)
	}
	out = s.run("score", "--model", "clients-iforest@1", "--file", unlabeled, "--key-column", "src_ip", "--ignore-column", "asn_label")
	if n := strings.Count(out, "\t1\t203.0.113."); n < 70 {
		t.Fatalf("unlabeled iforest flags %d of 80 bots:\n%s", n, out[:min(len(out), 1500)])
	}
	if _, stderr, err := s.try("train", "--dataset", "bots", "--algo", "rf", "--param", "baseline_column=hits", "--wait"); err == nil ||
		!strings.Contains(stderr, "only isolation forests") {
		t.Fatalf("rf with baseline_column: %v %s", err, stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
