#!/usr/bin/env bash
# The main job end to end on the local dev stack (started by `make up`):
# worker → ingest → train (TrainModel workflow, --wait) → confusion matrix →
# score a few names → promote to a live scorer (Rollout workflow) → score
# over HTTP and from a Zeek dns.log (name alerts and a client alert) → promote a second model with no
# restart → rollback → the alias history and the web UI addresses → a
# schedule retrains it (Retrain: new files, gate, shadow, promote); then,
# with the Stratosphere captures of $MLCTL_SHARED_DATA (default
# ../shared/data), a random forest on flow windows scoring a conn.log live.
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
SCORER=""
FLOW_SCORER=""
TUN_SCORER=""
cleanup() {
  for p in $SCORER $FLOW_SCORER $TUN_SCORER; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  kill "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true; rm -f .dev/worker-demo.pid
}
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
# The threshold at a 0.1% false positive rate on validation (the default,
# spelled out): live traffic is nearly all benign, so alerts need a strict
# threshold.
"$MLCTL" train "${DATASETS[@]}" --algo gbdt --model "$MODEL" --param threshold_fpr=0.001 --wait
V1=$("$MLCTL" models show "$MODEL" --json | sed -n 's/.*"version":\([0-9]*\).*/\1/p' | head -1)

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

HTTP=${MLCTL_DEMO_HTTP:-127.0.0.1:8089}
ALIAS=demo-production
say "promoting $MODEL@$V1 to alias $ALIAS (Rollout workflow: verify sha256, gate, move, notify, confirm)"
"$MLCTL" promote "$MODEL@$V1" --alias "$ALIAS" --force --reason "demo: start from this run's model" --wait

say "starting a scorer on http://$HTTP that follows $ALIAS and a Zeek dns.log (log: $DEMO/scorer.log)"
say "  alerts also go to $DEMO/alerts.ecs.jsonl as ECS documents (--sink; syslog, Elasticsearch, Splunk HEC and Kafka work the same way)"
rm -f "$DEMO/dns.log" "$DEMO/alerts.jsonl" "$DEMO/alerts.ecs.jsonl"
"$MLCTL" serve --alias "$ALIAS" --http "$HTTP" --zeek-dns "$DEMO/dns.log" --alerts "$DEMO/alerts.jsonl" \
  --sink "ecs:$DEMO/alerts.ecs.jsonl" >"$DEMO/scorer.log" 2>&1 &
SCORER=$!
for _ in $(seq 100); do curl -fs "http://$HTTP/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://$HTTP/healthz"; echo

say "POST /v1/score"
curl -fsS "http://$HTTP/v1/score" -H 'Content-Type: application/json' \
  -d '{"names":["www.google.com","xjw3kq9vbz1m.net","qwpzlrmvtyxkbnsd.info","bad..name"]}'; echo
say "the same scorer speaks the Open Inference Protocol (KServe v2): POST /v2/models/$ALIAS/infer"
curl -fsS "http://$HTTP/v2/models/$ALIAS/infer" -H 'Content-Type: application/json' \
  -d '{"inputs":[{"name":"names","shape":[2],"datatype":"BYTES","data":["www.google.com","xjw3kq9vbz1m.net"]}]}'; echo

