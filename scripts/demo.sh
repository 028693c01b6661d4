#!/usr/bin/env bash
# Install Sejahtera into .venv, prepare the demo database (SQLite under var/) with the
# reference data, demo accounts and demo population, and run the web app with its task
# worker. Extra arguments go to `sejahtera demo` (e.g. --port 8080, --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_setup.sh
make_venv
.venv/bin/python -m pip install --quiet -e .
install_pango
exec .venv/bin/sejahtera demo "$@"
