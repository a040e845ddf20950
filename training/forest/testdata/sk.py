"""Reference side of the forest package's tests: scikit-learn 1.2 (Debian's python3-sklearn).

Matrices are raw little-endian float32, row-major. scikit-learn 1.2's trees
reject NaN, so missing values are replaced by -3e38, below every value (a
missing value then always goes left).

  sk.py rf X.f32 Y.f32 ROWS COLS NTRAIN PARAMS.json SEEDS OUT.f32
      for each of SEEDS random_state values 0..SEEDS-1, fit
      RandomForestClassifier(**PARAMS, n_jobs=2) on the first NTRAIN rows and
      write the probability of class 1 of the other rows (float32, one block
      of ROWS-NTRAIN values per seed).
  sk.py tree X.f32 Y.f32 ROWS COLS NTRAIN MAX_DEPTH OUT.f32
      fit DecisionTreeClassifier(max_depth=MAX_DEPTH or None, random_state=0)
      on the first NTRAIN rows and write the probability of class 1 of the
      other rows.
"""
import json
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

MISSING = np.float32(-3e38)


def load(path, rows, cols):
    x = np.fromfile(path, dtype="<f4")
    if x.size != rows * cols:
        sys.exit(f"{path}: {x.size} values, want {rows}x{cols}")
    x = x.reshape(rows, cols)
    return np.where(np.isnan(x), MISSING, x).astype(np.float32)


def main(argv):
    cmd = argv[1]
    rows, cols, ntrain = int(argv[4]), int(argv[5]), int(argv[6])
    x = load(argv[2], rows, cols)
    y = np.fromfile(argv[3], dtype="<f4")
    if cmd == "rf":
        params, seeds, out = json.loads(open(argv[7]).read()), int(argv[8]), argv[9]
        preds = []
        for seed in range(seeds):
            m = RandomForestClassifier(**params, n_jobs=2, random_state=seed)
            m.fit(x[:ntrain], y[:ntrain])
            preds.append(m.predict_proba(x[ntrain:])[:, 1])
        np.concatenate(preds).astype("<f4").tofile(out)
    elif cmd == "tree":
        depth, out = int(argv[7]), argv[8]
        m = DecisionTreeClassifier(max_depth=depth or None, random_state=0)
        m.fit(x[:ntrain], y[:ntrain])
        m.predict_proba(x[ntrain:])[:, 1].astype("<f4").tofile(out)
    else:
        sys.exit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main(sys.argv)
