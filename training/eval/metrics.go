package eval

import "github.com/mlctl/mlctl"

// thresholdMetrics fills the figures that depend only on the confusion matrix.
func thresholdMetrics(c mlctl.Confusion) mlctl.Metrics {
	tp, fp, tn, fn := float64(c.TP), float64(c.FP), float64(c.TN), float64(c.FN)
	return mlctl.Metrics{
		Precision: ratio(tp, tp+fp),
		Recall:    ratio(tp, tp+fn),
		F1:        ratio(2*tp, 2*tp+fp+fn),
		FPR:       ratio(fp, fp+tn),
		FDR:       ratio(fp, fp+tp),
		FTTAR:     ratio(fp, tp),
		Accuracy:  ratio(tp+tn, tp+fp+tn+fn),
	}
}
