#!/usr/bin/python3
"""Golden values for features.Heidgaf44.

Re-implements seed 000's Detector._get_features (heiDGAF) line for line and
writes one row per line of names.txt to stdout:

    /usr/bin/python3 gen.py < names.txt > expected.tsv

names.txt holds one name per line, split on "\\n" only; bytes that are not
valid UTF-8 are decoded with surrogateescape (one character per byte), which
is how the Go code counts them too. Each output row is the 1-based line
number followed by the 44 values, each written with repr() (shortest
round-trip form of the float64).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from heidgaf import NAMES, get_features  # noqa: E402


def main():
    data = sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = ["line\t" + "\t".join(NAMES)]
    for i, name in enumerate(lines, start=1):
        vec = get_features(name)[0]
        assert vec.shape == (44,)
        out.append(str(i) + "\t" + "\t".join(repr(float(v)) for v in vec))
    sys.stdout.write("\n".join(out) + "\n")


main()
