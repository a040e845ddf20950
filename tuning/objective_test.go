package tuning

import (
	"math"
	"strings"
	"testing"
)

func TestParseObjective(t *testing.T) {
	for in, want := range map[string]Objective{
		"roc_auc":             {Name: "roc_auc"},
		" roc_auc ":           {Name: "roc_auc"},
		"fdr":                 {Name: "fdr"},
		"logloss":             {Name: "logloss"},
		"recall_at_fpr=0.01":  {Name: "recall_at_fpr", FPR: 0.01},
		"recall_at_fpr=0.5":   {Name: "recall_at_fpr", FPR: 0.5},
		"recall_at_fpr=1e-3":  {Name: "recall_at_fpr", FPR: 0.001},
		"recall_at_fpr=0.999": {Name: "recall_at_fpr", FPR: 0.999},
	} {
		o, err := ParseObjective(in)
		if err != nil || o != want {
			t.Errorf("ParseObjective(%q) = %+v, %v; want %+v", in, o, err, want)
		}
	}
	for in, says := range map[string]string{
		"recall_at_fpr":        "0 < F < 1",
		"recall_at_fpr=":       "0 < F < 1",
		"recall_at_fpr=0":      "0 < F < 1",
		"recall_at_fpr=1":      "0 < F < 1",
		"recall_at_fpr=1.5":    "0 < F < 1",
		"recall_at_fpr=-0.01":  "0 < F < 1",
		"recall_at_fpr=NaN":    "0 < F < 1",
		"recall_at_fpr=one":    "0 < F < 1",
		"roc_auc=1":            "takes no value",
		"fdr=0.5":              "takes no value",
		"logloss=x":            "takes no value",
		"auc":                  "want roc_auc, recall_at_fpr=F",
		"":                     "want roc_auc, recall_at_fpr=F",
		"precision_at_fpr=0.1": "want roc_auc, recall_at_fpr=F",
	} {
		o, err := ParseObjective(in)
		if err == nil || !strings.HasPrefix(err.Error(), "--objective ") || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseObjective(%q) = %+v, %v; want an --objective error saying %q", in, o, err, says)
		}
	}
}

func TestObjectiveStringReadsBack(t *testing.T) {
	for in, s := range map[string]string{
		"roc_auc": "roc_auc", "fdr": "fdr", "logloss": "logloss",
		"recall_at_fpr=0.01": "recall_at_fpr=0.01", "recall_at_fpr=1e-3": "recall_at_fpr=0.001",
	} {
		o, err := ParseObjective(in)
		if err != nil {
			t.Fatal(err)
		}
		if o.String() != s {
			t.Errorf("%q: String() = %q, want %q", in, o.String(), s)
		}
		if back, err := ParseObjective(o.String()); err != nil || back != o {
			t.Errorf("%q read back as %+v, %v", o.String(), back, err)
		}
	}
	if DefaultObjective.String() != "roc_auc" {
		t.Errorf("the default objective is %s", DefaultObjective)
	}
}

func TestObjectiveDirection(t *testing.T) {
	for _, c := range []struct {
		name     string
		minimise bool
	}{{"roc_auc", false}, {"recall_at_fpr", false}, {"fdr", true}, {"logloss", true}} {
		o := Objective{Name: c.name, FPR: 0.01}
		if o.Minimise() != c.minimise {
			t.Errorf("%s: Minimise() = %v", c.name, o.Minimise())
		}
		lo, hi := 0.2, 0.7
		if got, want := o.Better(lo, hi), c.minimise; got != want {
			t.Errorf("%s: Better(%v, %v) = %v, want %v", c.name, lo, hi, got, want)
		}
		if got, want := o.Better(hi, lo), !c.minimise; got != want {
			t.Errorf("%s: Better(%v, %v) = %v, want %v", c.name, hi, lo, got, want)
		}
		if o.Better(lo, lo) {
			t.Errorf("%s: a value is better than itself", c.name)
		}
		want := 0.7
		if c.minimise {
			want = -0.7
		}
		if g := o.Gain(0.7); g != want {
			t.Errorf("%s: Gain(0.7) = %v, want %v", c.name, g, want)
		}
		// A better value has the larger gain.
		if o.Better(lo, hi) != (o.Gain(lo) > o.Gain(hi)) {
			t.Errorf("%s: Better and Gain disagree", c.name)
		}
	}
}

