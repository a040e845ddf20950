"""Optuna 3.1 driving xgboost 1.7 on the tuning benchmark's folds (bench/tune).

Reads a JSON request on stdin (written by tunebench.OptunaRequest): the
CSV that mlctl ingested (key, features..., label, family), the split and
folds mlctl's Tune used (assign: key,part,fold; part 0 train, 1
validation, 2 test; fold -1 for test rows), the search space as mlctl's
tuning.Space, and the budget. Runs one study in this process: TPESampler
(seeded, n_startup_trials), no pruner, each trial xgboost hist with the
trial's parameters on every fold but one, scored by ROC-AUC on the one
held out, the trial's value the mean over the folds (heiDGAF's recipe
without its pruner). Then retrains the best parameters on the train part
and scores the test part, and the held-out families against the benign
test rows. Prints one JSON object on stdout.
"""

import csv
import json
import logging
import sys
import time

import numpy as np
import optuna
import sklearn
import xgboost as xgb
from sklearn.metrics import roc_auc_score


def load(req):
    t0 = time.perf_counter()
    with open(req["csv"], newline="") as f:
        r = csv.reader(f)
        header = next(r)
        ki, li, fi = header.index("key"), header.index("label"), header.index("family")
        feat = [i for i in range(len(header)) if i not in (ki, li, fi)]
        columns = [header[i] for i in feat]
        keys, labels, families, rows = [], [], [], []
        for rec in r:
            keys.append(rec[ki])
            labels.append(int(rec[li]))
            families.append(rec[fi])
            rows.append([float(rec[i]) for i in feat])
    if columns != req["columns"]:
        raise SystemExit("optuna_xgb: the CSV's feature columns differ from the registry's")
    x = np.asarray(rows, dtype=np.float32)
    y = np.asarray(labels, dtype=np.int32)
    where = {k: i for i, k in enumerate(keys)}
    part = np.full(len(keys), -1, dtype=np.int32)
    fold = np.full(len(keys), -1, dtype=np.int32)
    with open(req["assign"], newline="") as f:
        r = csv.reader(f)
        next(r)
        for key, p, k in r:
            i = where[key]
            part[i], fold[i] = int(p), int(k)
    if (part < 0).any():
        raise SystemExit("optuna_xgb: rows of the CSV have no part in the assignment")
    return x, y, np.asarray(families), part, fold, time.perf_counter() - t0


def base_params(req, neg, pos):
    return {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "max_bin": req["max_bin"],
        "base_score": req["base_score"],
        "nthread": req["nthread"],
        "seed": req["seed"],
        "verbosity": 0,
        # as mlctl's gbdt learner: negatives/positives of the rows it trains on
        "scale_pos_weight": neg / pos,
    }


def suggest(trial, space):
    out = {}
    for p in space["params"]:
        name = p["name"]
        if p.get("choices"):
            if len(p["choices"]) == 1:
                continue  # fixed: the request's rounds
            out[name] = trial.suggest_categorical(name, p["choices"])
        elif p.get("int"):
            out[name] = trial.suggest_int(name, int(p.get("lo", 0)), int(p.get("hi", 0)), log=bool(p.get("log")))
        else:
            out[name] = trial.suggest_float(name, p.get("lo", 0.0), p.get("hi", 0.0), log=bool(p.get("log")))
    return out


def main():
    req = json.load(sys.stdin)
    started = time.perf_counter()
    x, y, families, part, fold, load_s = load(req)
    k, rounds = req["folds"], req["rounds"]

    tuned = part != 2
    folds = []
    for f in range(k):
        tr = tuned & (fold != f)
        va = tuned & (fold == f)
        neg, pos = float((y[tr] == 0).sum()), float((y[tr] == 1).sum())
        folds.append((xgb.DMatrix(x[tr], label=y[tr], nthread=req["nthread"]),
                      xgb.DMatrix(x[va], nthread=req["nthread"]), y[va], neg, pos))

    seconds = []

    def objective(trial):
        t0 = time.perf_counter()
        params = suggest(trial, req["space"])
        aucs = []
        for dtr, dva, yva, neg, pos in folds:
            p = base_params(req, neg, pos)
            p.update(params)
            bst = xgb.train(p, dtr, num_boost_round=rounds)
            aucs.append(roc_auc_score(yva, bst.predict(dva)))
        seconds.append(time.perf_counter() - t0)
        trial.set_user_attr("fold_values", aucs)
        return float(np.mean(aucs))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=req["seed"], n_startup_trials=req["startup"])
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=optuna.pruners.NopPruner())
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=req["trials"])
    search_s = time.perf_counter() - t0
    print(f"optuna: {req['trials']} trials in {search_s:.1f}s, best {study.best_value:.4f}", file=sys.stderr)

    t0 = time.perf_counter()
    tr, te = part == 0, part == 2
    p = base_params(req, float((y[tr] == 0).sum()), float((y[tr] == 1).sum()))
    p.update(study.best_params)
    bst = xgb.train(p, xgb.DMatrix(x[tr], label=y[tr], nthread=req["nthread"]), num_boost_round=rounds)
    scores = bst.predict(xgb.DMatrix(x[te], nthread=req["nthread"]))
    yte = y[te]
    held = np.isin(families[te], req["holdout_families"]) & (yte == 1)
    hsel = held | (yte == 0)
    retrain_s = time.perf_counter() - t0

    json.dump({
        "versions": {"optuna": optuna.__version__, "xgboost": xgb.__version__, "sklearn": sklearn.__version__,
                     "numpy": np.__version__},
        "rows": int(len(y)), "tuned_rows": int(tuned.sum()), "test_rows": int(te.sum()),
        "holdout_rows": int(held.sum()), "benign_test_rows": int((yte == 0).sum()),
        "load_seconds": load_s, "search_seconds": search_s, "retrain_seconds": retrain_s,
        "total_seconds": time.perf_counter() - started,
        "trials": [{"trial": t.number, "value": t.value, "params": t.params,
                    "fold_values": t.user_attrs.get("fold_values"), "seconds": s}
                   for t, s in zip(study.trials, seconds)],
        "best": {"trial": study.best_trial.number, "value": study.best_value, "params": study.best_params},
        "test_auc": float(roc_auc_score(yte, scores)),
        "holdout_auc": float(roc_auc_score(yte[hsel], scores[hsel])),
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
