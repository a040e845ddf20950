package tuning

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/training/eval"
)

// Objective is what a trial is scored by on each held-out fold.
type Objective struct {
	// Name is roc_auc, recall_at_fpr, fdr or logloss.
	Name string `json:"name"`
	// FPR is recall_at_fpr's false positive rate.
	FPR float64 `json:"fpr,omitempty"`
}

// DefaultObjective is roc_auc: it needs no threshold and rewards ranking
// unseen families above benign names.
var DefaultObjective = Objective{Name: "roc_auc"}

// ParseObjective reads --objective: roc_auc, recall_at_fpr=F (0 < F < 1),
// fdr (heiDGAF's: the false discovery rate at score 0.5) or logloss.
func ParseObjective(s string) (Objective, error) {
	name, v, hasValue := strings.Cut(strings.TrimSpace(s), "=")
	switch name {
	case "roc_auc", "fdr", "logloss":
		if hasValue {
			return Objective{}, fmt.Errorf("--objective %s takes no value", name)
		}
		return Objective{Name: name}, nil
	case "recall_at_fpr":
		f, err := strconv.ParseFloat(v, 64)
		if !hasValue || err != nil || !(f > 0 && f < 1) {
			return Objective{}, fmt.Errorf("--objective %s: want recall_at_fpr=F with a false positive rate 0 < F < 1, e.g. recall_at_fpr=0.01", s)
		}
		return Objective{Name: name, FPR: f}, nil
	}
	return Objective{}, fmt.Errorf("--objective %s: want roc_auc, recall_at_fpr=F (e.g. 0.01), fdr or logloss", s)
}

// String writes o as --objective takes it.
func (o Objective) String() string {
	if o.Name == "recall_at_fpr" {
		return "recall_at_fpr=" + strconv.FormatFloat(o.FPR, 'g', -1, 64)
	}
	return o.Name
}

// Minimise says whether smaller is better (fdr, logloss).
func (o Objective) Minimise() bool { return o.Name == "fdr" || o.Name == "logloss" }

// Better says whether a is a better value of o than b.
func (o Objective) Better(a, b float64) bool {
	if o.Minimise() {
		return a < b
	}
	return a > b
}

// Gain is v turned so that larger is better (the sampler's Value).
func (o Objective) Gain(v float64) float64 {
	if o.Minimise() {
		return -v
	}
	return v
}

// FDRThreshold is the score at which fdr counts a row as flagged, as
// heiDGAF's predict does.
const FDRThreshold = 0.5

// Score is o on one fold's scores and labels (1 malicious, 0 benign).
// A fold with one class only has no ROC-AUC or recall: the result is NaN,
// and a trial's mean leaves such folds out.
func (o Objective) Score(scores []float64, labels []int) float64 {
	var pos, neg int
	for _, l := range labels {
		if l == 1 {
			pos++
		} else {
			neg++
		}
	}
	switch o.Name {
	case "roc_auc":
		if pos == 0 || neg == 0 {
			return math.NaN()
		}
		return eval.ROCAUC(scores, labels)
	case "recall_at_fpr":
		if pos == 0 || neg == 0 {
			return math.NaN()
		}
		r, _ := eval.RecallAtFPR(scores, labels, o.FPR)
		return r
	case "fdr":
		c := eval.ConfusionAt(scores, labels, FDRThreshold)
		if c.TP+c.FP == 0 {
			return 1 // flags nothing: no discovery is true, the worst rather than a perfect 0
		}
		return float64(c.FP) / float64(c.TP+c.FP)
	case "logloss":
		if len(scores) == 0 {
			return math.NaN()
		}
		var sum float64
		for i, s := range scores {
			p := min(max(s, 1e-15), 1-1e-15)
			if labels[i] == 1 {
				sum -= math.Log(p)
			} else {
				sum -= math.Log(1 - p)
			}
		}
		return sum / float64(len(scores))
	}
	panic("tuning: unknown objective " + o.Name)
}

// Mean is the mean of fold values, leaving NaN folds out (NaN when all are).
func Mean(values []float64) float64 {
	var sum float64
	n := 0
	for _, v := range values {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
