#!/usr/bin/env bash
# Installs the network tools that serving tests and benchmarks use, from
# Debian's packages: unbound (a real resolver sending dnstap), dig (dnsutils),
# the HTTP load generators wrk and hey, and for the real DNS tunnels of
# deploy/tunnels: iodine, dns2tcp, netcat-openbsd and the dnstap capture tool;
# dnsmasq and BIND, whose query logs the datasets/dnslog tests read.
set -euo pipefail
need=()
command -v unbound >/dev/null || [ -x /usr/sbin/unbound ] || need+=(unbound)
command -v dig >/dev/null || need+=(dnsutils)
command -v wrk >/dev/null || need+=(wrk)
command -v hey >/dev/null || need+=(hey)
[ -x /usr/sbin/iodine ] || need+=(iodine)
[ -x /usr/bin/dns2tcpc ] || need+=(dns2tcp)
[ -x /usr/bin/dnstap ] || need+=(golang-github-dnstap-golang-dnstap-cli)
nc -h 2>&1 | grep -q OpenBSD || need+=(netcat-openbsd)
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
[ -x /usr/sbin/named ] || need+=(bind9)
[ ${#need[@]} -eq 0 ] && exit 0
echo "dev: installing Debian's ${need[*]}" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# unbound's and bind9's packages would start a system resolver on :53; tests
# run their own.
$SUDO env RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
