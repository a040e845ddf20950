// Package drift tells whether the data a model now sees still looks like the
// data it was trained on.
//
// Each feature is tested on its own with the two-sample Kolmogorov–Smirnov
// test (KS), computed as scipy.stats.ks_2samp computes it with its default
// method "auto": the exact distribution of the statistic when both samples
// have at most 10,000 values, else the asymptotic one (scipy's kstwo, the
// Simard–L'Ecuyer algorithms for the one-sample distribution with
// n = round(n1·n2/(n1+n2))). A feature has drifted when its p-value is below
// alpha (default 0.05); the model has drifted when the share of drifted
// features exceeds the threshold (default 0.30, the DRIFT_THRESHOLD of the
// bot detector in the bot detector, whose rule is "exceeds": strictly greater).
//
// Beside each test the report gives the feature's population stability
// index (PSI, over the training values' deciles; see PSI), which measures
// how far a feature moved rather than how sure the test is that it moved:
// below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 major. It informs;
// the verdict is the KS tests'.
//
// Missing values (NaN) are dropped before testing and counted in the report.
// A Baseline sorts a model's training columns once so that repeated checks
// against new samples only sort the recent data; a Reservoir keeps a bounded,
// seeded uniform sample of the recent rows to test.
//
// The package holds the statistics only: no Temporal, no SQL.
package drift
