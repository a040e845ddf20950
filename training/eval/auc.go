package eval

// ROCAUC is the area under the ROC curve, as sklearn.metrics.roc_auc_score
// computes it: tied scores form one step, counted as a diagonal (half the
// ties ranked right). It is 0 when labels hold only one class.
func ROCAUC(scores []float64, labels []int) float64 {
	pts, pos, neg := curve(scores, labels)
	if pos == 0 || neg == 0 {
		return 0
	}
	area, x0, y0 := 0.0, 0.0, 0.0
	for _, p := range pts {
		x, y := float64(p.fp)/float64(neg), float64(p.tp)/float64(pos)
		area += (x - x0) * (y + y0) / 2
		x0, y0 = x, y
	}
	return area
}

// PRAUC is the average precision, as
// sklearn.metrics.average_precision_score computes it: the sum over
// distinct thresholds of the recall gained there times the precision there
// (no interpolation). It is 0 when there are no positives.
func PRAUC(scores []float64, labels []int) float64 {
	pts, pos, _ := curve(scores, labels)
	if pos == 0 {
		return 0
	}
	ap, r0 := 0.0, 0.0
	for _, p := range pts {
		r := float64(p.tp) / float64(pos)
		ap += (r - r0) * (float64(p.tp) / float64(p.tp+p.fp))
		r0 = r
	}
	return ap
}
