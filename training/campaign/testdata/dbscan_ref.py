"""Reference labels for training/campaign's tests, from scikit-learn.

Reads one JSON object on stdin:
  {"cases": [{"vectors": [[...], ...], "eps": 0.5, "min_samples": 3, "scale": true}, ...]}
and prints
  {"sklearn": version, "labels": [[...], ...]}
where each list of labels is sklearn.cluster.DBSCAN(eps, min_samples=...)
.fit_predict(X), X being the vectors after StandardScaler().fit_transform
when "scale" is set. Run by campaign_test.go with /usr/bin/python3
(Debian's python3-sklearn; `make pyref` installs it).
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN
from sklearn.preprocessing import StandardScaler


def main():
    req = json.load(sys.stdin)
    out = {"sklearn": sklearn.__version__, "labels": []}
    for case in req["cases"]:
        x = np.array(case["vectors"], dtype=np.float64)
        if case["scale"]:
            x = StandardScaler().fit_transform(x)
        labels = DBSCAN(eps=case["eps"], min_samples=case["min_samples"]).fit_predict(x)
        out["labels"].append([int(v) for v in labels])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
