package eval

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/internal/pyref"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }

// sklearnCase is one case printed by testdata/sklearn_case.py.
type sklearnCase struct {
	Name             string    `json:"name"`
	Scores           []float64 `json:"scores"`
	Labels           []int     `json:"labels"`
	Threshold        float64   `json:"threshold"`
	ROCAUC           float64   `json:"roc_auc"`
	AveragePrecision float64   `json:"average_precision"`
	Precision        float64   `json:"precision"`
	Recall           float64   `json:"recall"`
	F1               float64   `json:"f1"`
	TN, FP, FN, TP   int
	BestF1           float64 `json:"best_f1"`
	RecallAt1PctFPR  float64 `json:"recall_at_1pct_fpr"`
}

func TestAgainstSklearn(t *testing.T) {
	pyref.Require(t, "sklearn", "numpy")
	out := pyref.Run(t, nil, "testdata/sklearn_case.py")
	var cases []sklearnCase
	if err := json.Unmarshal(out, &cases); err != nil {
		t.Fatalf("decode sklearn output: %v", err)
	}
	if len(cases) != 2 {
		t.Fatalf("%d cases from sklearn_case.py; want 2", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			r := Evaluate(c.Scores, c.Labels, nil, c.Threshold)
			want := mlctl.Confusion{TP: c.TP, FP: c.FP, TN: c.TN, FN: c.FN}
			if r.Confusion != want {
				t.Errorf("confusion %+v; sklearn %+v", r.Confusion, want)
			}
			for _, m := range []struct {
				name      string
				got, want float64
			}{
				{"roc_auc", r.Metrics.AUCROC, c.ROCAUC},
				{"average_precision", r.Metrics.AUCPR, c.AveragePrecision},
				{"precision", r.Metrics.Precision, c.Precision},
				{"recall", r.Metrics.Recall, c.Recall},
				{"f1", r.Metrics.F1, c.F1},
				{"recall_at_1pct_fpr", r.Metrics.RecallAt1PctFPR, c.RecallAt1PctFPR},
				{"best f1", thresholdMetrics(ConfusionAt(c.Scores, c.Labels, BestF1Threshold(c.Scores, c.Labels))).F1, c.BestF1},
			} {
				if !near(m.got, m.want) {
					t.Errorf("%s = %.17g; sklearn %.17g", m.name, m.got, m.want)
				}
			}
		})
	}
}

func TestConfusionAt(t *testing.T) {
	scores := []float64{0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.4, 0.3, 0.3, 0.2, 0.1}
	labels := []int{1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	if got, want := ConfusionAt(scores, labels, 0.6), (mlctl.Confusion{TP: 5, FP: 2, TN: 4, FN: 1}); got != want {
		t.Errorf("at 0.6: %+v; want %+v", got, want)
	}
	if got, want := ConfusionAt(scores, labels, 1.5), (mlctl.Confusion{TP: 0, FP: 0, TN: 6, FN: 6}); got != want {
		t.Errorf("at 1.5: %+v; want %+v", got, want)
	}
	if got := ConfusionAt(nil, nil, 0.5); got.Total() != 0 {
		t.Errorf("empty: %+v", got)
	}
}

func TestROCAUC(t *testing.T) {
	cases := []struct {
		name   string
		scores []float64
		labels []int
		want   float64
	}{
		{"perfect", []float64{0.9, 0.8, 0.2, 0.1}, []int{1, 1, 0, 0}, 1},
		{"inverted", []float64{0.9, 0.8, 0.2, 0.1}, []int{0, 0, 1, 1}, 0},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5}, []int{1, 0, 1, 0}, 0.5},
		// 28 of 36 pairs ranked right, ties counting half.
		{"ties", []float64{0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.4, 0.3, 0.3, 0.2, 0.1}, []int{1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0}, 28.0 / 36},
		{"one pair wrong", []float64{0.9, 0.7, 0.8, 0.1}, []int{1, 1, 0, 0}, 0.75},
		{"only positives", []float64{0.9, 0.1}, []int{1, 1}, 0},
		{"only negatives", []float64{0.9, 0.1}, []int{0, 0}, 0},
		{"empty", nil, nil, 0},
	}
	for _, c := range cases {
		if got := ROCAUC(c.scores, c.labels); !near(got, c.want) {
			t.Errorf("%s: ROCAUC = %v; want %v", c.name, got, c.want)
		}
	}
}

func TestPRAUC(t *testing.T) {
	cases := []struct {
		name   string
		scores []float64
		labels []int
		want   float64
	}{
		{"perfect", []float64{0.9, 0.8, 0.2, 0.1}, []int{1, 1, 0, 0}, 1},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5}, []int{1, 0, 1, 0}, 0.5},
		// recall 1/2 at precision 1, then recall 1 at precision 2/3.
		{"interleaved", []float64{0.9, 0.8, 0.7, 0.6}, []int{1, 0, 1, 0}, 0.5 + 0.5*2.0/3},
		{"only positives", []float64{0.9, 0.1}, []int{1, 1}, 1},
		{"only negatives", []float64{0.9, 0.1}, []int{0, 0}, 0},
		{"empty", nil, nil, 0},
	}
	for _, c := range cases {
		if got := PRAUC(c.scores, c.labels); !near(got, c.want) {
			t.Errorf("%s: PRAUC = %v; want %v", c.name, got, c.want)
		}
	}
}