say "a Zeek dns.log grows: DGA queries become alerts ($DEMO/alerts.jsonl and the alerts table)"
# 10.0.0.66 is infected: it looks up a DGA's names of the day (generated
# names of the random-looking families, none seen in training), each twice
# as malware retries, nearly all answered NXDOMAIN. Its repeats are
# de-duplicated, and its names make one client alert for the 5-minute window.
"$MLCTL" dataset generate --rows 400 --seed 4242 -o "$DEMO/live.csv" >/dev/null 2>&1
mapfile -t INFECTED < <(awk -F, 'NR > 1 && $2 == 1 && $3 !~ /matsnu|suppobox/ && n[$3]++ < 2 {print $1}' "$DEMO/live.csv")
NOW=$(date +%s)
{
  printf '#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\trcode_name\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\n'
  for q in www.google.com/NOERROR xjw3kq9vbz1m.net/NXDOMAIN mail.example.org/NOERROR qwpzlrmvtyxkbnsd.info/NXDOMAIN kumvnxpqtlsh.ru/NXDOMAIN; do
    printf '%s.000000\tCdemo\t10.0.0.7\t53000\t10.0.0.1\t53\tudp\t%s\t%s\n' "$NOW" "${q%/*}" "${q#*/}"
  done
  printf '%s.000000\tCinf\t10.0.0.66\t53001\t10.0.0.1\t53\tudp\twww.google.com\tNOERROR\n' "$NOW"
  i=0
  for q in "${INFECTED[@]}"; do
    for retry in 1 2; do
      printf '%s.%06d\tCinf\t10.0.0.66\t53001\t10.0.0.1\t53\tudp\t%s\tNXDOMAIN\n' "$((NOW + i))" "$retry" "$q"
    done
    i=$((i + 1))
  done
  printf 'not-a-time\tCbad\t10.0.0.7\t53000\t10.0.0.1\t53\tudp\tbroken.example\t-\n'
} > "$DEMO/dns.log"
for _ in $(seq 50); do grep -q '"kind":"client"' "$DEMO/alerts.jsonl" 2>/dev/null && break; sleep 0.2; done
sleep 0.5
echo "$(grep -c '"kind":"name"' "$DEMO/alerts.jsonl" || true) name alerts (one per client, registrable domain and window); the first three:"
grep '"kind":"name"' "$DEMO/alerts.jsonl" | head -3 | cut -c1-200 || true
say "client alerts: a client whose distinct DGA domains in a 5-minute window reach --client-min-names (3)"
grep '"kind":"client"' "$DEMO/alerts.jsonl" || echo "no client alert yet (see $DEMO/scorer.log)"
curl -fsS "http://$HTTP/metrics" | grep -E '^mlctl_(alerts_total|alerts_deduplicated_total|client_windows_open)' || true
echo "the first alert as a SIEM receives it (ECS, $DEMO/alerts.ecs.jsonl):"
for _ in $(seq 20); do [ -s "$DEMO/alerts.ecs.jsonl" ] && break; sleep 0.2; done
head -1 "$DEMO/alerts.ecs.jsonl" | cut -c1-400 || true

say "training a second model and promoting it: the scorer swaps with no restart"
"$MLCTL" train "${DATASETS[@]}" --algo gbdt --model "$MODEL" --param threshold_fpr=0.001 --seed 2 --wait >/dev/null
V2=$("$MLCTL" models show "$MODEL" --json | sed -n 's/.*"version":\([0-9]*\).*/\1/p' | head -1)
"$MLCTL" promote "$MODEL@$V2" --alias "$ALIAS" --force --reason "demo: newer model" --wait
curl -fsS "http://$HTTP/healthz"; echo

say "rolling back in one command"
"$MLCTL" rollback --alias "$ALIAS" --reason "demo: back to the first model" --wait
curl -fsS "http://$HTTP/healthz"; echo

say "alias history and scorers"
"$MLCTL" aliases history --alias "$ALIAS"
"$MLCTL" serve status --alias "$ALIAS"
say "the rollouts in the web UI: ${MLCTL_TEMPORAL_UI}/namespaces/${TEMPORAL_NAMESPACE}/workflows?query=MlctlAlias%3D%22${ALIAS}%22"

if [ -z "${MLCTL_DEMO_DATA:-}" ]; then
  say "a schedule retrains it: new files in a feed → next dataset version → challenger vs champion → shadow → promote"
  mkdir -p "$DEMO/feed"
  # A new file each run (the watermark reads each file once).
  "$MLCTL" dataset generate --rows 20000 --seed "$((RANDOM + 100))" -o "$DEMO/feed/day-$(date +%s).csv"
  "$MLCTL" schedule delete demo-nightly >/dev/null 2>&1 || true
  "$MLCTL" schedule create demo-nightly --dataset demo --model "$MODEL" --new-data "$DEMO/feed" --alias "$ALIAS" \
    --param threshold_fpr=0.001 --promote-if-better --shadow 10s --every 24h --drift-every 1h
  decisions() { "$MLCTL" schedule describe demo-nightly --json | { grep -o '"outcome"' || true; } | wc -l; }
  BEFORE=$(decisions)
  START=$(date +%s)
  "$MLCTL" schedule trigger demo-nightly
  # Live traffic for the shadow to score while the retrain runs.
  for _ in $(seq 600); do
    curl -fsS "http://$HTTP/v1/score" -H 'Content-Type: application/json' \
      -d '{"names":["www.google.com","xjw3kq9vbz1m.net","qwpzlrmvtyxkbnsd.info","mail.example.org","kumvnxpqtlsh.ru"]}' >/dev/null || true
    [ "$(decisions)" -gt "$BEFORE" ] && break
    sleep 0.5
  done
  echo "scheduled retrain decided in $(( $(date +%s) - START )) s:"
  "$MLCTL" schedule describe demo-nightly
  curl -fsS "http://$HTTP/healthz"; echo
  say "the schedule in the web UI: ${MLCTL_TEMPORAL_UI}/namespaces/${TEMPORAL_NAMESPACE}/schedules/retrain-demo-nightly (paused now, so the demo leaves nothing running)"
  "$MLCTL" schedule pause demo-nightly
