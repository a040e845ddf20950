// Package forest trains and evaluates random forests of CART classification
// trees for binary labels, as scikit-learn's RandomForestClassifier does:
// every tree is grown on a bootstrap sample (drawn as per-row counts, not
// copied rows), every split draws a fresh random subset of max_features
// features and takes the split that most lowers the weighted Gini impurity,
// trees grow until their leaves are pure (or max_depth, min_samples_leaf,
// min_samples_split stop them), and a row's score is the mean over trees of
// its leaf's share of (class-weighted) positive samples.
//
// Splits are searched on histograms of pre-binned features (at most max_bin
// bins per feature, computed once per training run; a feature with at most
// max_bin distinct values gets one bin per value, so its splits are exact).
// The Gini criterion is evaluated exactly on the bins. A split's threshold is
// the midpoint between the largest training value left of it and the smallest
// one right of it, as in scikit-learn, and a row goes left when its value is
// below the threshold.
//
// Missing values (NaN): at every split whose node has missing values for the
// feature, both placements are tried and the better one becomes the split's
// default direction; a split whose node had none sends missing values to the
// child with more bootstrap samples (scikit-learn ≥ 1.4's rule; 1.2 rejects
// NaN).
//
// Trees grow in parallel, one goroutine per tree, each drawing from its own
// random generator seeded by the seed and the tree's index, and every sum
// the split search uses is an integer count, so the model's bytes depend only
// on the data, the parameters and the seed, never on the number of threads.
//
// A Model predicts probabilities on every core, explains a score by per-path
// (Saabas) feature contributions, and marshals to a documented, validated
// JSON format.
//
// The package holds the algorithm only: no Temporal, no SQL.
package forest
