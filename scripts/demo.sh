#!/usr/bin/env bash
# Install Sejahtera into .venv, prepare the demo database (SQLite under var/) with the
# reference data, demo accounts and demo population, and run the web app with its task
# worker. Extra arguments go to `sejahtera demo` (e.g. --port 8080, --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/sejahtera demo "$@"
