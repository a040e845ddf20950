package eval

import (
	"fmt"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	var scores []float64
	var labels []int
	var families []string
	// 20 families; family fNN has NN of 20 rows detected.
	for f := range 20 {
		for i := range 20 {
			s := 0.1
			if i < f {
				s = 0.9
			}
			scores, labels, families = append(scores, s), append(labels, 1), append(families, fmt.Sprintf("f%02d", f))
		}
	}
	scores, labels, families = append(scores, 0.2, 0.95), append(labels, 0, 0), append(families, "", "")
	out := Format(Evaluate(scores, labels, families, 0.5))
	for _, want := range []string{
		"threshold 0.5000 on 402 rows (400 positive, 2 negative)",
		"predicted positive",
		"actual positive",
		"TP 190",
		"FN 210",
		"FP 1",
		"TN 1",
		"auc_roc",
		"recall_at_1pct_fpr",
		"fttar",
		"families with the lowest recall (15 of 20):",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "f00     20    0         0.0000") {
		t.Errorf("f00 row missing:\n%s", out)
	}
	if i, j := strings.Index(out, "f00 "), strings.Index(out, "f14 "); i < 0 || j < i {
		t.Errorf("families not worst first:\n%s", out)
	}
	if strings.Contains(out, "f15 ") {
		t.Errorf("more than 15 families:\n%s", out)
	}
	if out := Format(Evaluate([]float64{0.9}, []int{1}, nil, 0.5)); strings.Contains(out, "families") {
		t.Errorf("family section without families:\n%s", out)
	}
}
