"""Reference figures for training/drift's tests, from scipy.

Reads one JSON object on stdin:
  {"ks": [{"a": [...], "b": [...]}, ...],   # values as strings: "1.5", "NaN", "+Inf"
   "kstwo": [[n, x], ...],
   "smirnov": [[n, x], ...]}
and prints
  {"scipy": version,
   "ks": [[d, p], ...],          # scipy.stats.ks_2samp(a, b) after dropping NaNs
   "kstwo": [sf, ...],           # scipy.stats.kstwo.sf(x, n)
   "smirnov": [sf, ...]}         # scipy.special.smirnov(n, x)
Run by ks_test.go with /usr/bin/python3 (Debian's python3-scipy, which
python3-sklearn brings; `make pyref` installs it).
"""
import json
import sys

import numpy as np
import scipy
from scipy import special, stats


def values(v):
    a = np.array([float(x) for x in v], dtype=np.float64)
    return a[~np.isnan(a)]


def main():
    req = json.load(sys.stdin)
    out = {"scipy": scipy.__version__, "ks": [], "kstwo": [], "smirnov": []}
    for case in req.get("ks", []):
        r = stats.ks_2samp(values(case["a"]), values(case["b"]))
        out["ks"].append([float(r.statistic), float(r.pvalue)])
    for n, x in req.get("kstwo", []):
        out["kstwo"].append(float(stats.kstwo.sf(x, n)))
    for n, x in req.get("smirnov", []):
        out["smirnov"].append(float(special.smirnov(n, x)))
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
