"""XGBoost side of mlctl's gbdt benchmark (bench/gbdt, embedded in the Go package).

  compare.py DIR TRAIN_ROWS TEST_ROWS COLS PARAMS.json THREADS REPEATS

DIR holds x_train.f32, y_train.f32, x_test.f32 (raw little-endian float32,
row-major, NaN = missing) written by the Go side. For each thread count in
THREADS (comma-separated) it times REPEATS fresh runs of DMatrix + train
(tree_method=hist), then scores x_test with inplace_predict (REPEATS timings,
each the mean over at least 0.2 s of repeated scoring),
and prints one JSON object: {"version", "runs": [{"threads", "train_seconds",
"predict_seconds"}]} and writes DIR/xgb_pred_<threads>.f32.
"""
import json
import sys
import time

import numpy as np
import xgboost


def main(argv):
    d, ntrain, ntest, cols = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    params = json.loads(open(argv[5]).read())
    threads = [int(t) for t in argv[6].split(",")]
    repeats = int(argv[7])
    rounds = params.pop("num_round")
    xtr = np.fromfile(f"{d}/x_train.f32", dtype="<f4").reshape(ntrain, cols)
    ytr = np.fromfile(f"{d}/y_train.f32", dtype="<f4")
    xte = np.fromfile(f"{d}/x_test.f32", dtype="<f4").reshape(ntest, cols)
    runs = []
    for th in threads:
        p = dict(params, objective="binary:logistic", tree_method="hist", nthread=th)
        train_s, booster = [], None
        for _ in range(repeats):
            t0 = time.perf_counter()
            dm = xgboost.DMatrix(xtr, label=ytr, missing=np.nan, nthread=th)
            booster = xgboost.train(p, dm, rounds)
            train_s.append(time.perf_counter() - t0)
        pred_s, pred = [], None
        for _ in range(repeats):
            # Score the test rows until at least 0.2 s have passed.
            n, t0 = 0, time.perf_counter()
            while True:
                pred = booster.inplace_predict(xte, missing=np.nan)
                n += 1
                elapsed = time.perf_counter() - t0
                if elapsed >= 0.2:
                    break
            pred_s.append(elapsed / n)
        pred.astype("<f4").tofile(f"{d}/xgb_pred_{th}.f32")
        runs.append({"threads": th, "train_seconds": train_s, "predict_seconds": pred_s})
    json.dump({"version": xgboost.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
