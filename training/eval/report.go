package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mlctl/mlctl"
)

// Evaluate scores a classifier on labeled rows at threshold. families may
// be nil; otherwise per-family recall covers positive rows with a family.
func Evaluate(scores []float64, labels []int, families []string, threshold float64) mlctl.Report {
	checkLengths(scores, labels)
	if families != nil && len(families) != len(scores) {
		panic(fmt.Sprintf("eval: %d scores but %d families", len(scores), len(families)))
	}
	c := ConfusionAt(scores, labels, threshold)
	m := thresholdMetrics(c)
	m.AUCROC = ROCAUC(scores, labels)
	m.AUCPR = PRAUC(scores, labels)
	m.RecallAt1PctFPR, _ = RecallAtFPR(scores, labels, 0.01)

	byFamily := make(map[string]*mlctl.FamilyRecall)
	for i, f := range families {
		if f == "" || labels[i] == 0 {
			continue
		}
		fr := byFamily[f]
		if fr == nil {
			fr = &mlctl.FamilyRecall{Family: f}
			byFamily[f] = fr
		}
		fr.N++
		if scores[i] >= threshold {
			fr.Detected++
		}
	}
	fams := make([]mlctl.FamilyRecall, 0, len(byFamily))
	for _, fr := range byFamily {
		fr.Recall = ratio(float64(fr.Detected), float64(fr.N))
		fams = append(fams, *fr)
	}
	slices.SortFunc(fams, func(a, b mlctl.FamilyRecall) int { return strings.Compare(a.Family, b.Family) })
	return mlctl.Report{Threshold: threshold, Confusion: c, Metrics: m, FamilyRecall: fams, Rows: len(scores)}
}