func TestBestF1Threshold(t *testing.T) {
	// F1 at 0.9, 0.8, 0.7, 0.6: 2/3, 1/2, 4/5, 2/3.
	if got := BestF1Threshold([]float64{0.9, 0.8, 0.7, 0.6}, []int{1, 0, 1, 0}); got != 0.7 {
		t.Errorf("got %v; want 0.7", got)
	}
	// Equal F1 (1) at 0.8 only; ties in score move together.
	if got := BestF1Threshold([]float64{0.8, 0.8, 0.3, 0.3}, []int{1, 1, 0, 0}); got != 0.8 {
		t.Errorf("got %v; want 0.8", got)
	}
	if got := BestF1Threshold([]float64{0.9, 0.1}, []int{0, 0}); got != DefaultThreshold {
		t.Errorf("no positives: got %v; want %v", got, DefaultThreshold)
	}
	if got := BestF1Threshold(nil, nil); got != DefaultThreshold {
		t.Errorf("empty: got %v", got)
	}
}

func TestRecallAtFPR(t *testing.T) {
	scores, labels := []float64{0.9, 0.8, 0.7, 0.6}, []int{1, 0, 1, 0}
	for _, c := range []struct{ fpr, recall, threshold float64 }{
		{0, 0.5, 0.9}, {0.49, 0.5, 0.9}, {0.5, 1, 0.7},
		{1, 1, 0.7}, // the highest threshold with that recall: 0.6 would add a false positive for nothing
	} {
		r, th := RecallAtFPR(scores, labels, c.fpr)
		if r != c.recall || th != c.threshold {
			t.Errorf("fpr %v: recall %v threshold %v; want %v %v", c.fpr, r, th, c.recall, c.threshold)
		}
	}
	r, th := RecallAtFPR([]float64{0.9, 0.5}, []int{0, 1}, 0.01)
	if r != 0 || th <= 0.9 || ConfusionAt([]float64{0.9, 0.5}, []int{0, 1}, th).FP != 0 {
		t.Errorf("top score negative: recall %v threshold %v", r, th)
	}
	if r, th := RecallAtFPR([]float64{0.9, 0.5}, []int{1, 1}, 0.01); r != 1 || th != 0.5 {
		t.Errorf("no negatives: %v %v", r, th)
	}
	if r, th := RecallAtFPR(nil, nil, 0.01); r != 0 || th != 0 {
		t.Errorf("empty: %v %v", r, th)
	}
}

func TestEvaluate(t *testing.T) {
	scores := []float64{0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.4, 0.3, 0.3, 0.2, 0.1}
	labels := []int{1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	families := []string{"zeus", "matsnu", "benign", "zeus", "benign", "matsnu", "", "", "matsnu", "benign", "benign", ""}
	r := Evaluate(scores, labels, families, 0.6)
	m := r.Metrics
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"precision", m.Precision, 5.0 / 7}, {"recall", m.Recall, 5.0 / 6}, {"f1", m.F1, 10.0 / 13},
		{"fpr", m.FPR, 2.0 / 6}, {"fdr", m.FDR, 2.0 / 7}, {"fttar", m.FTTAR, 2.0 / 5},
		{"accuracy", m.Accuracy, 9.0 / 12}, {"auc_roc", m.AUCROC, 28.0 / 36},
		{"recall_at_1pct_fpr", m.RecallAt1PctFPR, 1.0 / 6},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
	want := []mlctl.FamilyRecall{{Family: "matsnu", N: 3, Detected: 2, Recall: 2.0 / 3}, {Family: "zeus", N: 2, Detected: 2, Recall: 1}}
	if len(r.FamilyRecall) != len(want) {
		t.Fatalf("family recall %+v; want %+v", r.FamilyRecall, want)
	}
	for i := range want {
		if g := r.FamilyRecall[i]; g.Family != want[i].Family || g.N != want[i].N || g.Detected != want[i].Detected || !near(g.Recall, want[i].Recall) {
			t.Errorf("family %d = %+v; want %+v", i, g, want[i])
		}
	}
	if r.Rows != 12 || r.Threshold != 0.6 {
		t.Errorf("rows %d threshold %v", r.Rows, r.Threshold)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"auc_roc"`, `"auc_pr"`, `"recall_at_1pct_fpr"`, `"fttar"`, `"tp":5`, `"family_recall":[{"family":"matsnu","n":3,"detected":2`, `"rows":12`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("json lacks %s: %s", key, b)
		}
	}
}

// TestEvaluateDegenerate checks that one-class and empty inputs give zeros
// that JSON can carry, not NaN or infinity.
func TestEvaluateDegenerate(t *testing.T) {
	for _, c := range []struct {
		name   string
		scores []float64
		labels []int
	}{
		{"empty", nil, nil},
		{"only negatives", []float64{0.9, 0.2}, []int{0, 0}},
		{"only positives", []float64{0.9, 0.2}, []int{1, 1}},
		{"nothing flagged", []float64{0.1, 0.2}, []int{1, 0}},
	} {
		r := Evaluate(c.scores, c.labels, nil, 0.5)
		if _, err := json.Marshal(r); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if r.FamilyRecall == nil {
			t.Errorf("%s: family_recall would encode as null", c.name)
		}
	}
	r := Evaluate([]float64{0.9, 0.2}, []int{0, 0}, nil, 0.5)
	if m := r.Metrics; m.Precision != 0 || m.Recall != 0 || m.FTTAR != 0 || m.FDR != 1 || m.FPR != 0.5 || m.AUCROC != 0 {
		t.Errorf("only negatives: %+v", m)
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "2 scores but 1 labels") {
			t.Errorf("recover() = %v", r)
		}
	}()
	ROCAUC([]float64{0.1, 0.2}, []int{1})
}
