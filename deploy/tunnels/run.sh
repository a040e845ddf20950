#!/usr/bin/env bash
# Runs a REAL DNS tunnel through a REAL resolver and sends the resolver's
# dnstap to a socket: the traffic mlctl's dns-domain model is trained and
# tested on, made by the tools themselves.
#
#   deploy/tunnels/run.sh TOOL DNSTAP_SOCKET [SECONDS] [BYTES]
#
# TOOL is iodine or dns2tcp (Debian's packages). Two network namespaces are
# made and removed again: "srv" holds unbound (port 53, dnstap of client
# queries and responses to DNSTAP_SOCKET, which must be listening already:
# `mlctl serve --dnstap unix:SOCK` or `dnstap -u SOCK -w FILE`) and the
# tunnel's server on 127.0.0.1:5353, to which unbound delegates the tunnel
# zone (stub zone); "cli" holds the tunnel's client, which asks unbound
# over a veth pair, and pushes BYTES (default 100000) of random data through
# the tunnel at an even rate over SECONDS (default 60), beside benign lookups (dig)
# of a few names unbound answers itself. Every process is stopped by its
# PID and the namespaces are removed on exit, also on failure.
#
# Needs root (namespaces, tun devices) and Debian's iodine, dns2tcp,
# unbound, dnsutils (dig), netcat-openbsd and iproute2: `make nettools`
# installs them. Environment: ZONE (default t.tunnel.test for iodine,
# t2.tunnel.test for dns2tcp), WORK (a directory for configurations and
# logs; default a new temporary one), NET (the veth /24's third octet,
# default from the PID).
#
# On stdout, one line: tool=... zone=... client=... start=... end=...
# bytes=... (start and end in Unix seconds).
set -euo pipefail
TOOL=${1:?usage: run.sh iodine|dns2tcp DNSTAP_SOCKET [SECONDS] [BYTES]}
SOCK=${2:?usage: run.sh iodine|dns2tcp DNSTAP_SOCKET [SECONDS] [BYTES]}
SECONDS_MAX=${3:-60}
BYTES=${4:-100000}
case "$TOOL" in
  iodine) ZONE=${ZONE:-t.tunnel.test} ;;
  dns2tcp) ZONE=${ZONE:-t2.tunnel.test} ;;
  *) echo "run.sh: unknown tool $TOOL (want iodine or dns2tcp)" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces and tun devices)" >&2; exit 2; }
for t in unbound dig nc ip iodine iodined dns2tcpc dns2tcpd; do
  command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || { echo "run.sh: $t is missing: make nettools (or apt-get install iodine dns2tcp unbound dnsutils netcat-openbsd iproute2)" >&2; exit 2; }
