// Package dga measures how DGA detectors generalise: to DGA families and
// benign sources they never saw in training, and to generation schemes
// held out of the generator (leave-one-scheme-out). It runs mlctl's
// training recipes and the reference (heiDGAF's 44 features with Debian's
// xgboost) on the same folds, and reports ROC-AUC, recall at 1% false
// positive rate and per-family recall at that rate.
package dga
