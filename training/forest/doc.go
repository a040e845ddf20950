// Package forest trains and evaluates random forests of CART classification
// trees for binary labels, as scikit-learn's RandomForestClassifier does:
// every tree is grown on a bootstrap sample (drawn as per-row counts, not
// copied rows), every split draws a fresh random subset of max_features
// features and takes the split that most lowers the weighted Gini impurity,
// trees grow until their leaves are pure (or max_depth, min_samples_leaf,
// min_samples_split stop them), and a row's score is the mean over trees of
// its leaf's share of (class-weighted) positive samples.
//
// Splits are searched on pre-binned features: every feature is quantised
// once per training run into at most max_bin bins (default 256, up to
// 65536; a feature with at most max_bin distinct values gets one bin per
// value, so its splits are exactly CART's), and a node sums its samples per
// bin — into histograms, one pass over the node's rows for all the features
// it draws, or by sorting the codes in small nodes — and evaluates the Gini
// criterion exactly on those sums, in integer counts. A split's threshold is
// the midpoint between the node's bins on either side of it (the largest
// training value of the last bin going left, the smallest of the first bin
// going right), and a row goes left when its value is at most that
// midpoint, as in scikit-learn; with exact bins a tree is scikit-learn's up
// to the order among equally good splits.
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
