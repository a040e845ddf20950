package flowsbench

import (
	"context"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/deploy/devenv"
	"github.com/mlctl/mlctl/internal/pyref"
)

// sharedData is the shared corpora (devenv.SharedData); the test fails,
// never skips, when its captures are absent.
func sharedData(t *testing.T) string {
	t.Helper()
	dir, err := devenv.SharedData()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Captures() {
		if _, err := os.Stat(filepath.Join(dir, c.File)); err != nil {
			t.Fatalf("the Stratosphere captures are expected in %s (set MLCTL_SHARED_DATA): %v", filepath.Join(dir, "flows"), err)
		}
	}
	return dir
}

// TestRunStratosphere runs the whole protocol on the real captures, as
// `mlctl-bench -only-flows` does, and checks the figures it measured
// (flow features v2; they are deterministic for the seed). The target,
// recall ≥ 0.95 at ≤ 1% FPR per source window, is met by both random
// forests with the threshold picked on the held-out capture, on each scan
// capture and pooled. With the threshold picked on the training captures
// alone it is met on 002, on 008 and pooled, not on 010: 11 of its benign
// windows (1.55%) are single flows of which Zeek saw no packet from the
// workstation (history "h", orig_pkts 0), scored like scanning.
func TestRunStratosphere(t *testing.T) {
	pyref.Require(t, "sklearn", "numpy")
	start := time.Now()
	res, err := Run(context.Background(), DefaultOptions(sharedData(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v\n%s", time.Since(start), res.Table())

	// The windows each labeling gives: 002 by ScanRule, the others by
	// Stratosphere's labels.
	wantCaps := map[string][3]int{"002": {12, 11, 38}, "008": {5135, 3968, 35}, "010": {3939, 3230, 31}, "001": {227, 227, 323}}
	for _, c := range res.Captures {
		if w := wantCaps[c.Name]; [3]int{c.Windows, c.Malicious, c.Unknown} != w {
			t.Errorf("capture %s: %d windows, %d malicious, %d unknown; want %v", c.Name, c.Windows, c.Malicious, c.Unknown, w)
		}
	}
	if res.Features != 48 || len(res.Folds) != 4 || len(res.Pooled) != 3 || res.PooledWindows != 12+5135+3939 {
		t.Fatalf("%d features, %d folds, %d pooled scores over %d windows", res.Features, len(res.Folds), len(res.Pooled), res.PooledWindows)
	}

	type bounds struct {
		minAUC, minBest float64 // ROC-AUC, recall at ≤ 1% FPR with the best threshold
		minRecall       float64 // at the deployed threshold
		maxFPR          float64 // at the deployed threshold
	}
	// mlctl's random forest, per held-out scan capture and pooled: what
	// it reached, with a little room.
	want := map[string]bounds{
		"002":    {0.999, 0.95, 0.95, 0},
		"008":    {0.999, 0.95, 0.98, 0.01},
		"010":    {0.999, 0.95, 0.99, 0.02},
		"pooled": {0.999, 0.95, 0.98, 0.01},
	}
	check := func(held string, s Score) {
		w := want[held]
		if s.AUC == nil || *s.AUC < w.minAUC || *s.RecallAtFPR < w.minBest || s.Recall < w.minRecall || *s.FPR > w.maxFPR {
			t.Errorf("%s, %s: AUC %s, best recall %s, deployed recall %.3f at FPR %s; want at least %+v",
				held, s.Model, opt(s.AUC, "%.4f"), opt(s.RecallAtFPR, "%.3f"), s.Recall, opt(s.FPR, "%.4f"), w)
		}
		if best, _ := s.Met(); !best {
			t.Errorf("%s, %s: target not met even with the best threshold", held, s.Model)
		}
	}
	for _, f := range res.Folds {
		byModel := map[string]Score{}
		for _, s := range f.Scores {
			byModel[s.Model] = s
		}
		rf, sk, ifo := byModel[ModelForest], byModel[ModelSklearnForest], byModel[ModelIForest]
		if !f.Scan {
			// 001 (C&C) has no benign windows: recall at the deployed
			// threshold of models trained on every scan capture.
			if f.HeldOut != "001" || rf.AUC != nil || rf.FPR != nil || rf.Recall < 0.8 || len(f.Train) != 3 {
				t.Errorf("fold %s: %+v", f.HeldOut, rf)
			}
			continue
		}
		if len(f.Train) != 2 || strings.Contains(strings.Join(f.Train, " "), f.HeldOut) {
			t.Errorf("fold %s trained on %v", f.HeldOut, f.Train)
		}
		check(f.HeldOut, rf)
		// scikit-learn's forest on the same rows ranks as well.
		if sk.AUC == nil || math.Abs(*sk.AUC-*rf.AUC) > 0.005 || *sk.RecallAtFPR < 0.95 || !(sk.FitSecs > 0) || !(rf.FitSecs > 0) {
			t.Errorf("fold %s: sklearn %+v against mlctl %+v", f.HeldOut, sk, rf)
		}
		// The isolation forest, trained on benign windows only, scores.
		if ifo.AUC == nil || *ifo.AUC < 0.5 {
			t.Errorf("fold %s: isolation forest %+v", f.HeldOut, ifo)
		}
	}
	check("pooled", res.Pooled[0])
	// Pooled, the isolation forest ranks far worse than either forest.
	if p := res.Pooled; p[2].Model != ModelIForest || *p[2].AUC < 0.7 || *p[2].AUC > *p[0].AUC-0.1 {
		t.Errorf("pooled isolation forest AUC %s, random forest %s", opt(p[2].AUC, "%.4f"), opt(p[0].AUC, "%.4f"))
	}
	table := res.Table()
	for _, s := range []string{"| pooled | scan folds | 9086 | 7209 | mlctl RF |", "- 002 held out, mlctl RF: best met, deployed met", "- pooled, mlctl RF: best met, deployed met", ScanRule} {
		if !strings.Contains(table, s) {
			t.Errorf("table lacks %q", s)
		}
	}
}

func TestScanRule(t *testing.T) {
	rec := func(src, dst string, proto string, srcPort, dstPort uint16) *datasets.ConnRecord {
		return &datasets.ConnRecord{SrcIP: netip.MustParseAddr(src), DstIP: netip.MustParseAddr(dst), Proto: proto, SrcPort: srcPort, DstPort: dstPort, OrigPkts: 1}
	}
	unseen := rec("172.16.1.11", "192.168.1.155", "tcp", 40000, 5060)
	unseen.OrigPkts = 0 // Zeek logged only the target's answers
	for _, c := range []struct {
		r    *datasets.ConnRecord
		want flowKind
	}{
		{rec("172.16.1.11", "10.0.2.3", "tcp", 40000, 514), kindProbe},
		{rec("172.16.1.11", "192.168.1.155", "tcp", 40000, 2000), kindProbe},
		{rec("172.16.1.11", "172.16.1.30", "icmp", 8, 0), kindProbe},   // echo request
		{rec("172.16.1.11", "172.16.1.30", "icmp", 17, 18), kindProbe}, // address mask request
		{rec("172.16.1.11", "172.16.1.30", "udp", 50000, 40125), kindProbe},
		{rec("172.16.1.11", "172.16.1.30", "icmp", 3, 3), kindUnknown}, // port unreachable: an answer
		{rec("172.16.1.11", "8.8.8.8", "udp", 40042, 53), kindBenign},
		{rec("172.16.1.11", "8.8.8.8", "tcp", 40042, 80), kindUnknown},
		{rec("172.16.1.11", "0.0.0.4", "tcp", 40042, 993), kindUnknown}, // not a network the README names
		{rec("172.16.1.30", "172.16.1.11", "udp", 53, 40000), kindUnknown},
		{unseen, kindUnknown},
	} {
		if got := scanFlowKind(c.r); got != c.want {
			t.Errorf("%v %s:%d → %s:%d: %v, want %v", c.r.Proto, c.r.SrcIP, c.r.SrcPort, c.r.DstIP, c.r.DstPort, got, c.want)
		}
	}
}

func TestPickThreshold(t *testing.T) {
	// 100 benign scores 0.00 … 0.99 and positives at 0.995, 0.8 and 0.3.
	var scores []float64
	var labels []int
	for i := range 100 {
		scores, labels = append(scores, float64(i)/100), append(labels, 0)
	}
	scores, labels = append(scores, 0.995, 0.8, 0.3), append(labels, 1, 1, 1)
	// At most one false positive: the lowest such threshold is 0.99 (one
	// benign at or above it), recall 1/3; the highest with that recall is
	// the positive's own 0.995.
	if got := pickThreshold(scores, labels); got != 0.995 {
		t.Errorf("threshold %v, want 0.995", got)
	}
	// Positives above every benign score: the lowest positive.
	if got := pickThreshold([]float64{0.1, 0.2, 0.7, 0.9}, []int{0, 0, 1, 1}); got != 0.7 {
		t.Errorf("separable: threshold %v, want 0.7", got)
	}
}
