"""Reference side of the iforest package's tests: sklearn's IsolationForest
(Debian's python3-sklearn 1.2.1, run with /usr/bin/python3).

Matrices are raw little-endian float32, row-major, no missing values.

  iforest_ref.py score TRAIN.f32 NTRAIN TEST.f32 NTEST COLS PARAMS.json FORESTS OUT.f64
      fit FORESTS forests IsolationForest(**PARAMS, random_state=k),
      k = 0..FORESTS-1, on the NTRAIN rows of TRAIN.f32 and write each one's
      score_samples of the NTEST rows of TEST.f32 (float64, forest after
      forest) to OUT.f64; print {"version": sklearn.__version__,
      "max_samples": max_samples_, "offsets": [offset_ of each forest]}.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest


def load(path, rows, cols):
    x = np.fromfile(path, dtype="<f4")
    if x.size != rows * cols:
        sys.exit(f"{path}: {x.size} values, want {rows}x{cols}")
    return x.reshape(rows, cols)


def main(argv):
    if argv[1] != "score":
        sys.exit(f"unknown command {argv[1]!r}")
    cols = int(argv[6])
    xtr = load(argv[2], int(argv[3]), cols)
    xte = load(argv[4], int(argv[5]), cols)
    params = json.loads(open(argv[7]).read())
    scores, offsets, max_samples = [], [], 0
    for k in range(int(argv[8])):
        model = IsolationForest(**params, random_state=k).fit(xtr)
        scores.append(model.score_samples(xte))
        offsets.append(float(model.offset_))
        max_samples = int(model.max_samples_)
    np.concatenate(scores).astype("<f8").tofile(argv[9])
    print(json.dumps({"version": sklearn.__version__, "max_samples": max_samples, "offsets": offsets}))


if __name__ == "__main__":
    main(sys.argv)
