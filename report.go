package mlctl

// The evaluation of a model: what training/eval computes and workflows,
// the registry and the CLI carry and show.

// Report is a model's evaluation on one labeled set at one threshold.
type Report struct {
	// Threshold is the score at or above which a row is predicted positive.
	Threshold float64 `json:"threshold"`
	// Confusion counts outcomes at Threshold.
	Confusion Confusion `json:"confusion"`
	// Metrics are the figures derived from the scores and Confusion.
	Metrics Metrics `json:"metrics"`
	// FamilyRecall is the detection rate of each family of positive rows,
	// sorted by family.
	FamilyRecall []FamilyRecall `json:"family_recall"`
	// Rows is the number of rows evaluated.
	Rows int `json:"rows"`
	// Prefiltered counts, by reason, the rows left out before scoring
	// because the prefilter says their names cannot be a DGA's (none:
	// omitted).
	Prefiltered map[string]int `json:"prefiltered,omitempty"`
}

// FamilyRecall is how many positive rows of one family were detected.
type FamilyRecall struct {
	// Family names the family (a DGA family, an attack type).
	Family string `json:"family"`
	// N is the number of positive rows of the family.
	N int `json:"n"`
	// Detected is how many of them scored at or above the threshold.
	Detected int `json:"detected"`
	// Recall is Detected/N.
	Recall float64 `json:"recall"`
}

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

// Total is the number of rows counted.
func (c Confusion) Total() int { return c.TP + c.FP + c.TN + c.FN }
