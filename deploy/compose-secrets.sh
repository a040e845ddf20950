#!/usr/bin/env bash
# compose-secrets.sh: makes the secrets deploy/compose.yaml mounts, in
# deploy/secrets/ (kept out of git), once; existing files are left alone.
#   postgres_password  a random password for the mlctl database role (read by uid 999, postgres)
#   pgpass             the same, as a libpq/pgx passfile line (read by uid 65532, mlctl)
#   scorer_tokens      the scorer's --http-tokens file: one token "compose",
#                      printed once on stdout, stored only as its SHA-256
# Compose mounts each file as it is on the host, owner and mode included, so
# run it as root to give each file to the uid that reads it (mode 0400); as
# another user the files stay yours and must be made readable by hand.
# MLCTL names the mlctl binary that makes the token (default: bin/mlctl,
# `make build`).
set -euo pipefail
cd "$(dirname "$0")"
MLCTL=${MLCTL:-../bin/mlctl}
umask 077
mkdir -p secrets

if [[ ! -s secrets/postgres_password ]]; then
  head -c 32 /dev/urandom | base64 | tr -d '/+=\n' | head -c 40 > secrets/postgres_password
  echo "made secrets/postgres_password" >&2
fi
if [[ ! -s secrets/pgpass ]]; then
  # hostname:port:database:username:password
  printf 'postgres:5432:mlctl:mlctl:%s\n' "$(cat secrets/postgres_password)" > secrets/pgpass
  echo "made secrets/pgpass" >&2
fi
if [[ ! -s secrets/scorer_tokens ]]; then
  [[ -x $MLCTL ]] || { echo "compose-secrets.sh: no mlctl at $MLCTL: run \`make build\` or set MLCTL" >&2; exit 1; }
  echo "the scorer's bearer token \"compose\" (shown only this once; send it as Authorization: Bearer TOKEN):" >&2
  "$MLCTL" serve token compose --file secrets/scorer_tokens
fi

if [[ $(id -u) == 0 ]]; then
  chown 999:999 secrets/postgres_password
  chown 65532:65532 secrets/pgpass secrets/scorer_tokens
  chmod 0400 secrets/postgres_password secrets/pgpass secrets/scorer_tokens
else
  echo "compose-secrets.sh: not root: give secrets/postgres_password to uid 999 and secrets/pgpass, secrets/scorer_tokens to uid 65532 (chown, mode 0400) before \`docker compose up\`" >&2
fi
