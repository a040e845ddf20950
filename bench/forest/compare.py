"""scikit-learn side of mlctl's random forest benchmark (bench/forest, embedded in the Go package).

  compare.py DIR TRAIN_ROWS TEST_ROWS COLS PARAMS.json

DIR holds x_train.f32, y_train.f32 and x_test.f32 (raw little-endian float32,
row-major, NaN = missing) written by the Go side; PARAMS.json holds
RandomForestClassifier parameters. scikit-learn 1.2 rejects NaN, so missing
values are replaced by -3e38 (below every value) when the files are loaded,
before any timing. The script prints {"version": ...}, then answers one JSON
line per command line on stdin, so the Go side can alternate its own runs
with these:

  train THREADS    time RandomForestClassifier(**PARAMS, n_jobs=THREADS).fit
                   on the training rows -> {"seconds": s}
  predict THREADS  score x_test with the last forest trained at THREADS
                   (predict_proba, repeated for at least 0.2 s), write
                   DIR/sk_pred_THREADS.f32 -> {"seconds_per_call": s}
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

from pyworker import load, reply


def main(argv):
    d, ntrain, ntest, cols = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    params = json.loads(open(argv[5]).read())
    xtr = load(f"{d}/x_train.f32", ntrain, cols)
    ytr = np.fromfile(f"{d}/y_train.f32", dtype="<f4")
    xte = load(f"{d}/x_test.f32", ntest, cols)
    forests = {}
    reply({"version": sklearn.__version__})
    for line in sys.stdin:
        cmd, th = line.split()
        th = int(th)
        if cmd == "train":
            m = RandomForestClassifier(**params, n_jobs=th)
            t0 = time.perf_counter()
            m.fit(xtr, ytr)
            reply({"seconds": time.perf_counter() - t0})
            forests[th] = m
        elif cmd == "predict":
            m = forests[th]
            n, t0 = 0, time.perf_counter()
            while True:
                pred = m.predict_proba(xte)[:, 1]
                n += 1
                elapsed = time.perf_counter() - t0
                if elapsed >= 0.2:
                    break
            pred.astype("<f4").tofile(f"{d}/sk_pred_{th}.f32")
            reply({"seconds_per_call": elapsed / n})
        else:
            sys.exit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main(sys.argv)
