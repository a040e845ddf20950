"""Reference figures for training/eval, computed by scikit-learn.

Run with Debian's python3 (python3-sklearn 1.2.1, python3-numpy):
    /usr/bin/python3 training/eval/testdata/sklearn_case.py
It prints one JSON object: a list of cases, each with its scores, labels,
threshold and what sklearn says about them. eval_test.go runs it and
compares the Go figures to 1e-12.
"""
import json

import numpy as np
from sklearn.metrics import (average_precision_score, confusion_matrix,
                             f1_score, precision_recall_curve,
                             precision_score, recall_score, roc_auc_score,
                             roc_curve)


def case(name, scores, labels, threshold):
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=float)
    pred = (s >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    p, r, _ = precision_recall_curve(y, s)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1s = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    return {
        "name": name,
        "scores": [float(v) for v in s],
        "labels": [int(v) for v in y],
        "threshold": threshold,
        "roc_auc": float(roc_auc_score(y, s)),
        "average_precision": float(average_precision_score(y, s)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp),
        "best_f1": float(f1s[:-1].max()),
        "recall_at_1pct_fpr": float(tpr[fpr <= 0.01].max()),
    }


def main():
    cases = [case(
        "small with ties",
        [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.4, 0.3, 0.3, 0.2, 0.1],
        [1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0],
        0.6,
    )]
    rng = np.random.default_rng(20240607)
    n = 600
    labels = (rng.random(n) < 0.3).astype(int)
    scores = np.clip(np.round(0.3 * labels + rng.normal(0.4, 0.2, n), 2), 0, 1)
    cases.append(case("600 rows rounded to 0.01", scores.tolist(), labels.tolist(), 0.5))
    print(json.dumps(cases))


if __name__ == "__main__":
    main()
