"""XGBoost side of mlctl's gbdt benchmark (bench/gbdt, embedded in the Go package).

  compare.py DIR TRAIN_ROWS TEST_ROWS COLS PARAMS.json

DIR holds x_train.f32, y_train.f32 and x_test.f32 (raw little-endian float32,
row-major, NaN = missing) written by the Go side; PARAMS.json holds XGBoost
parameters plus num_round. The script loads them, prints {"version": ...},
then answers one JSON line per command line on stdin, so the Go side can
alternate its own runs with these:

  train THREADS    time a fresh DMatrix + train (tree_method=hist, nthread=THREADS)
                   -> {"seconds": s}
  predict THREADS  score x_test with the last booster trained at THREADS
                   (inplace_predict, repeated for at least 0.2 s), write
                   DIR/xgb_pred_THREADS.f32 -> {"seconds_per_call": s}
"""
import json
import sys
import time

import numpy as np
import xgboost

from pyworker import reply


def main(argv):
    d, ntrain, ntest, cols = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    params = json.loads(open(argv[5]).read())
    rounds = params.pop("num_round")
    xtr = np.fromfile(f"{d}/x_train.f32", dtype="<f4").reshape(ntrain, cols)
    ytr = np.fromfile(f"{d}/y_train.f32", dtype="<f4")
    xte = np.fromfile(f"{d}/x_test.f32", dtype="<f4").reshape(ntest, cols)
    boosters = {}
    reply({"version": xgboost.__version__})
    for line in sys.stdin:
        cmd, th = line.split()
        th = int(th)
        if cmd == "train":
            p = dict(params, objective="binary:logistic", tree_method="hist", nthread=th)
            t0 = time.perf_counter()
            dm = xgboost.DMatrix(xtr, label=ytr, missing=np.nan, nthread=th)
            boosters[th] = xgboost.train(p, dm, rounds)
            reply({"seconds": time.perf_counter() - t0})
        elif cmd == "predict":
            booster = boosters[th]
            booster.set_param({"nthread": th})
            n, t0 = 0, time.perf_counter()
            while True:
                pred = booster.inplace_predict(xte, missing=np.nan)
                n += 1
                elapsed = time.perf_counter() - t0
                if elapsed >= 0.2:
                    break
            pred.astype("<f4").tofile(f"{d}/xgb_pred_{th}.f32")
            reply({"seconds_per_call": elapsed / n})
        else:
            sys.exit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main(sys.argv)
