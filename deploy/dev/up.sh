#!/usr/bin/env bash
# Starts mlctl's local dev stack: PostgreSQL and a Temporal dev server with its web UI.
# Idempotent: what already runs is reused; what this script starts is recorded in .dev/*.pid
# so that down.sh stops only that. Writes .dev/env with the connection settings.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DEV=$ROOT/.dev
mkdir -p "$DEV"
TEMPORAL_BIN=${TEMPORAL_BIN:-$ROOT/bin/temporal}
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
UI_PORT=${UI_PORT:-8233}
PG_PRIVATE_PORT=${PG_PRIVATE_PORT:-55432}
PG_SHARED_PORT=${PG_SHARED_PORT:-5432}   # where a reachable server is looked for

log() { echo "dev: $*" >&2; }

# ---------- PostgreSQL ----------
pg_answers() { # host port
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$1" -p "$2" -t 2
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

ensure_database() { # base-url-without-db dbname
  if ! command -v psql >/dev/null 2>&1; then
    log "installing Debian's postgresql-client (psql)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
  fi
  local admin="$1/postgres?sslmode=disable"
  if ! psql "$admin" -Atqc "select 1 from pg_database where datname='$2'" | grep -q 1; then
    psql "$admin" -qc "create database \"$2\"" >/dev/null
    log "created database $2"
  fi
}

start_private_postgres() {
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing Debian's postgresql (no server answers on 127.0.0.1:5432)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
  fi
  local bindir
  bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  local data=$DEV/pg
  local runas=()
  if [ "$(id -u)" = 0 ]; then
    runas=(runuser -u postgres --)
    chown postgres "$DEV" 2>/dev/null || true
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown postgres "$data"
    "${runas[@]}" "$bindir/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  if ! pg_answers 127.0.0.1 "$PG_PRIVATE_PORT"; then
    "${runas[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PG_PRIVATE_PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
    head -1 "$data/postmaster.pid" > "$DEV/postgres.pid"
    log "started private PostgreSQL on 127.0.0.1:$PG_PRIVATE_PORT (data in .dev/pg)"
  fi
  echo "postgres://postgres@127.0.0.1:$PG_PRIVATE_PORT"
}

if [ -n "${MLCTL_DATABASE_URL:-}" ]; then
  DB_URL=$MLCTL_DATABASE_URL
  log "using MLCTL_DATABASE_URL"
else
  if pg_answers 127.0.0.1 "$PG_SHARED_PORT"; then
    BASE="postgres://postgres@127.0.0.1:$PG_SHARED_PORT"
    log "using PostgreSQL on 127.0.0.1:$PG_SHARED_PORT"
  else
    BASE=$(start_private_postgres)
  fi
  ensure_database "$BASE" mlctl
  DB_URL="$BASE/mlctl?sslmode=disable"
fi

# ---------- Temporal ----------
if [ ! -x "$TEMPORAL_BIN" ]; then
  log "building the Temporal CLI v1.5.1 into bin/ (once, about 3 minutes)"
  GOBIN=$ROOT/bin go install github.com/temporalio/cli/cmd/temporal@v1.5.1
fi
temporal_up() { "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" >/dev/null 2>&1; }
if temporal_up; then
  log "using Temporal on 127.0.0.1:$TEMPORAL_PORT"
else
  nohup "$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$UI_PORT" \
    --db-filename "$DEV/temporal.db" --log-level warn >"$DEV/temporal.log" 2>&1 &
  echo $! > "$DEV/temporal.pid"
  for _ in $(seq 1 120); do temporal_up && break; sleep 0.5; done
  temporal_up || { log "Temporal dev server did not start; see .dev/temporal.log"; exit 1; }
  log "started Temporal dev server on 127.0.0.1:$TEMPORAL_PORT, web UI http://127.0.0.1:$UI_PORT"
fi
for sa in MlctlModel MlctlAlgo MlctlDataset MlctlAlias; do
  if ! "$TEMPORAL_BIN" operator search-attribute list --address "127.0.0.1:$TEMPORAL_PORT" 2>/dev/null | grep -qw "$sa"; then
    "$TEMPORAL_BIN" operator search-attribute create --address "127.0.0.1:$TEMPORAL_PORT" --name "$sa" --type Keyword >/dev/null
  fi
done

cat > "$DEV/env" <<ENV
export MLCTL_DATABASE_URL='$DB_URL'
export TEMPORAL_ADDRESS='127.0.0.1:$TEMPORAL_PORT'
export TEMPORAL_NAMESPACE='${TEMPORAL_NAMESPACE:-default}'
export MLCTL_TEMPORAL_UI='http://127.0.0.1:$UI_PORT'
ENV
log "stack ready; settings in .dev/env"