fi

say "tunnels: a generated network's dns.log (dnscat2, DNSExfiltrator, Cobalt Strike, Sliver, base32/hex exfiltration among CDN, DNSBL, AV-cloud look-alikes) becomes one row per registrable domain and 60 s window"
"$MLCTL" dataset generate --kind dns-domain --seed 3 --duration 40m -o "$DEMO/network.dns.log"
"$MLCTL" dataset ingest demo-tunnels --kind dns-domain --file "$DEMO/network.dns.log"
say "a gbdt on the domain windows (TrainModel), its threshold at 1 false alert in 10,000 benign validation windows"
"$MLCTL" train --dataset demo-tunnels --algo gbdt --model demo-tunnels --param threshold_fpr=0.0001 --wait
TV=$("$MLCTL" models show demo-tunnels --json | sed -n 's/.*"version":\([0-9]*\).*/\1/p' | head -1)
"$MLCTL" promote "demo-tunnels@$TV" --alias demo-tunnels --force --reason "demo: tunnel model" --wait >/dev/null
TUN_HTTP=${MLCTL_DEMO_TUNNEL_HTTP:-127.0.0.1:8091}
TUN_DIR=$(mktemp -d /tmp/mlctl-demo.XXXXXX) # short: a unix socket path has at most 107 bytes
"$MLCTL" dataset generate --kind dns-domain --seed 11 --duration 20m --sessions 1 -o "$DEMO/live.dns.log"
rm -f "$DEMO/tunnel-alerts.jsonl"
say "one scorer, two aliases: $ALIAS scores names, demo-tunnels domain windows; it follows another network's dns.log and unbound's dnstap (alerts: $DEMO/tunnel-alerts.jsonl)"
"$MLCTL" serve --alias "$ALIAS" --domain-alias demo-tunnels --http "$TUN_HTTP" --zeek-dns "$DEMO/live.dns.log" \
  --dnstap "unix:$TUN_DIR/tap.sock" --alerts "$DEMO/tunnel-alerts.jsonl" >"$DEMO/tunnel-scorer.log" 2>&1 &
TUN_SCORER=$!
WANT=$(grep -vc '^#' "$DEMO/live.dns.log")
for _ in $(seq 300); do
  GOT=$(curl -fs "http://$TUN_HTTP/metrics" 2>/dev/null | sed -n 's/^mlctl_source_parsed_total{source="zeek-dns"} //p' || true)
  [ "${GOT:-0}" = "$WANT" ] && break; sleep 0.2
done
if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/iodine ] && [ -x /usr/sbin/unbound ]; then
  say "a real iodine tunnel through a real unbound (network namespaces; deploy/tunnels/run.sh), dnstap to the same scorer"
  deploy/tunnels/run.sh iodine "$TUN_DIR/tap.sock" 40 40000
  for _ in $(seq 300); do grep -q '"domain":"tunnel.test"' "$DEMO/tunnel-alerts.jsonl" 2>/dev/null && break; sleep 0.2; done
else
  say "(the real iodine tunnel needs root and Debian's iodine and unbound: make nettools; left out)"
fi
kill -TERM "$TUN_SCORER"; wait "$TUN_SCORER" || true; TUN_SCORER=""
rm -rf "$TUN_DIR"
echo "$(grep -c '"kind":"tunnel"' "$DEMO/tunnel-alerts.jsonl" || true) tunnel alerts (one per domain per 10 minutes); by domain:"
grep '"kind":"tunnel"' "$DEMO/tunnel-alerts.jsonl" | sed -n 's/.*"domain":"\([^"]*\)".*/\1/p' | sort | uniq -c || true
echo "the tunnel sessions in that log (tool: domain):"
grep -v '^#' "$DEMO/live.dns.log" | awk -F'\t' '$(NF-1) == "malicious" { n = split($9, l, "."); d = l[n-1] "." l[n]; if (l[n-1] ~ /^(co|com)$/) d = l[n-2] "." d; print "  " $NF ": " d }' | sort -u
echo "the first alert:"
grep -m1 '"kind":"tunnel"' "$DEMO/tunnel-alerts.jsonl" | cut -c1-600

