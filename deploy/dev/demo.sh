#!/usr/bin/env bash
# The main job end to end on the local dev stack (started by `make up`):
# worker → ingest → train (TrainModel workflow, --wait) → confusion matrix →
# score a few names → the web UI address of the run.
#
# Data: a built-in generator by default. MLCTL_DEMO_DATA may point at a
# directory laid out like ../shared/data: dga/*.csv (label 1, family column)
# and benign/*.txt (label 0), e.g. MLCTL_DEMO_DATA=../shared/data make demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .dev/env
MLCTL=$PWD/bin/mlctl
DEMO=.dev/demo
mkdir -p "$DEMO"
say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

say "starting a worker (log: $DEMO/worker.log)"
"$MLCTL" worker >"$DEMO/worker.log" 2>&1 &
WORKER=$!
echo $WORKER > .dev/worker-demo.pid
cleanup() { kill "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true; rm -f .dev/worker-demo.pid; }
trap cleanup EXIT

if [ -n "${MLCTL_DEMO_DATA:-}" ]; then
  say "ingesting real data from $MLCTL_DEMO_DATA"
  DGA_FILES=(); for f in "$MLCTL_DEMO_DATA"/dga/*; do DGA_FILES+=(--file "$f"); done
  BENIGN_FILES=(); for f in "$MLCTL_DEMO_DATA"/benign/*; do BENIGN_FILES+=(--file "$f"); done
  "$MLCTL" dataset ingest demo-dga --kind dga --label 1 "${DGA_FILES[@]}"
  "$MLCTL" dataset ingest demo-benign --kind dga --label 0 --family benign "${BENIGN_FILES[@]}"
  DATASETS=(--dataset demo-dga --dataset demo-benign)
  MODEL=demo-real-gbdt
else
  say "generating a demo corpus (DGA-style families + benign-looking names)"
  "$MLCTL" dataset generate --rows 40000 --seed 7 -o "$DEMO/demo.csv"
  # Two broken lines, as real feeds have: reported with file:line, not fatal.
  printf 'bad..name.example,1,demo\n%s.example,0,benign\n' "$(printf 'x%.0s' $(seq 70))" >> "$DEMO/demo.csv"

  say "ingesting (bad rows are reported with file:line; fatal only above --max-bad-fraction)"
  "$MLCTL" dataset ingest demo --kind dga --file "$DEMO/demo.csv"
  DATASETS=(--dataset demo)
  MODEL=demo-gbdt
fi
"$MLCTL" dataset list

say "training in a TrainModel workflow (watch it in the web UI)"
"$MLCTL" train "${DATASETS[@]}" --algo gbdt --model "$MODEL" --wait

say "scoring a few names offline (the artifact's SHA-256 is verified before use)"
cat > "$DEMO/names.txt" <<NAMES
www.google.com
mail.example.org
cdn-assets.shopify.com
xjw3kq9vbz1m.net
a1b2c3d4e5f60718293a4b5c.com
qwpzlrmvtyxkbnsd.info
kumvnxpqtlsh.ru
NAMES
"$MLCTL" score --model "$MODEL" --file "$DEMO/names.txt"

say "the published model"
"$MLCTL" models show "$MODEL" | sed -n "1,10p"
WF=$("$MLCTL" models show "$MODEL" --json | sed -n 's/.*"workflow_id":"\([^"]*\)".*/\1/p' | head -1)
say "web UI of the run: ${MLCTL_TEMPORAL_UI}/namespaces/${TEMPORAL_NAMESPACE}/workflows/${WF}"
