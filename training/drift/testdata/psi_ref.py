"""Reference population stability index for training/drift's tests, with numpy.

Reads one JSON object on stdin:
  {"psi": [{"a": [...], "b": [...]}, ...]}   # values as strings: "1.5", "NaN", "+Inf"
and prints
  {"numpy": version,
   "psi": [{"edges": [...], "train": [...], "recent": [...], "psi": x}, ...]}
for each pair, a the training sample and b the recent one, NaNs dropped:
edges are the distinct deciles of a (numpy.quantile, method "linear"),
bins closed on the right (numpy.searchsorted side="left"), an empty bin's
share counts as 1e-4, and psi = sum((r - t) * log(r / t)).
Run by psi_test.go with /usr/bin/python3 (Debian's python3-numpy;
`make pyref` installs it).
"""
import json
import sys

import numpy as np

EPSILON = 1e-4


def values(v):
    a = np.array([float(x) for x in v], dtype=np.float64)
    return a[~np.isnan(a)]


def shares(x, edges):
    counts = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)
    return counts / len(x)


def main():
    req = json.load(sys.stdin)
    out = {"numpy": np.__version__, "psi": []}
    for case in req["psi"]:
        a, b = values(case["a"]), values(case["b"])
        edges = np.unique(np.quantile(a, np.arange(1, 10) / 10))
        t, r = shares(a, edges), shares(b, edges)
        tt = np.where(t == 0, EPSILON, t)
        rr = np.where(r == 0, EPSILON, r)
        psi = np.sum((rr - tt) * np.log(rr / tt))
        out["psi"].append({"edges": edges.tolist(), "train": t.tolist(), "recent": r.tolist(), "psi": float(psi)})
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
