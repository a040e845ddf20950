package activities

import (
	"strings"
	"testing"
)

// TestThresholdFPR: the default rule is DefaultThresholdFPR, threshold_fpr
// overrides it, threshold_rule=f1 asks for the best F1 (0), and malformed
// or contradicting parameters are errors that say what to write.
func TestThresholdFPR(t *testing.T) {
	for _, c := range []struct {
		params map[string]string
		want   float64
		err    string
	}{
		{params: nil, want: DefaultThresholdFPR},
		{params: map[string]string{"rounds": "10"}, want: DefaultThresholdFPR},
		{params: map[string]string{"threshold_rule": "fpr"}, want: DefaultThresholdFPR},
		{params: map[string]string{"threshold_fpr": "0.01"}, want: 0.01},
		{params: map[string]string{"threshold_rule": "fpr", "threshold_fpr": "0.05"}, want: 0.05},
		{params: map[string]string{"threshold_rule": "f1"}, want: 0},
		{params: map[string]string{"threshold_rule": "F1"}, err: "want fpr (the default"},
		{params: map[string]string{"threshold_rule": "f1", "threshold_fpr": "0.01"}, err: "contradict"},
		{params: map[string]string{"threshold_fpr": "0"}, err: "for the best F1 use --param threshold_rule=f1"},
		{params: map[string]string{"threshold_fpr": "1"}, err: "between 0 and 1"},
		{params: map[string]string{"threshold_fpr": "x"}, err: "between 0 and 1"},
		{params: map[string]string{"threshold_fpr": "NaN"}, err: "between 0 and 1"},
	} {
		got, err := ThresholdFPR(c.params)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want one saying %q", c.params, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%v: %v, %v; want %v", c.params, got, err, c.want)
		}
	}
}

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
		if got := fprRule(c.fpr, c.benign, c.recall); got != c.want {
			t.Errorf("fprRule(%g, %d, %g) = %q, want %q", c.fpr, c.benign, c.recall, got, c.want)
		}
	}
}
