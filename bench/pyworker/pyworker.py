"""What every reference-tool script of mlctl's benchmarks shares (pyworker.Start
writes this file beside the script): one JSON line per reply, and the
little-endian float32 matrices the Go side writes."""

import json
import sys

import numpy as np

# MISSING stands for NaN (a missing value) where a tool refuses NaN: below
# every real value, so a missing value sorts first, as mlctl's trees send it.
MISSING = np.float32(-3e38)


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def load(path, rows, cols):
    """Reads a rows x cols float32 matrix, NaN replaced by MISSING."""
    x = np.fromfile(path, dtype="<f4")
    if x.size != rows * cols:
        sys.exit(f"{path}: {x.size} values, want {rows}x{cols}")
    x = x.reshape(rows, cols)
    return np.ascontiguousarray(np.where(np.isnan(x), MISSING, x), dtype=np.float32)