func TestObjectiveScore(t *testing.T) {
	auc := Objective{Name: "roc_auc"}
	fdr := Objective{Name: "fdr"}
	ll := Objective{Name: "logloss"}
	rec := func(f float64) Objective { return Objective{Name: "recall_at_fpr", FPR: f} }
	// Negatives 0.85, 0.2, 0.1, 0.05; positives 0.9, 0.8, 0.3. Of the 12
	// pairs, the positive ranks above the negative in 10 (0.8 and 0.3 are
	// below 0.85; 0.3 above 0.2, 0.1, 0.05): AUC 10/12.
	scores := []float64{0.9, 0.85, 0.8, 0.3, 0.2, 0.1, 0.05}
	labels := []int{1, 0, 1, 1, 0, 0, 0}
	for _, c := range []struct {
		what string
		got  float64
		want float64
	}{
		{"roc_auc", auc.Score(scores, labels), 10.0 / 12},
		// sklearn's roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75.
		{"roc_auc sklearn", auc.Score([]float64{0.1, 0.4, 0.35, 0.8}, []int{0, 0, 1, 1}), 0.75},
		{"roc_auc ties", auc.Score([]float64{0.5, 0.5, 0.5, 0.9}, []int{0, 1, 0, 1}), 0.75},
		{"roc_auc reversed", auc.Score([]float64{0.9, 0.1}, []int{0, 1}), 0},
		// FPR 0.1 allows no false positive of 4: only 0.9 is above 0.85.
		{"recall_at_fpr=0.1", rec(0.1).Score(scores, labels), 1.0 / 3},
		// FPR 0.25 allows one (0.85): every positive is above 0.2.
		{"recall_at_fpr=0.25", rec(0.25).Score(scores, labels), 1},
		{"recall_at_fpr=0.01 nothing", rec(0.01).Score([]float64{0.9, 0.1}, []int{0, 1}), 0},
		// At 0.5: 0.9, 0.85, 0.8 flagged, one of them benign.
		{"fdr", fdr.Score(scores, labels), 1.0 / 3},
		// A score of exactly 0.5 is flagged: 0.5 (benign), 0.6 (malicious).
		{"fdr at 0.5", fdr.Score([]float64{0.5, 0.6, 0.49}, []int{0, 1, 1}), 0.5},
		{"fdr all true", fdr.Score([]float64{0.9, 0.7, 0.1}, []int{1, 1, 0}), 0},
		// Flags nothing: the worst, not a perfect 0.
		{"fdr flags nothing", fdr.Score([]float64{0.4, 0.1, 0.49}, []int{1, 0, 1}), 1},
		{"fdr one class benign", fdr.Score([]float64{0.9, 0.1}, []int{0, 0}), 1},
		{"logloss", ll.Score([]float64{0.8, 0.3}, []int{1, 0}), -(math.Log(0.8) + math.Log(0.7)) / 2},
		{"logloss perfect", ll.Score([]float64{1, 0}, []int{1, 0}), -math.Log(1 - 1e-15)},
		// A confident miss is clipped to 1e-15: ln(1e-15) = -34.54, not +Inf.
		{"logloss clipped", ll.Score([]float64{0, 0.5}, []int{1, 0}), (-math.Log(1e-15) - math.Log(0.5)) / 2},
	} {
		if !near(c.got, c.want, 1e-12) {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
	// Scored 1 but benign: clipped at 1-1e-15 (which float64 holds as
	// 1-1.11e-15), so finite and about 34.4.
	if v := ll.Score([]float64{1}, []int{0}); math.IsInf(v, 0) || v < 34 || v > 35 {
		t.Errorf("logloss of a benign row scored 1: %v, want about 34.4", v)
	}
	if v := ll.Score(nil, nil); !math.IsNaN(v) {
		t.Errorf("logloss of no rows: %v, want NaN", v)
	}
}

// TestObjectiveScoreOneClassIsNaN: a fold with one class has no ROC-AUC
// and no recall.
func TestObjectiveScoreOneClassIsNaN(t *testing.T) {
	for _, o := range []Objective{{Name: "roc_auc"}, {Name: "recall_at_fpr", FPR: 0.01}} {
		for _, labels := range [][]int{{1, 1, 1}, {0, 0, 0}, {}} {
			scores := make([]float64, len(labels))
			for i := range scores {
				scores[i] = 0.3 * float64(i)
			}
			if v := o.Score(scores, labels); !math.IsNaN(v) {
				t.Errorf("%s on labels %v: %v, want NaN", o, labels, v)
			}
		}
	}
}

func TestObjectiveMeanSkipsNaN(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{0.5, nan, 0.7}, 0.6},
		{[]float64{nan, 0.9}, 0.9},
		{[]float64{0.2, 0.4, 0.9}, 0.5},
		{[]float64{-1, -3}, -2},
	} {
		if got := Mean(c.in); !near(got, c.want, 1e-12) {
			t.Errorf("Mean(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	for _, in := range [][]float64{nil, {}, {nan, nan}} {
		if got := Mean(in); !math.IsNaN(got) {
			t.Errorf("Mean(%v) = %v, want NaN", in, got)
		}
	}
}
