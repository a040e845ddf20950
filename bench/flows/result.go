package flowsbench

import (
	"fmt"
	"strings"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/iforest"
)

// Result is one run of the protocol.
type Result struct {
	FeatureSet string `json:"feature_set"`
	Features   int    `json:"features"`
	// Rule is how capture 002 is labeled (ScanRule).
	Rule           string         `json:"rule"`
	Captures       []CaptureStats `json:"captures"`
	Threads        int            `json:"threads"`
	ThresholdFolds int            `json:"threshold_folds"`
	Forest         forest.Params  `json:"forest"`
	IForest        iforest.Params `json:"iforest"`
	SklearnVersion string         `json:"sklearn_version,omitempty"`
	// Folds has one entry per capture held out, the scan captures first.
	Folds []Fold `json:"folds"`
	// Pooled are the scan folds' held-out scores together, one per model
	// in Folds' order; their deployed figures count each window at its
	// own fold's threshold, and their fit time is the folds' sum.
	Pooled []Score `json:"pooled"`
	// PooledWindows and PooledMalicious count the pooled windows.
	PooledWindows   int `json:"pooled_windows"`
	PooledMalicious int `json:"pooled_malicious"`
}

// CaptureStats describe one capture's windows.
type CaptureStats struct {
	Name  string `json:"name"`
	About string `json:"about"`
	Scan  bool   `json:"scan"`
	Flows int    `json:"flows"`
	// Windows are the labeled (source, 10 s window) units, Malicious of
	// them labeled 1; Unknown were left out.
	Windows   int `json:"windows"`
	Malicious int `json:"malicious"`
	Unknown   int `json:"unknown"`
}

// Fold is one capture held out.
type Fold struct {
	HeldOut string   `json:"held_out"`
	Scan    bool     `json:"scan"`
	Train   []string `json:"train"`
	// Windows and Malicious count the held-out capture's labeled units,
	// TrainWindows and TrainMalicious the training captures'.
	Windows        int     `json:"windows"`
	Malicious      int     `json:"malicious"`
	TrainWindows   int     `json:"train_windows"`
	TrainMalicious int     `json:"train_malicious"`
	Scores         []Score `json:"scores"`
}

// Score is one model's figures on held-out windows. Figures that need
// both classes are nil when the windows have one.
type Score struct {
	Model string `json:"model"`
	// AUC is the ROC-AUC.
	AUC *float64 `json:"auc,omitempty"`
	// RecallAtFPR is the best recall at a false-positive rate of at most
	// TargetFPR, the threshold chosen on these windows (an upper bound).
	RecallAtFPR *float64 `json:"recall_at_1pct_fpr,omitempty"`
	// Threshold is the deployed threshold, chosen on the training captures
	// only (0 in pooled scores: each fold has its own); Recall, FPR and
	// Confusion are at it.
	Threshold float64         `json:"threshold"`
	Recall    float64         `json:"recall"`
	FPR       *float64        `json:"fpr,omitempty"`
	Confusion mlctl.Confusion `json:"confusion"`
	// FitSecs is the wall time of the final fit (the threshold folds'
	// fits left out), the data already in memory.
	FitSecs float64 `json:"fit_seconds"`
	// Missed and FalseAlarms name the first scanning windows left
	// unflagged and benign windows flagged at Threshold ("008
	// 1.2.3.4@2022-06-12T22:00:00Z").
	Missed      []string `json:"missed,omitempty"`
	FalseAlarms []string `json:"false_alarms,omitempty"`
}

// Met reports whether s reaches the target with the best threshold on the
// held-out windows (best) and with the deployed threshold (deployed).
// Without benign windows neither can be judged: both are false.
func (s Score) Met() (best, deployed bool) {
	if s.RecallAtFPR == nil || s.FPR == nil {
		return false, false
	}
	return *s.RecallAtFPR >= TargetRecall, s.Recall >= TargetRecall && *s.FPR <= TargetFPR
}

// Table formats the result as Markdown: the settings, the captures, one
// row per held-out capture and model, the pooled rows, and the target.
func (r Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "flow features %s (%d per unit); leave one capture out: each scan capture is scored by models trained on the other scan captures only; "+
		"deployed threshold: best recall at ≤%.0f%% FPR on out-of-fold scores of the training captures (%d time blocks each), the highest such; %d threads",
		r.FeatureSet, r.Features, 100*TargetFPR, r.ThresholdFolds, r.Threads)
	if r.SklearnVersion != "" {
		fmt.Fprintf(&b, "; scikit-learn %s", r.SklearnVersion)
	}
	fmt.Fprintf(&b, "\nRF (both): %d trees, max_features %s, min_samples_leaf %d, seed %d; IF: %d trees, trained on the benign training windows only\n%s\n\n",
		r.Forest.Trees, r.Forest.MaxFeatures, r.Forest.MinSamplesLeaf, r.Forest.Seed, r.IForest.Trees, r.Rule)
	b.WriteString("| capture | flows | windows | malicious | unknown (left out) | what |\n| --- | ---: | ---: | ---: | ---: | --- |\n")
	for _, c := range r.Captures {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %s |\n", c.Name, c.Flows, c.Windows, c.Malicious, c.Unknown, c.About)
	}
	b.WriteString("\n| held out | trained on | windows | malicious | model | ROC-AUC | recall @≤1% FPR | deployed threshold | deployed recall | deployed FPR | FP | fit s |\n")
	b.WriteString("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	row := func(held, train string, windows, mal int, s Score) {
		th := "per fold"
		if held != "pooled" {
			th = fmt.Sprintf("%.3f", s.Threshold)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %s | %s | %s | %.3f | %s | %d | %.2f |\n", held, train, windows, mal, s.Model,
			opt(s.AUC, "%.4f"), opt(s.RecallAtFPR, "%.3f"), th, s.Recall, opt(s.FPR, "%.4f"), s.Confusion.FP, s.FitSecs)
	}
	for _, f := range r.Folds {
		for _, s := range f.Scores {
			row(f.HeldOut, strings.Join(f.Train, "+"), f.Windows, f.Malicious, s)
		}
	}
	for _, s := range r.Pooled {
		row("pooled", "scan folds", r.PooledWindows, r.PooledMalicious, s)
	}
	fmt.Fprintf(&b, "\ntarget: recall ≥ %.2f at FPR ≤ %.0f%% per source window, on each scan capture held out and pooled (best: threshold picked on the held-out windows; deployed: picked on the training captures)\n",
		TargetRecall, 100*TargetFPR)
	line := func(held string, s Score) {
		best, dep := s.Met()
		fmt.Fprintf(&b, "- %s, %s: best %s, deployed %s", held, s.Model, yes(best), yes(dep))
		if n := s.Confusion.FN; n > 0 {
			fmt.Fprintf(&b, "; %d missed, first %s", n, strings.Join(first(s.Missed, 3), ", "))
		}
		if n := s.Confusion.FP; n > 0 {
			fmt.Fprintf(&b, "; %d false alarms, first %s", n, strings.Join(first(s.FalseAlarms, 3), ", "))
		}
		b.WriteString("\n")
	}
	for _, f := range r.Folds {
		if f.Scan {
			for _, s := range f.Scores {
				line(f.HeldOut+" held out", s)
			}
		}
	}
	for _, s := range r.Pooled {
		line("pooled", s)
	}
	return b.String()
}

func first(v []string, n int) []string { return v[:min(n, len(v))] }

func opt(v *float64, format string) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf(format, *v)
}

func yes(b bool) string {
	if b {
		return "met"
	}
	return "not met"
}
