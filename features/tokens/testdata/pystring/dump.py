#!/usr/bin/python3
"""Python's own answers for the string semantics pystring.go reproduces.

Writes one JSON object of inclusive code-point ranges [lo, hi] and a map:
  unassigned:    general category Cn (Go may know these from a newer Unicode)
  space:         str.isspace()
  ignorable:     Case_Ignorable, read off str.lower()'s final-sigma rule:
                 "ΑΣ"+c+"Α" keeps σ but "ΑΣ"+c gives ς only when c is skipped
  cased:         Cased among the runes that are not case-ignorable ("ΑΣ"+c
                 gives σ only when c is cased and not ignorable)
  lower:         {code point: [code points of c.lower()]} where c.lower() != c
Surrogates (U+D800..U+DFFF) are left out: Go strings cannot hold them.
"""
import json
import sys
import unicodedata


def ranges(pred):
    out, lo = [], None
    for c in range(0x110000 + 1):
        ok = c < 0x110000 and not 0xD800 <= c <= 0xDFFF and pred(chr(c))
        if ok and lo is None:
            lo = c
        elif not ok and lo is not None:
            out.append([lo, c - 1])
            lo = None
    return out


def main():
    out = {
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "unassigned": ranges(lambda c: unicodedata.category(c) == "Cn"),
        "space": ranges(str.isspace),
        "ignorable": ranges(lambda c: ("ΑΣ" + c + "Α").lower()[1] == "σ" and ("ΑΣ" + c).lower()[1] == "ς"),
        "cased": ranges(lambda c: ("ΑΣ" + c).lower()[1] == "σ"),
        "lower": {str(ord(c)): [ord(x) for x in c.lower()]
                  for c in map(chr, range(0x110000))
                  if not 0xD800 <= ord(c) <= 0xDFFF and c.lower() != c},
    }
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
