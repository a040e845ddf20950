package tunnelbench

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/matrix"
)

// Budget is the false alert budget: at most one benign domain window in
// 10,000 alerted.
const Budget = 1e-4

// RITABase and the other bands are RITA's C2-over-DNS score thresholds:
// distinct subdomains of one domain (its default_config.hjson,
// c2_score_thresholds base/low/medium/high).
var RITABands = []float64{100, 500, 800, 1000}

// ToolResult is one held-out tool's row of the leave-one-tool-out table.
type ToolResult struct {
	Tool    string `json:"tool"`
	Real    bool   `json:"real"`
	Windows int    `json:"windows"`
	// Benign is how many held-out benign windows the tool's windows are
	// ranked against.
	Benign int `json:"benign"`
	// AUC is the model's ROC-AUC on the tool's windows and the held-out
	// benign ones; Recall and FalsePer10k are at the deployed threshold
	// (chosen on the training part's validation domains at Budget);
	// RecallAtBudget is the best recall with at most Budget of the
	// held-out benign windows alerted.
	AUC            float64 `json:"auc"`
	Recall         float64 `json:"recall"`
	FalsePer10k    float64 `json:"false_per_10k"`
	RecallAtBudget float64 `json:"recall_at_budget"`
	// The same for RITA's rule: the window's distinct names over the long
	// window as the score, alerting at its base band (100).
	RITAAUC            float64 `json:"rita_auc"`
	RITARecall         float64 `json:"rita_recall"`
	RITAFalsePer10k    float64 `json:"rita_false_per_10k"`
	RITARecallAtBudget float64 `json:"rita_recall_at_budget"`
}

// ritaScore is RITA's C2-over-DNS count for a window: its domain's
// distinct query names over the long window (RITA counts a domain's
// unique subdomains over the whole import).
func ritaScore(u dnsdomain.Unit) float64 { return u.Values[ritaFeature] }

var ritaFeature = slices.Index(dnsdomain.Names(), "distinct_names_long")

// matrixOf is the float32 matrix of the windows' features.
func matrixOf(ws []Window) *matrix.Matrix {
	if len(ws) == 0 {
		return matrix.New(0, len(dnsdomain.Names()))
	}
	m := matrix.New(len(ws), len(ws[0].Unit.Values))
	for i, w := range ws {
		row := m.Row(i)
		for j, v := range w.Unit.Values {
			row[j] = float32(v)
		}
	}
	return m
}

func labelsOf(ws []Window) []int {
	out := make([]int, len(ws))
	for i, w := range ws {
		out[i] = w.Label
	}
	return out
}

// Fit trains the benchmark's model (gbdt with p) on ws as `mlctl train`
// does: on all but the validation domains (a fifth), whose windows then
// set the threshold, the cut at Budget.
func Fit(ctx context.Context, ws []Window, p gbdt.Params) (*gbdt.Model, float64, error) {
	var fit, val []Window
	for _, w := range ws {
		if validation(w.Unit.Domain) {
			val = append(val, w)
		} else {
			fit = append(fit, w)
		}
	}
	m, err := train(ctx, fit, p)
	if err != nil {
		return nil, 0, err
	}
	_, th := eval.RecallAtFPR(predict(m, val), labelsOf(val), Budget)
	return m, th, nil
}

func train(ctx context.Context, ws []Window, p gbdt.Params) (*gbdt.Model, error) {
	y := make([]float32, len(ws))
	for i, w := range ws {
		y[i] = float32(w.Label)
	}
	m, err := gbdt.Train(ctx, matrixOf(ws), y, p, gbdt.Options{})
	if err != nil {
		return nil, fmt.Errorf("tunnelbench: gbdt: %w", err)
	}
	return m, nil
}

func predict(m *gbdt.Model, ws []Window) []float64 {
	out := make([]float64, len(ws))
	if len(ws) > 0 {
		m.Predict(matrixOf(ws), out)
	}
	return out
}

// LeaveOneToolOut trains, for each tool, a model on every other tool's
// windows and the training half of the benign domains, and scores the
// tool's windows beside the held-out benign half.
func LeaveOneToolOut(ctx context.Context, ws []Window, p gbdt.Params) ([]ToolResult, error) {
	var tools []string
	real := map[string]bool{}
	for _, w := range ws {
		if w.Label == 1 && !slices.Contains(tools, w.Source) {
			tools = append(tools, w.Source)
		}
		if w.Label == 1 && w.Real {
			real[w.Source] = true
		}
	}
	slices.Sort(tools)
	var benignTest []Window
	for _, w := range ws {
		if w.Label == 0 && heldOut(w.Unit.Domain) {
			benignTest = append(benignTest, w)
		}
	}
	var out []ToolResult
	for _, tool := range tools {
		var tr, te []Window
		for _, w := range ws {
			switch {
			case w.Label == 1 && w.Source == tool:
				te = append(te, w)
			case w.Label == 1 || !heldOut(w.Unit.Domain):
				tr = append(tr, w)
			}
		}
		m, th, err := Fit(ctx, tr, p)
		if err != nil {
			return nil, fmt.Errorf("without %s: %w", tool, err)
		}
		test := append(slices.Clone(te), benignTest...)
		r := score(tool, test, predict(m, test), th)
		r.Real = real[tool]
		out = append(out, r)
	}
	return out, nil
}

// score is a held-out tool's row from its windows' scores (positives
// first, then the benign windows) at threshold th.
func score(tool string, test []Window, s []float64, th float64) ToolResult {
	labels := labelsOf(test)
	rita := make([]float64, len(test))
	for i, w := range test {
		rita[i] = ritaScore(w.Unit)
	}
	r := ToolResult{Tool: tool}
	r.AUC = eval.ROCAUC(s, labels)
	r.RITAAUC = eval.ROCAUC(rita, labels)
	r.RecallAtBudget, _ = eval.RecallAtFPR(s, labels, Budget)
	r.RITARecallAtBudget, _ = eval.RecallAtFPR(rita, labels, Budget)
	var tp, fp, rtp, rfp int
	for i, l := range labels {
		if l == 1 {
			r.Windows++
		} else {
			r.Benign++
		}
		if s[i] >= th {
			if l == 1 {
				tp++
			} else {
				fp++
			}
		}
		if rita[i] >= RITABands[0] {
			if l == 1 {
				rtp++
			} else {
				rfp++
			}
		}
	}
	r.Recall = frac(tp, r.Windows)
	r.FalsePer10k = 1e4 * frac(fp, r.Benign)
	r.RITARecall = frac(rtp, r.Windows)
	r.RITAFalsePer10k = 1e4 * frac(rfp, r.Benign)
	return r
}

func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