done
[ -S "$SOCK" ] || { echo "run.sh: $SOCK is not a listening socket: start the dnstap receiver first" >&2; exit 2; }
export PATH=$PATH:/usr/sbin:/sbin
WORK=${WORK:-$(mktemp -d /tmp/mlctl-tunnel.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd) # unbound and dns2tcpd take it as their directory
NET=${NET:-$(( ($$ % 200) + 20 ))}
SRV=mlctl-srv-$$ CLI=mlctl-cli-$$
SRV_IP=10.53.$NET.1 CLI_IP=10.53.$NET.2
PIDS=()
cleanup() {
  local rc=$?
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$SRV" 2>/dev/null || true
  ip netns del "$CLI" 2>/dev/null || true
  if [ $rc -ne 0 ]; then echo "run.sh: failed (exit $rc); logs in $WORK" >&2; fi
}
trap cleanup EXIT
fail() { echo "run.sh: $*; logs in $WORK" >&2; exit 1; }

ip netns add "$SRV"
ip netns add "$CLI"
ip link add "mv-s$$" type veth peer name "mv-c$$"
ip link set "mv-s$$" netns "$SRV"
ip link set "mv-c$$" netns "$CLI"
ip -n "$SRV" addr add "$SRV_IP/24" dev "mv-s$$"
ip -n "$CLI" addr add "$CLI_IP/24" dev "mv-c$$"
for ns in "$SRV" "$CLI"; do ip -n "$ns" link set lo up; done
ip -n "$SRV" link set "mv-s$$" up
ip -n "$CLI" link set "mv-c$$" up

# unbound: answers a few benign names itself, NXDOMAIN for the rest of the
# world, and delegates the tunnel zone to the tunnel server.
cat > "$WORK/unbound.conf" <<CONF
server:
	verbosity: 1
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$WORK"
	pidfile: "$WORK/unbound.pid"
	logfile: ""
	use-syslog: no
	interface: $SRV_IP
	interface: 127.0.0.1
	port: 53
	do-ip6: no
	num-threads: 1
	access-control: 10.53.0.0/16 allow
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	do-not-query-localhost: no
	qname-minimisation: no
	local-zone: "." static
	local-zone: "$ZONE." transparent
	domain-insecure: "$ZONE."
	local-data: "www.example.org. 300 IN A 192.0.2.10"
	local-data: "mail.example.org. 300 IN A 192.0.2.11"
	local-data: "example.org. 300 IN MX 10 mail.example.org."
	local-data: "api.example.net. 300 IN A 192.0.2.12"
	local-data: "example.net. 300 IN TXT \"v=spf1 -all\""
stub-zone:
	name: "$ZONE."
	stub-addr: 127.0.0.1@5353
remote-control:
	control-enable: no
dnstap:
	dnstap-enable: yes
	dnstap-bidirectional: yes
	dnstap-socket-path: "$SOCK"
	dnstap-send-identity: yes
	dnstap-log-client-query-messages: yes
	dnstap-log-client-response-messages: yes
CONF
unbound-checkconf "$WORK/unbound.conf" > "$WORK/checkconf.log" 2>&1 || fail "unbound-checkconf $WORK/unbound.conf: $(cat "$WORK/checkconf.log")"
ip netns exec "$SRV" unbound -d -c "$WORK/unbound.conf" > "$WORK/unbound.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do
  ip netns exec "$CLI" dig +tries=1 +time=1 @"$SRV_IP" www.example.org A 2>/dev/null | grep -q 'status: NOERROR' && break
  sleep 0.1
done
ip netns exec "$CLI" dig +tries=1 +time=1 @"$SRV_IP" www.example.org A | grep -q 'status: NOERROR' || fail "unbound does not answer on $SRV_IP:53 (see unbound.log)"

# paced prints a shell pipeline stage that writes BYTES of random data
# evenly over SECONDS_MAX seconds (a chunk a second), so the tunnel runs
# that long, as an exfiltration at BYTES/SECONDS_MAX bytes a second would.
paced() {
  local chunk=$(( (BYTES + SECONDS_MAX - 1) / SECONDS_MAX ))
  echo "for i in \$(seq $SECONDS_MAX); do head -c $chunk /dev/urandom; sleep 1; done"
}

START=$(date +%s)
case "$TOOL" in
iodine)
  ip netns exec "$SRV" iodined -f -c -P mlctl-demo -l 127.0.0.1 -p 5353 10.77.$NET.1/27 "$ZONE" > "$WORK/iodined.log" 2>&1 & PIDS+=($!)
  sleep 1
  ip netns exec "$SRV" nc -l 10.77.$NET.1 9001 > /dev/null 2> "$WORK/sink.log" & SINK=$!; PIDS+=($SINK)
  ip netns exec "$CLI" iodine -f -r -P mlctl-demo "$SRV_IP" "$ZONE" > "$WORK/iodine.log" 2>&1 & PIDS+=($!)
  for _ in $(seq $(( SECONDS_MAX * 5 ))); do
    grep -q 'Connection setup complete' "$WORK/iodine.log" 2>/dev/null && break
    sleep 0.2
  done
  grep -q 'Connection setup complete' "$WORK/iodine.log" || fail "iodine did not connect through unbound within ${SECONDS_MAX}s (see iodine.log, iodined.log)"
  ip netns exec "$CLI" bash -c "$(paced) | timeout $(( SECONDS_MAX + 10 )) nc -N 10.77.$NET.1 9001" > "$WORK/send.log" 2>&1 || true
  ;;
dns2tcp)
  cat > "$WORK/dns2tcpd.conf" <<CONF
listen = 127.0.0.1
port = 5353
user = root
chroot = $WORK
domain = $ZONE
resources = sink:127.0.0.1:9000
CONF
  ip netns exec "$SRV" nc -lk 127.0.0.1 9000 > /dev/null 2> "$WORK/sink.log" & PIDS+=($!)
  ip netns exec "$SRV" dns2tcpd -F -f "$WORK/dns2tcpd.conf" > "$WORK/dns2tcpd.log" 2>&1 & PIDS+=($!)
  sleep 1
  ip netns exec "$CLI" bash -c "$(paced) | timeout $(( SECONDS_MAX + 10 )) dns2tcpc -z $ZONE -r sink -l - $SRV_IP" > "$WORK/dns2tcpc.log" 2>&1 || true
  ;;
esac
# Benign lookups beside the tunnel, from the same client.
for n in www.example.org mail.example.org api.example.net; do
  for t in A AAAA MX TXT; do ip netns exec "$CLI" dig +tries=1 +time=1 @"$SRV_IP" "$n" "$t" > /dev/null 2>&1 || true; done
done
END=$(date +%s)
echo "tool=$TOOL zone=$ZONE client=$CLI_IP start=$START end=$END bytes=$BYTES"
