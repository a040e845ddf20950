#!/usr/bin/env bash
# Installs the reference tools that tests and benchmarks compare against:
# Debian's python3-xgboost (1.7.4), python3-sklearn (1.2.1) and python3-optuna (3.1.0), run with /usr/bin/python3,
# python3-fastapi (0.92) and python3-uvicorn (0.17.6) for the serving benchmark's peer scorer,
# and gcc for golearn's cgo (bench/golearn/ref, the forest benchmark's third tool).
set -euo pipefail
if /usr/bin/python3 -c 'import xgboost, sklearn, numpy, optuna, fastapi, uvicorn' 2>/dev/null && command -v gcc >/dev/null; then
  exit 0
fi
echo "dev: installing Debian's python3-xgboost, python3-sklearn, python3-optuna, python3-fastapi, python3-uvicorn and gcc" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq python3-xgboost python3-sklearn python3-optuna python3-fastapi python3-uvicorn gcc >/dev/null
/usr/bin/python3 -c 'import xgboost, sklearn, numpy, optuna, fastapi, uvicorn' || { echo "dev: python3-xgboost/python3-sklearn/python3-optuna/python3-fastapi/python3-uvicorn still missing" >&2; exit 1; }
command -v gcc >/dev/null || { echo "dev: gcc still missing" >&2; exit 1; }
