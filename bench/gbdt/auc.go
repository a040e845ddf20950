package gbdtbench

import "github.com/mlctl/mlctl/training/eval"

// auc returns the ROC AUC of scores against 0/1 labels (training/eval's,
// which matches sklearn's roc_auc_score, ties counted half).
func auc(scores []float64, y []float32) float64 {
	labels := make([]int, len(y))
	for i, v := range y {
		if v == 1 {
			labels[i] = 1
		}
	}
	return eval.ROCAUC(scores, labels)
}
