// Package gbdt trains and evaluates gradient-boosted decision trees that are
// compatible with XGBoost's binary:logistic objective and tree_method=hist.
//
// Training quantises every feature once into at most max_bin bins (features with
// few distinct values get one bin per value, so integer-valued features split
// exactly between integers), grows trees depth-wise from per-node gradient
// histograms (building the smaller child and subtracting it from the parent for
// the larger one), learns a default direction for missing values (NaN) and uses
// every core. Gradient sums are accumulated in fixed point, so the model bytes
// depend only on the data, the parameters and the seed, never on the number of
// threads; each tree draws its random numbers from a generator seeded by the
// seed and the tree's index, so resuming from a checkpoint reproduces an
// uninterrupted run exactly.
//
// A Model predicts probabilities, marshals to a documented native JSON format
// and exports XGBoost's JSON model format (schema of XGBoost 1.7), which
// xgboost.Booster().load_model() reads and predicts identically (within 1e-6).
//
// The package holds the algorithm only: no Temporal, no SQL.
package gbdt
