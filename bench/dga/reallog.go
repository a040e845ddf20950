package dga

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mlctl/mlctl/features/prefilter"
)

// RealLogResult is what one detector alerts on the distinct names of one
// real log: each name through the default prefilter (features/prefilter),
// then the model, as `mlctl score` and `mlctl serve` take it.
type RealLogResult struct {
	Source    string  `json:"source"`
	Recipe    string  `json:"recipe"`
	Rule      string  `json:"threshold_rule"`
	Threshold float64 `json:"threshold"`
	// Distinct, Benign and DGA count the log's distinct labeled names.
	Distinct int `json:"distinct_names"`
	Benign   int `json:"benign_names"`
	DGA      int `json:"dga_names"`
	// NotDomain counts names that are not domain names (skipped, as serve
	// skips them); Prefiltered the others the prefilter leaves out, by
	// reason, and of those PrefilteredDGA were labeled DGA.
	NotDomain int `json:"not_domain"`
	// BenignInTraining counts the benign names the training part holds.
	BenignInTraining int            `json:"benign_in_training"`
	Prefiltered      map[string]int `json:"prefiltered"`
	PrefilteredDGA   int            `json:"prefiltered_dga"`
	// BenignAlerted are the benign names scored at or over the threshold;
	// PerThousand is how many of them per 1,000 distinct benign names.
	BenignAlerted []ScoredName `json:"benign_alerted"`
	PerThousand   float64      `json:"benign_alerted_per_1000"`
	// DGAAlerted counts DGA names at or over the threshold; Recall is that
	// share of the DGA names (prefiltered ones count as missed).
	DGAAlerted int     `json:"dga_alerted"`
	Recall     float64 `json:"dga_recall"`
}

// ScoredName is a name with its score; InTraining marks a name the
// training part holds (with its label).
type ScoredName struct {
	Name       string  `json:"name"`
	Score      float64 `json:"score"`
	InTraining bool    `json:"in_training,omitempty"`
}

// EvaluateLog runs a source's names through the default prefilter and d.
// trained holds the training part's names.
func EvaluateLog(src LogSource, d *Detector, trained map[string]bool) RealLogResult {
	r := RealLogResult{Source: src.Source, Recipe: d.Recipe, Rule: d.Rule, Threshold: d.Threshold, Prefiltered: map[string]int{}}
	p := prefilter.Default()
	for _, n := range src.Names {
		r.Distinct++
		if n.Label == 1 {
			r.DGA++
		} else {
			r.Benign++
			if trained[n.Name] {
				r.BenignInTraining++
			}
		}
		if n.NotDomain {
			r.NotDomain++
			continue
		}
		if reason, out := p.Check(n.Name); out {
			r.Prefiltered[reason.String()]++
			if n.Label == 1 {
				r.PrefilteredDGA++
			}
			continue
		}
		s, ok := d.Score(n.Name)
		if !ok || s < d.Threshold {
			continue
		}
		if n.Label == 1 {
			r.DGAAlerted++
		} else {
			r.BenignAlerted = append(r.BenignAlerted, ScoredName{Name: n.Name, Score: s, InTraining: trained[n.Name]})
		}
	}
	slices.SortFunc(r.BenignAlerted, func(a, b ScoredName) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	if r.Benign > 0 {
		r.PerThousand = 1000 * float64(len(r.BenignAlerted)) / float64(r.Benign)
	}
	if r.DGA > 0 {
		r.Recall = float64(r.DGAAlerted) / float64(r.DGA)
	}
	return r
}

// ScorableNames are the names of the sources a detector must score: the
// domain names the default prefilter keeps, each once.
func ScorableNames(srcs ...LogSource) []string {
	p := prefilter.Default()
	seen := map[string]bool{}
	var out []string
	for _, s := range srcs {
		for _, n := range s.Names {
			if n.NotDomain || seen[n.Name] {
				continue
			}
			if _, filtered := p.Check(n.Name); filtered {
				continue
			}
			seen[n.Name] = true
			out = append(out, n.Name)
		}
	}
	return out
}

// RealLogTable prints the results: one block per source, a line per
// detector, then the benign names each alerted.
func RealLogTable(rs []RealLogResult) string {
	var b strings.Builder
	var last string
	for _, r := range rs {
		if r.Source != last {
			last = r.Source
			fmt.Fprintf(&b, "  %s: %d distinct names (%d benign, %d of them in the training part; %d DGA), %d not domain names, prefiltered %s\n",
				r.Source, r.Distinct, r.Benign, r.BenignInTraining, r.DGA, r.NotDomain, reasons(r.Prefiltered))
			fmt.Fprintf(&b, "    %-32s %-26s %9s %14s %16s %10s\n", "recipe", "threshold rule", "threshold", "benign alerted", "per 1,000 benign", "DGA recall")
		}
		recall := "-"
		if r.DGA > 0 {
			recall = fmt.Sprintf("%.3f", r.Recall)
		}
		fmt.Fprintf(&b, "    %-32s %-26s %9.4f %14d %16.2f %10s\n", r.Recipe, r.Rule, r.Threshold, len(r.BenignAlerted), r.PerThousand, recall)
	}
	for _, r := range rs {
		if len(r.BenignAlerted) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s, %s (%s): ", r.Source, r.Recipe, r.Rule)
		for i, n := range r.BenignAlerted {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == 25 {
				fmt.Fprintf(&b, "… %d more", len(r.BenignAlerted)-25)
				break
			}
			mark := ""
			if n.InTraining {
				mark = "*"
			}
			fmt.Fprintf(&b, "%s%s %.3f", n.Name, mark, n.Score)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// reasons prints counts by reason, in the prefilter's order.
func reasons(m map[string]int) string {
	var parts []string
	for _, r := range prefilter.Reasons() {
		if n := m[r.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
