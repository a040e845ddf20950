package eval

import "github.com/mlctl/mlctl"

// ConfusionAt counts outcomes when a row is predicted positive if its score
// is at least threshold.
func ConfusionAt(scores []float64, labels []int, threshold float64) mlctl.Confusion {
	checkLengths(scores, labels)
	var c mlctl.Confusion
	for i, s := range scores {
		switch pred, pos := s >= threshold, labels[i] != 0; {
		case pred && pos:
			c.TP++
		case pred:
			c.FP++
		case pos:
			c.FN++
		default:
			c.TN++
		}
	}
	return c
}
