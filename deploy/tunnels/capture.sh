#!/usr/bin/env bash
# Regenerates the real tunnel captures: for each of iodine and dns2tcp, a
# dnstap capture (Frame Streams file, as `dnstap -w` writes) of a real
# unbound resolving the tunnel's queries and a few benign ones, made by
# deploy/tunnels/run.sh. `mlctl dataset ingest NAME --kind dns-domain
# --file OUTDIR/iodine.dnstap --malicious-domain tunnel.test --family iodine`
# reads one.
#
#   deploy/tunnels/capture.sh OUTDIR [SECONDS] [BYTES]
#
# Needs what run.sh needs, and the dnstap tool (Debian's
# golang-github-dnstap-golang-dnstap-cli); `make nettools` installs them.
set -euo pipefail
OUT=${1:?usage: capture.sh OUTDIR [SECONDS] [BYTES]}
SECS=${2:-120}
BYTES=${3:-200000}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
for tool in iodine dns2tcp; do
  sock=$(mktemp -u /tmp/mlctl-dnstap.XXXXXX)
  rm -f "$OUT/$tool.dnstap"
  dnstap -u "$sock" -w "$OUT/$tool.dnstap" > "$OUT/$tool.dnstap.log" 2>&1 & DT=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  WORK="$OUT/$tool-work" "$HERE/run.sh" "$tool" "$sock" "$SECS" "$BYTES" | tee -a "$OUT/README"
  sleep 1
  kill "$DT" 2>/dev/null || true; wait "$DT" 2>/dev/null || true
  rm -f "$sock"
  echo "$tool: $OUT/$tool.dnstap" >&2
done
