"""scikit-learn side of mlctl's flow benchmark (bench/flows, embedded in the Go package).

  compare.py DIR COLS THREADS PARAMS.json

PARAMS.json holds RandomForestClassifier parameters (n_jobs aside). The
script prints {"version": ...}, then answers one JSON line per command line
on stdin:

  fit TAG TRAIN_ROWS TEST_ROWS
      load DIR/TAG_x_train.f32, DIR/TAG_y_train.f32 and DIR/TAG_x_test.f32
      (raw little-endian float32, row-major, NaN = missing, replaced by
      -3e38 as scikit-learn 1.2 rejects NaN), time
      RandomForestClassifier(**PARAMS, n_jobs=THREADS).fit on the training
      rows, write predict_proba of the test rows to DIR/TAG_pred.f32
      -> {"seconds": fit seconds}
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

from pyworker import load, reply


def main(argv):
    d, cols, threads = argv[1], int(argv[2]), int(argv[3])
    params = json.loads(open(argv[4]).read())
    reply({"version": sklearn.__version__})
    for line in sys.stdin:
        cmd, tag, ntrain, ntest = line.split()
        if cmd != "fit":
            sys.exit(f"unknown command {cmd!r}")
        ntrain, ntest = int(ntrain), int(ntest)
        xtr = load(f"{d}/{tag}_x_train.f32", ntrain, cols)
        ytr = np.fromfile(f"{d}/{tag}_y_train.f32", dtype="<f4")
        xte = load(f"{d}/{tag}_x_test.f32", ntest, cols)
        m = RandomForestClassifier(**params, n_jobs=threads)
        t0 = time.perf_counter()
        m.fit(xtr, ytr)
        seconds = time.perf_counter() - t0
        proba = m.predict_proba(xte)
        # A training set of one class has one column.
        pred = proba[:, 1] if proba.shape[1] == 2 else np.full(ntest, float(m.classes_[0]))
        pred.astype("<f4").tofile(f"{d}/{tag}_pred.f32")
        reply({"seconds": seconds})


if __name__ == "__main__":
    main(sys.argv)
