package eval

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mlctl/mlctl"
)

// worstFamilies is how many families Format lists.
const worstFamilies = 15

// Format renders a report for people: the confusion matrix, the metrics,
// and the families with the lowest recall (at most 15, lowest first).
func Format(r mlctl.Report) string {
	var b strings.Builder
	c := r.Confusion
	fmt.Fprintf(&b, "threshold %.4f on %d rows (%d positive, %d negative)\n\n",
		r.Threshold, r.Rows, c.TP+c.FN, c.FP+c.TN)

	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "\tpredicted positive\tpredicted negative\t\n")
	fmt.Fprintf(w, "actual positive\tTP %d\tFN %d\t\n", c.TP, c.FN)
	fmt.Fprintf(w, "actual negative\tFP %d\tTN %d\t\n", c.FP, c.TN)
	w.Flush()
	b.WriteString("\n")

	m := r.Metrics
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, row := range []struct {
		name  string
		value float64
	}{
		{"auc_roc", m.AUCROC}, {"auc_pr", m.AUCPR}, {"precision", m.Precision},
		{"recall", m.Recall}, {"f1", m.F1}, {"fpr", m.FPR}, {"fdr", m.FDR},
		{"fttar", m.FTTAR}, {"accuracy", m.Accuracy}, {"recall_at_1pct_fpr", m.RecallAt1PctFPR},
	} {
		fmt.Fprintf(w, "%s\t%.4f\n", row.name, row.value)
	}
	w.Flush()

	if len(r.FamilyRecall) == 0 {
		return b.String()
	}
	fams := slices.Clone(r.FamilyRecall)
	slices.SortStableFunc(fams, func(a, b mlctl.FamilyRecall) int {
		if c := cmp.Compare(a.Recall, b.Recall); c != 0 {
			return c
		}
		return strings.Compare(a.Family, b.Family)
	})
	shown := min(len(fams), worstFamilies)
	fmt.Fprintf(&b, "\nfamilies with the lowest recall (%d of %d):\n", shown, len(fams))
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "family\trows\tdetected\trecall\n")
	for _, f := range fams[:shown] {
		fmt.Fprintf(w, "%s\t%d\t%d\t%.4f\n", f.Family, f.N, f.Detected, f.Recall)
	}
	w.Flush()
	return b.String()
}
