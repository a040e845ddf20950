// Package dga measures how DGA detectors generalise: to DGA families and
// benign sources they never saw in training, and to generation schemes
// held out of the generator (leave-one-scheme-out). It runs mlctl's
// training recipes and the reference (heiDGAF's 44 features with Debian's
// xgboost) on the same folds, and reports ROC-AUC, recall at 1% false
// positive rate and per-family recall at that rate.
//
// RunOps measures the default recipe in operation: the distinct benign
// names it alerts on real DNS logs (beside the recipe before issue 13 and
// heiDGAF's), and what serve's client verdicts make of a replay of benign
// and infected clients through the serving pipeline.
package dga
