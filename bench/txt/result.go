package txtbench

import (
	"fmt"
	"math"
	"strings"

	"github.com/mlctl/mlctl/training/eval"
)

// Result holds the study's figures.
type Result struct {
	Protocol Protocol
	// Recipes names the columns: the recipes run, then the Blends.
	Recipes []string
	Folds   []FoldResult
	// Pooled is the ROC-AUC of every generated tool's fold's test scores
	// taken together (the dns2tcp fold apart, which the baseline cannot
	// run); PooledReal the same against the real zone records only.
	Pooled, PooledReal map[string]float64
	// Recall1 is the share of pooled tunnel answers flagged at a 1% false
	// positive rate.
	Recall1 map[string]float64
}

// FoldResult is one fold's ROC-AUC per recipe: against all of its test
// records, and against its real zone records only. NaN where the recipe
// could not run.
type FoldResult struct {
	Tool, Group                         string
	Positives, Negatives, RealNegatives int
	AUC, RealAUC                        map[string]float64
}

func newResult(folds []Fold, recipes []Recipe, scores [][][]float64) *Result {
	r := &Result{Pooled: map[string]float64{}, PooledReal: map[string]float64{}, Recall1: map[string]float64{}}
	for _, rc := range recipes {
		r.Recipes = append(r.Recipes, rc.Name)
	}
	cols := make([]map[string][]float64, len(folds))
	for i := range folds {
		cols[i] = map[string][]float64{}
		for j, rc := range recipes {
			cols[i][rc.Name] = scores[i][j]
		}
	}
	for _, bl := range Blends {
		r.Recipes = append(r.Recipes, bl.Name)
		for i := range folds {
			a, b := cols[i][bl.A], cols[i][bl.B]
			if a == nil || b == nil {
				continue
			}
			m := make([]float64, len(a))
			for k := range a {
				m[k] = (a[k] + b[k]) / 2
			}
			cols[i][bl.Name] = m
		}
	}
	pooled := map[string]*pool{}
	for _, name := range r.Recipes {
		pooled[name] = &pool{}
	}
	for i, fd := range folds {
		ys := labels(fd.Test)
		realIdx := realTest(fd.Test)
		fr := FoldResult{Tool: fd.Tool, Group: fd.Group, AUC: map[string]float64{}, RealAUC: map[string]float64{}}
		for _, y := range ys {
			if y == 1 {
				fr.Positives++
			} else {
				fr.Negatives++
			}
		}
		fr.RealNegatives = len(realIdx) - fr.Positives
		for _, name := range r.Recipes {
			s := cols[i][name]
			fr.AUC[name] = auc(s, ys)
			fr.RealAUC[name] = auc(pick(s, realIdx), pickInts(ys, realIdx))
			if fd.Tool != SourceDns2tcp && s != nil {
				pooled[name].add(s, ys, fd.Test)
			}
		}
		r.Folds = append(r.Folds, fr)
	}
	for name, p := range pooled {
		r.Pooled[name] = auc(p.scores, p.labels)
		r.PooledReal[name] = auc(p.realScores, p.realLabels)
		r.Recall1[name], _ = eval.RecallAtFPR(p.scores, p.labels, 0.01)
	}
	return r
}

// pool gathers test scores across folds.
type pool struct {
	scores, realScores []float64
	labels, realLabels []int
}

func (p *pool) add(s []float64, ys []int, test []Example) {
	p.scores, p.labels = append(p.scores, s...), append(p.labels, ys...)
	for k, x := range test {
		if x.Label == 1 || x.Real {
			p.realScores, p.realLabels = append(p.realScores, s[k]), append(p.realLabels, ys[k])
		}
	}
}

// realTest returns the indices of a fold's test records that are tunnel
// answers or real zone records.
func realTest(test []Example) []int {
	var idx []int
	for k, x := range test {
		if x.Label == 1 || x.Real {
			idx = append(idx, k)
		}
	}
	return idx
}

func pick(s []float64, idx []int) []float64 {
	if s == nil {
		return nil
	}
	out := make([]float64, len(idx))
	for i, k := range idx {
		out[i] = s[k]
	}
	return out
}

func pickInts(s []int, idx []int) []int {
	out := make([]int, len(idx))
	for i, k := range idx {
		out[i] = s[k]
	}
	return out
}

// Table formats the result: a row per fold (held-out tool and benign
// group, test sizes, ROC-AUC per recipe, against all test records and, in
// brackets, against the real zone records only), then the pooled rows.
func (r *Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ROC-AUC on all test records (and on the real zone records only)\n", r.Protocol)
	fmt.Fprintf(&b, "%-15s %-13s %5s %5s", "held-out tool", "benign group", "pos", "neg")
	for _, name := range r.Recipes {
		fmt.Fprintf(&b, " %15s", name)
	}
	b.WriteString("\n")
	for _, f := range r.Folds {
		fmt.Fprintf(&b, "%-15s %-13s %5d %5d", f.Tool, f.Group, f.Positives, f.Negatives)
		for _, name := range r.Recipes {
			fmt.Fprintf(&b, " %15s", fmt.Sprintf("%s (%s)", figure(f.AUC[name]), figure(f.RealAUC[name])))
		}
		b.WriteString("\n")
	}
	for _, row := range []struct {
		name string
		m    map[string]float64
	}{{"pooled, generated tools", r.Pooled}, {"  vs real zone only", r.PooledReal}, {"  recall at 1% FPR", r.Recall1}} {
		fmt.Fprintf(&b, "%-41s", row.name)
		for _, name := range r.Recipes {
			fmt.Fprintf(&b, " %15s", figure(row.m[name]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// figure formats a ROC-AUC or share with three decimals, "-" for NaN.
func figure(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

// Figure is one number of a Result: Row is a fold ("tool/group") or a
// pooled row, Metric "auc", "real_auc" or "recall_1pct".
type Figure struct {
	Row, Recipe, Metric string
	Value               float64
}

// Figures lists every number the Table shows, in its order.
func (r *Result) Figures() []Figure {
	var out []Figure
	for _, f := range r.Folds {
		row := f.Tool + "/" + f.Group
		for _, name := range r.Recipes {
			out = append(out, Figure{row, name, "auc", f.AUC[name]}, Figure{row, name, "real_auc", f.RealAUC[name]})
		}
	}
	for _, name := range r.Recipes {
		out = append(out, Figure{"pooled", name, "auc", r.Pooled[name]}, Figure{"pooled", name, "real_auc", r.PooledReal[name]},
			Figure{"pooled", name, "recall_1pct", r.Recall1[name]})
	}
	return out
}
