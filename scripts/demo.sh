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

# WeasyPrint (the PDF reports) needs Pango from Debian.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if [ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1; then
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null \
      || echo "Pango could not be installed: PDF reports will not work." >&2
  fi
fi
exec .venv/bin/sejahtera demo "$@"
