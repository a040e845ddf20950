package eval

import "math"

// DefaultThreshold is what BestF1Threshold returns when no threshold
// detects anything (no positives, or no rows).
const DefaultThreshold = 0.5

// BestF1Threshold returns the score that, used as the threshold, gives the
// highest F1 on these rows; of equal F1s it takes the highest threshold.
// Choose it on the validation split, never the test split.
func BestF1Threshold(scores []float64, labels []int) float64 {
	pts, pos, _ := curve(scores, labels)
	best, bestF1 := DefaultThreshold, 0.0
	for _, p := range pts {
		f1 := ratio(2*float64(p.tp), float64(2*p.tp+p.fp+(pos-p.tp)))
		if f1 > bestF1 {
			best, bestF1 = p.threshold, f1
		}
	}
	return best
}

// RecallAtFPR returns the highest recall reachable with a false positive
// rate of at most fpr, and the highest threshold (a score of these rows)
// that reaches it: lowering it further would spend false positives without
// catching another positive. When even the highest score gives too many
// false positives, recall is 0 and the threshold is just above the highest
// score. With no rows it returns (0, 0).
func RecallAtFPR(scores []float64, labels []int, fpr float64) (recall, threshold float64) {
	pts, pos, neg := curve(scores, labels)
	if len(pts) == 0 {
		return 0, 0
	}
	threshold = math.Nextafter(pts[0].threshold, math.Inf(1))
	tp := 0
	for _, p := range pts {
		if ratio(float64(p.fp), float64(neg)) > fpr {
			break
		}
		if p.tp > tp {
			tp, recall, threshold = p.tp, ratio(float64(p.tp), float64(pos)), p.threshold
		}
	}
	return recall, threshold
}
