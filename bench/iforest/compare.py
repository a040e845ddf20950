"""sklearn side of mlctl's isolation-forest benchmark (bench/iforest, embedded
in the Go package).

  compare.py DIR TRAIN_ROWS TEST_ROWS COLS PARAMS.json

DIR holds x_train.f32 (the baseline rows) and x_test.f32 (raw little-endian
float32, row-major) written by the Go side; PARAMS.json holds
IsolationForest's parameters. The script loads them, prints
{"version": ...}, then answers one JSON line per command line on stdin, so
the Go side can alternate its own runs with these:

  run THREADS   time IsolationForest(**PARAMS, n_jobs=THREADS).fit(x_train)
                and score_samples(x_test), write the scores to
                DIR/sklearn_scores_THREADS.f64 (float64)
                -> {"fit_seconds": s, "score_seconds": s}
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest

from pyworker import reply


def main(argv):
    d, ntrain, ntest, cols = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    params = json.loads(open(argv[5]).read())
    xtr = np.fromfile(f"{d}/x_train.f32", dtype="<f4").reshape(ntrain, cols)
    xte = np.fromfile(f"{d}/x_test.f32", dtype="<f4").reshape(ntest, cols)
    reply({"version": sklearn.__version__})
    for line in sys.stdin:
        cmd, th = line.split()
        th = int(th)
        if cmd != "run":
            sys.exit(f"unknown command {cmd!r}")
        t0 = time.perf_counter()
        model = IsolationForest(**params, n_jobs=th).fit(xtr)
        t1 = time.perf_counter()
        scores = model.score_samples(xte)
        t2 = time.perf_counter()
        scores.astype("<f8").tofile(f"{d}/sklearn_scores_{th}.f64")
        reply({"fit_seconds": t1 - t0, "score_seconds": t2 - t1})


if __name__ == "__main__":
    main(sys.argv)
