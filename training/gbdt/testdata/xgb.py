"""Reference side of the gbdt package's tests: XGBoost 1.7 (Debian's python3-xgboost).

Matrices are raw little-endian float32, row-major, NaN for missing. XGBoost
runs on one thread: its OpenMP threads stall badly on a shared, busy machine.

  xgb.py predict MODEL.json X.f32 ROWS COLS OUT.f32
      load MODEL.json with xgboost.Booster().load_model and write its
      probabilities for every row of X (float32).
  xgb.py contribs MODEL.json X.f32 ROWS COLS OUT.f32
      load MODEL.json likewise and write the approximate (Saabas) feature
      contributions of every row of X, predict(pred_contribs=True,
      approx_contribs=True): ROWS x (COLS+1) float32, row-major, bias last.
  xgb.py train X.f32 Y.f32 ROWS COLS NTRAIN PARAMS.json ROUNDS OUT.f32
      train xgboost (tree_method=hist) on the first NTRAIN rows with PARAMS
      and write its probabilities for every row of X (float32).
"""
import json
import sys

import numpy as np
import xgboost


def load(path, rows, cols):
    x = np.fromfile(path, dtype="<f4")
    if x.size != rows * cols:
        sys.exit(f"{path}: {x.size} values, want {rows}x{cols}")
    return x.reshape(rows, cols)


def main(argv):
    if argv[1] == "predict":
        model, xpath, rows, cols, out = argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6]
        booster = xgboost.Booster()
        booster.load_model(model)
        booster.set_param({"nthread": 1})
        d = xgboost.DMatrix(load(xpath, rows, cols), missing=np.nan,
                            feature_names=booster.feature_names, nthread=1)
        booster.predict(d).astype("<f4").tofile(out)
    elif argv[1] == "contribs":
        model, xpath, rows, cols, out = argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6]
        booster = xgboost.Booster()
        booster.load_model(model)
        booster.set_param({"nthread": 1})
        d = xgboost.DMatrix(load(xpath, rows, cols), missing=np.nan,
                            feature_names=booster.feature_names, nthread=1)
        c = booster.predict(d, pred_contribs=True, approx_contribs=True)
        if c.shape != (rows, cols + 1):
            sys.exit(f"contributions have shape {c.shape}, want {(rows, cols + 1)}")
        c.astype("<f4").tofile(out)
    elif argv[1] == "train":
        xpath, ypath, rows, cols, ntrain = argv[2], argv[3], int(argv[4]), int(argv[5]), int(argv[6])
        params, rounds, out = json.loads(open(argv[7]).read()), int(argv[8]), argv[9]
        x = load(xpath, rows, cols)
        y = np.fromfile(ypath, dtype="<f4")
        d = xgboost.DMatrix(x[:ntrain], label=y[:ntrain], missing=np.nan, nthread=1)
        params = dict(params, objective="binary:logistic", tree_method="hist", nthread=1)
        booster = xgboost.train(params, d, rounds)
        booster.predict(xgboost.DMatrix(x, missing=np.nan, nthread=1)).astype("<f4").tofile(out)
    else:
        sys.exit(f"unknown command {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
