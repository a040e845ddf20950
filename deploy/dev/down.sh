#!/usr/bin/env bash
# Stops what up.sh started (and only that), as recorded in .dev/*.pid.
set -uo pipefail
cd "$(dirname "$0")/../.."
DEV=$PWD/.dev
stop() { # name pidfile
  [ -f "$2" ] || return 0
  local pid; pid=$(cat "$2")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "dev: stopped $1 (pid $pid)" >&2
  fi
  rm -f "$2"
}
for f in "$DEV"/worker*.pid; do [ -e "$f" ] && stop "worker" "$f"; done
stop temporal "$DEV/temporal.pid"
if [ -f "$DEV/postgres.pid" ]; then
  bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bindir/pg_ctl" -D "$DEV/pg" -m fast stop >/dev/null; else "$bindir/pg_ctl" -D "$DEV/pg" -m fast stop >/dev/null; fi
  echo "dev: stopped private PostgreSQL" >&2
  rm -f "$DEV/postgres.pid"
fi
exit 0
