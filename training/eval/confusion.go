package eval

// Confusion counts the four outcomes of a binary decision.
type Confusion struct {
	// TP are positives predicted positive.
	TP int `json:"tp"`
	// FP are negatives predicted positive.
	FP int `json:"fp"`
	// TN are negatives predicted negative.
	TN int `json:"tn"`
	// FN are positives predicted negative.
	FN int `json:"fn"`
}

// ConfusionAt counts outcomes when a row is predicted positive if its score
// is at least threshold.
func ConfusionAt(scores []float64, labels []int, threshold float64) Confusion {
	checkLengths(scores, labels)
	var c Confusion
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

// Total is the number of rows counted.
func (c Confusion) Total() int { return c.TP + c.FP + c.TN + c.FN }
