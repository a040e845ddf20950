package activities

import (
	"fmt"
	"strconv"
)

// DefaultThresholdFPR is the false positive rate on the validation split at
// which a labeled training run sets its model's threshold unless its
// --param says otherwise: live traffic (resolver queries, flow windows,
// client tables) is nearly all benign, so a threshold chosen for the best
// F1 on a balanced split raises far too many alerts there.
const DefaultThresholdFPR = 0.001

// ThresholdFPR returns the false positive rate a run's parameters set the
// threshold at: threshold_fpr=F (0 < F < 1), DefaultThresholdFPR without
// it, or 0, meaning the best F1 on validation, for threshold_rule=f1.
// threshold_rule=fpr names the default rule. Conflicting or malformed
// values are errors that say what to write instead.
func ThresholdFPR(params map[string]string) (float64, error) {
	rule, hasRule := params["threshold_rule"]
	v, hasFPR := params["threshold_fpr"]
	switch {
	case hasRule && rule != "fpr" && rule != "f1":
		return 0, fmt.Errorf("--param threshold_rule=%s: want fpr (the default: a false positive rate on the validation split, threshold_fpr, default %g) or f1 (the best F1 on the validation split)", rule, DefaultThresholdFPR)
	case rule == "f1" && hasFPR:
		return 0, fmt.Errorf("--param threshold_rule=f1 and threshold_fpr=%s contradict each other: the best F1 ignores the false positive rate; drop one", v)
	case rule == "f1":
		return 0, nil
	case !hasFPR:
		return DefaultThresholdFPR, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f < 1) {
		return 0, fmt.Errorf("--param threshold_fpr=%s: want a false positive rate between 0 and 1 (exclusive), e.g. %g; for the best F1 use --param threshold_rule=f1", v, DefaultThresholdFPR)
	}
	return f, nil
}

// bestF1Rule is the ThresholdRule of a threshold chosen for the best F1.
const bestF1Rule = "best F1 on the validation split"

// fprRule describes a threshold chosen at false positive rate fpr on a
// validation split with benign benign rows where the best recall within
// that rate is recall. It says what the rule came to when the split is too
// small to allow a single false positive (the threshold is then the lowest
// malicious score above every benign one) and when no malicious row could be
// caught within the rate (the threshold is then just above the highest
// score, so nothing in validation alerts).
func fprRule(fpr float64, benign int, recall float64) string {
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
