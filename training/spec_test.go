package training

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
