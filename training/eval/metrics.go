package eval

// Metrics are the figures a model is judged by. Ratios with a zero
// denominator are 0 (see the package doc).
type Metrics struct {
	// AUCROC is the area under the ROC curve (threshold-free).
	AUCROC float64 `json:"auc_roc"`
	// AUCPR is the average precision (threshold-free).
	AUCPR float64 `json:"auc_pr"`
	// Precision is TP/(TP+FP).
	Precision float64 `json:"precision"`
	// Recall is TP/(TP+FN), the detection rate.
	Recall float64 `json:"recall"`
	// F1 is 2TP/(2TP+FP+FN).
	F1 float64 `json:"f1"`
	// FPR is FP/(FP+TN), the false positive rate.
	FPR float64 `json:"fpr"`
	// FDR is FP/(FP+TP), the false discovery rate (heiDGAF reports it).
	FDR float64 `json:"fdr"`
	// FTTAR is FP/TP, false positives per true alert (heiDGAF's figure);
	// 0 when TP is 0, so read it with Recall.
	FTTAR float64 `json:"fttar"`
	// Accuracy is (TP+TN)/rows.
	Accuracy float64 `json:"accuracy"`
	// RecallAt1PctFPR is the highest recall at a false positive rate of at
	// most 1%, whatever the threshold.
	RecallAt1PctFPR float64 `json:"recall_at_1pct_fpr"`
}

// thresholdMetrics fills the figures that depend only on the confusion matrix.
func thresholdMetrics(c Confusion) Metrics {
	tp, fp, tn, fn := float64(c.TP), float64(c.FP), float64(c.TN), float64(c.FN)
	return Metrics{
		Precision: ratio(tp, tp+fp),
		Recall:    ratio(tp, tp+fn),
		F1:        ratio(2*tp, 2*tp+fp+fn),
		FPR:       ratio(fp, fp+tn),
		FDR:       ratio(fp, fp+tp),
		FTTAR:     ratio(fp, tp),
		Accuracy:  ratio(tp+tn, tp+fp+tn+fn),
	}
}
