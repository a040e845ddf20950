// Package tuning is hyperparameter search without Temporal or SQL: the
// search space (--param k=lo..hi[:log] | k=a,b,c, or a space file), a
// seeded sampler (random start-up trials, then a tree-structured Parzen
// estimator as Optuna's TPESampler), successive halving on a learner's
// units (boosting rounds, trees or epochs), folds grouped by family, and
// the objectives a trial is scored by.
//
// Everything here is a pure function of its inputs and the seed, so the
// Tune workflow that drives it replays, and the same seed and the same
// parallelism give the same trials.
package tuning
