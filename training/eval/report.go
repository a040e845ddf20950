package eval

import (
	"fmt"
	"slices"
	"strings"
)

// Report is a model's evaluation on one labeled set at one threshold.
type Report struct {
	// Threshold is the score at or above which a row is predicted positive.
	Threshold float64 `json:"threshold"`
	// Confusion counts outcomes at Threshold.
	Confusion Confusion `json:"confusion"`
	// Metrics are the figures derived from the scores and Confusion.
	Metrics Metrics `json:"metrics"`
	// FamilyRecall is the detection rate of each family of positive rows,
	// sorted by family.
	FamilyRecall []FamilyRecall `json:"family_recall"`
	// Rows is the number of rows evaluated.
	Rows int `json:"rows"`
	// Prefiltered counts, by reason, the rows left out before scoring
	// because the prefilter says their names cannot be a DGA's (none:
	// omitted).
	Prefiltered map[string]int `json:"prefiltered,omitempty"`
}

// FamilyRecall is how many positive rows of one family were detected.
type FamilyRecall struct {
	// Family names the family (a DGA family, an attack type).
	Family string `json:"family"`
	// N is the number of positive rows of the family.
	N int `json:"n"`
	// Detected is how many of them scored at or above the threshold.
	Detected int `json:"detected"`
	// Recall is Detected/N.
	Recall float64 `json:"recall"`
}

// Evaluate scores a classifier on labeled rows at threshold. families may
// be nil; otherwise per-family recall covers positive rows with a family.
func Evaluate(scores []float64, labels []int, families []string, threshold float64) Report {
	checkLengths(scores, labels)
	if families != nil && len(families) != len(scores) {
		panic(fmt.Sprintf("eval: %d scores but %d families", len(scores), len(families)))
	}
	c := ConfusionAt(scores, labels, threshold)
	m := thresholdMetrics(c)
	m.AUCROC = ROCAUC(scores, labels)
	m.AUCPR = PRAUC(scores, labels)
	m.RecallAt1PctFPR, _ = RecallAtFPR(scores, labels, 0.01)

	byFamily := make(map[string]*FamilyRecall)
	for i, f := range families {
		if f == "" || labels[i] == 0 {
			continue
		}
		fr := byFamily[f]
		if fr == nil {
			fr = &FamilyRecall{Family: f}
			byFamily[f] = fr
		}
		fr.N++
		if scores[i] >= threshold {
			fr.Detected++
		}
	}
	fams := make([]FamilyRecall, 0, len(byFamily))
	for _, fr := range byFamily {
		fr.Recall = ratio(float64(fr.Detected), float64(fr.N))
		fams = append(fams, *fr)
	}
	slices.SortFunc(fams, func(a, b FamilyRecall) int { return strings.Compare(a.Family, b.Family) })
	return Report{Threshold: threshold, Confusion: c, Metrics: m, FamilyRecall: fams, Rows: len(scores)}
}
