package evaluation

import (
	"fmt"

	"github.com/mlctl/mlctl/training/eval"
)

// BestF1Rule is the ThresholdRule of a threshold chosen for the best F1.
const BestF1Rule = "best F1 on the validation split"

// FPRRule describes a threshold chosen at false positive rate fpr on a
// validation split with benign benign rows where the best recall within
// that rate is recall. It says what the rule came to when the split is too
// small to allow a single false positive (the threshold is then the lowest
// malicious score above every benign one) and when no malicious row could be
// caught within the rate (the threshold is then just above the highest
// score, so nothing in validation alerts).
func FPRRule(fpr float64, benign int, recall float64) string {
	rule := fmt.Sprintf("false positive rate at most %g on the validation split", fpr)
	small := benign > 0 && 1/float64(benign) > fpr
	switch {
	case small && recall > 0:
		return rule + fmt.Sprintf(" (its %d benign rows allow no false positive: the threshold is the lowest malicious score above every benign one)", benign)
	case small:
		return rule + fmt.Sprintf(" (its %d benign rows allow no false positive, and no malicious row scores above every benign one: the threshold is just above the highest score)", benign)
	case recall == 0:
		return rule + " (no malicious row is caught within that rate: the threshold is just above the highest score)"
	}
	return rule
}

// ClientFPR is the false positive rate on validation of a domain-name
// model's client threshold: ten times the default name threshold's, since
// a client verdict also needs k such names answered NXDOMAIN in one window.
const ClientFPR = 0.01

// ClientThreshold is the client threshold of a domain-name model whose
// validation scores and labels are scores and labels and whose name
// threshold is threshold: the cut at ClientFPR, or 0 when that is not
// below the name threshold.
func ClientThreshold(scores []float64, labels []int, threshold float64) float64 {
	if _, ct := eval.RecallAtFPR(scores, labels, ClientFPR); ct < threshold {
		return ct
	}
	return 0
}