# The shared corpora: $MLCTL_SHARED_DATA, else ../shared/data (relative
# paths from the repository root, as deploy/devenv.SharedData reads them).
FLOWS=${MLCTL_SHARED_DATA:-../shared/data}/flows
if [ ! -d "$FLOWS/stratosphere-008-zeek-mixed" ]; then
  say "flows: no Stratosphere captures in $FLOWS (set MLCTL_SHARED_DATA to the folder of shared corpora); the flow part is left out"
  exit 0
fi
TRAIN_LOG=$FLOWS/stratosphere-008-zeek-mixed/data/conn.log.labeled
LIVE_LOG=$FLOWS/stratosphere-010-zeek-mixed/data/conn.log.labeled
say "flows: a labeled Stratosphere conn.log becomes one row per source IP and 10 s window"
"$MLCTL" dataset ingest demo-flows --kind flow --file "$TRAIN_LOG"
say "a random forest on the flow windows (TrainModel, like any model)"
"$MLCTL" train --dataset demo-flows --algo rf --model demo-flows-rf --param threshold_fpr=0.01 --wait
say "scoring another workstation's day offline, window by window, with the features behind each score"
"$MLCTL" score --model demo-flows-rf --file "$LIVE_LOG" --explain 3 > "$DEMO/flow-scores.tsv"
echo "$(awk '$2 == 1' "$DEMO/flow-scores.tsv" | wc -l) of $(wc -l < "$DEMO/flow-scores.tsv") windows at or over the threshold; the highest:"
sort -rn "$DEMO/flow-scores.tsv" | head -3 || true
say "promoting it and following that day's conn.log live (alerts: $DEMO/flow-alerts.jsonl)"
"$MLCTL" promote demo-flows-rf@1 --alias demo-flows --force --reason "demo: flow model" --wait >/dev/null
FLOW_HTTP=${MLCTL_DEMO_FLOW_HTTP:-127.0.0.1:8090}
rm -f "$DEMO/flow-alerts.jsonl"
# Zeek logs a connection when it ends: this day's log runs hours behind its
# newest ts, so the windows stay open long enough to take every connection.
"$MLCTL" serve --alias demo-flows --http "$FLOW_HTTP" --zeek-conn "$LIVE_LOG" --flow-lateness 12h \
  --alerts "$DEMO/flow-alerts.jsonl" >"$DEMO/flow-scorer.log" 2>&1 &
FLOW_SCORER=$!
WANT=$(grep -vc '^#' "$LIVE_LOG")
for _ in $(seq 100); do
  GOT=$(curl -fs "http://$FLOW_HTTP/metrics" 2>/dev/null | sed -n 's/^mlctl_source_parsed_total{source="zeek-conn"} //p' || true)
  [ "${GOT:-0}" = "$WANT" ] && break; sleep 0.2
done
kill -TERM "$FLOW_SCORER"; wait "$FLOW_SCORER" || true
echo "$(wc -l < "$DEMO/flow-alerts.jsonl") source windows alerted; the first:"
head -2 "$DEMO/flow-alerts.jsonl" | cut -c1-300

say "tuning $MODEL's parameters in a Tune workflow: trials on the training queue, folds grouped by family, successive halving"
# Each trial is trained on two folds and scored on the third, whose
# families it never saw; the best is retrained on the whole training part
# and published with the run in its manifest.
"$MLCTL" tune "${DATASETS[@]}" --algo gbdt --model "$MODEL-tuned" --trials 10 --folds 3 --parallel 2 \
  --param max_depth=3..8 --param eta=0.05..0.4:log --param min_child_weight=1..50:log --wait
RUN=$("$MLCTL" tune list --limit 1 --json | sed -n 's/.*"id":"\(tune-[^"]*\)".*/\1/p' | head -1)
say "the run's leaderboard (mlctl tune show $RUN)"
"$MLCTL" tune show "$RUN" --top 5
