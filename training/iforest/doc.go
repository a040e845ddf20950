// Package iforest trains and scores isolation forests (Liu, Ting and Zhou,
// 2008) as sklearn's IsolationForest does, used semi-supervised as seed
// 001's bot detector uses it: trained on baseline (known-normal) rows only,
// scoring everything else by how quickly it isolates.
//
// Trees. Each of n_estimators trees draws max_samples rows (ψ, default 256;
// without replacement, or with bootstrap) and max_features of the valid
// features, then splits recursively as sklearn's ExtraTreeRegressor
// (splitter="random", max_features=1): a feature drawn uniformly among
// those not constant in the node, a threshold drawn uniformly between its
// minimum and maximum there, rows ≤ threshold to one side; a node is a
// leaf at depth ceil(log2 ψ), with one sample, or when no feature varies.
//
// Scores. A row's path length in a tree is h(x) = the depth of its leaf +
// c(n), n the samples left in that leaf and c the average path length of
// a binary search tree (AveragePathLength; c(1) = 0, c(2) = 1,
// c(256) ≈ 10.24). ScoreSamples is sklearn's score_samples,
// -2^(-E[h(x)]/c(ψ)), in [-1, 0): lower is more anomalous.
//
// The bot detector's lifecycle on top:
//   - Validate, before training, drops the features whose values are all
//     missing or all equal, and refuses (naming each dropped feature and
//     why) when fewer than min_valid_feature_ratio (0.5) remain.
//   - Normalise maps a score to [-1, 0] as clamp(score_samples - offset,
//     -1, 0): sklearn's decision_function, anomalous side only; the offset
//     is the contamination (0.02) quantile of the baseline's scores, fixed
//     at training.
//   - Level: CRITICAL below -0.30, HIGH below -0.15, MEDIUM below -0.05,
//     LOW otherwise.
//   - Threshold: min(5th percentile of the normalised baseline scores,
//     the configured threshold -0.03), computed at training; a row is
//     anomalous when its normalised score is below it.
//   - TopContributions: the 5 (or k) features behind a score, by per-path
//     attribution (contributions.go) in place of SHAP.
//
// Missing values. sklearn refuses NaN; here NaN means missing. When a tree
// is built, a node's threshold is drawn between the minimum and maximum of
// the values present, and rows missing the feature go to the "≤" side, as
// they do when scored: a missing value is never what isolates a row, it
// travels with the lowest values. A feature missing everywhere in the
// baseline is dropped by validation. ±Inf is refused in training data;
// scored rows may hold it (it compares as usual).
//
// Determinism. Each tree draws its numbers from a generator seeded by the
// seed and the tree's index, trees are built in parallel into their own
// buffers and laid out in index order, and a row's path lengths are summed
// in tree order: the model bytes (MarshalJSON, a documented JSON format)
// depend only on the baseline, the parameters and the feature names, never
// on the number of threads.
//
// The package holds the algorithm only: no Temporal, no SQL.
package iforest
