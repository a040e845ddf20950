package evaluation

import (
	"testing"
)

// TestFPRRule: the rule's words say when the validation split is too small
// to allow a false positive and when nothing could be caught.
func TestFPRRule(t *testing.T) {
	for _, c := range []struct {
		fpr    float64
		benign int
		recall float64
		want   string
	}{
		{0.001, 1000, 0.9, "false positive rate at most 0.001 on the validation split"},
		{0.001, 5000, 0.9, "false positive rate at most 0.001 on the validation split"},
		{0.001, 999, 0.9, "false positive rate at most 0.001 on the validation split (its 999 benign rows allow no false positive: the threshold is the lowest malicious score above every benign one)"},
		{0.01, 40, 0, "false positive rate at most 0.01 on the validation split (its 40 benign rows allow no false positive, and no malicious row scores above every benign one: the threshold is just above the highest score)"},
		{0.01, 400, 0, "false positive rate at most 0.01 on the validation split (no malicious row is caught within that rate: the threshold is just above the highest score)"},
	} {
		if got := FPRRule(c.fpr, c.benign, c.recall); got != c.want {
			t.Errorf("FPRRule(%g, %d, %g) = %q, want %q", c.fpr, c.benign, c.recall, got, c.want)
		}
	}
}
