# heiDGAF's recipe, the reference: XGBoost binary:logistic on seed 000's 44
# features, depth 6, 100 rounds, scale_pos_weight = neg/pos, hist.
# argv: dir rows_train rows_test cols seed
import sys, json
import numpy as np
import xgboost as xgb

d, ntr, nte, cols, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
xtr = np.fromfile(d + "/x_train.f32", dtype="<f4").reshape(ntr, cols)
ytr = np.fromfile(d + "/y_train.f32", dtype="<f4")
xte = np.fromfile(d + "/x_test.f32", dtype="<f4").reshape(nte, cols)
pos = float(ytr.sum())
params = {"objective": "binary:logistic", "eval_metric": "logloss", "tree_method": "hist",
          "max_depth": 6, "eta": 0.3, "scale_pos_weight": (len(ytr) - pos) / pos, "seed": seed, "nthread": 2}
bst = xgb.train(params, xgb.DMatrix(xtr, label=ytr), num_boost_round=100)
bst.predict(xgb.DMatrix(xte)).astype("<f8").tofile(d + "/pred.f64")
print(json.dumps({"version": xgb.__version__}))
