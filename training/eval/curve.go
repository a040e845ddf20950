package eval

import (
	"cmp"
	"slices"
)

// point is one distinct threshold of a ranking: tp and fp count the rows
// whose score is at least threshold.
type point struct {
	threshold float64
	tp, fp    int
}

// curve ranks rows by score, highest first (NaN last), and returns one point
// per distinct score with cumulative counts, plus the class totals.
func curve(scores []float64, labels []int) (pts []point, pos, neg int) {
	checkLengths(scores, labels)
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	tp, fp := 0, 0
	for k, i := range order {
		if labels[i] != 0 {
			tp++
		} else {
			fp++
		}
		if k+1 < len(order) && cmp.Compare(scores[order[k+1]], scores[i]) == 0 {
			continue
		}
		pts = append(pts, point{threshold: scores[i], tp: tp, fp: fp})
	}
	return pts, tp, fp
}
