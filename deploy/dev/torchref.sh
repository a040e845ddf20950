#!/usr/bin/env bash
# Installs Debian's python3-torch (1.13.1), run with /usr/bin/python3: the
# reference the LSTM benchmarks and the LSTM golden test (bench/lstm) compare
# against; `make test` installs it.
set -euo pipefail
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  exit 0
fi
echo "dev: installing Debian's python3-torch (large; once)" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq python3-torch >/dev/null
/usr/bin/python3 -c 'import torch' || { echo "dev: python3-torch still missing" >&2; exit 1; }
