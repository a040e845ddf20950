// Package txtbench measures what makes a TXT-record tunnel detector
// generalise to tunnel tools and benign records it never saw (issue 6:
// ROC-AUC ≥ 0.99 on a hidden set of another tool's answers against other
// zones' records).
//
// Data. The shared corpora (a zone repository's TXT records and dns2tcp's
// answers, read from devenv.SharedData, never copied) and bench/txtgen's
// generated records: ten tunnel and C2 tools from their wire formats and
// seven kinds of benign record.
//
// Protocol (Folds). Leave one source out: one fold per generated tool and
// one for the real dns2tcp answers, the tool's answers held out of
// training entirely and tested against benign records held out too —
// under UnseenKind a whole benign group (its generated families and the
// real zone records of that kind), under UnseenRecords unseen records of
// every kind (half the real zone records, fresh generated ones). The
// results pool the generated tools' folds; the dns2tcp fold, a real tunnel
// never trained on, is reported alone.
//
// Recipes. the TXT notebook's LSTM on char_wb 2–4-grams (features/tokens.FitTXT,
// training/lstm) on the real data only — the baseline — and with the
// generated variety; design changes through the packages' public APIs:
// Shape (encoded blobs rewritten as character classes) before char_wb, a
// byte-level tokenizer (Chars), and gradient-boosted trees (training/gbdt)
// on ShapeFeatures, which describe what a record looks like and never
// which bytes it holds, with and without the variety, and on length and
// entropy alone; Blends average two recipes' probabilities.
//
// TestStudy runs it small (about 50 s) and checks every figure against
// testdata/study_*.golden; BenchmarkStudy runs it at a size that takes
// minutes.
package txtbench
