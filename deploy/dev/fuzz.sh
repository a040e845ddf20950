#!/usr/bin/env bash
# fuzz.sh: run every fuzz target of the module, one at a time, each for
# FUZZTIME (default 30s; the issue's target is FUZZTIME=10m). Targets are
# the `func FuzzXxx(f *testing.F)` in *_test.go files; FUZZ (a regexp)
# keeps only the targets whose name matches. A crash stops the run: Go
# has written the input to the package's testdata/fuzz/FuzzXxx/.
# FUZZPARALLEL=N runs N fuzzing workers (default: GOMAXPROCS).
# FUZZMINIMIZETIME bounds the minimizing of each new input (default 5s, not
# Go's 60s: an artifact or a feature state is tens of KB, and minimizing
# one such input would otherwise take a short run's whole time).
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
FUZZ=${FUZZ:-.}
PARALLEL=${FUZZPARALLEL:-}
MINIMIZE=${FUZZMINIMIZETIME:-5s}

# "package-dir FuzzName" lines, one per target.
targets=$(grep -rEo --include='*_test.go' --exclude-dir=.dev --exclude-dir=bin --exclude-dir=.git '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
  while IFS=: read -r file decl; do
    fn=${decl#func }
    echo "$(dirname "$file") ${fn%%(*}"
  done | sort)

n=0
while read -r pkg fn; do
  [ -n "$pkg" ] || continue
  [[ $fn =~ $FUZZ ]] || continue
  n=$((n + 1))
  echo "== $pkg $fn ($FUZZTIME)"
  $GO test -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$MINIMIZE" ${PARALLEL:+-parallel "$PARALLEL"} "$pkg"
done <<<"$targets"
echo "fuzz: $n targets, $FUZZTIME each, no crash"
