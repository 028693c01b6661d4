#!/usr/bin/env bash
# Install what the tests need into .venv (and Debian's Chromium for the browser tests, when
# running as root or with sudo), then run the quality gates and the whole suite.
# DATABASE_URL=postgres://... runs it on PostgreSQL; the default is SQLite.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# SEJAHTERA_TESTS_ONLY=1 (CI's second pass, same tree): the installs and the quality gates
# below already ran; go straight to pytest.
if [ "${SEJAHTERA_TESTS_ONLY:-0}" != "1" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # The `spark` extra (pyspark) too: the Spark path of the record linkage is tested against
  # DuckDB's (it needs Java, which the tests look for and otherwise skip).
  .venv/bin/python -m pip install --quiet -e ".[test,spark]"

  # WeasyPrint (the PDF reports) needs Pango from Debian.
  if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    if [ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1; then
      $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null \
        || echo "Pango could not be installed: PDF reports will not work." >&2
    fi
  fi

  if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    if [ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1; then
      $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null \
        || echo "Chromium could not be installed: the browser tests will be skipped." >&2
    fi
  fi

  echo "== ruff"
  .venv/bin/ruff check src tests bench
  .venv/bin/ruff format --check src tests bench
  echo "== mypy"
  .venv/bin/mypy src
  echo "== migrations"
  .venv/bin/sejahtera makemigrations --check --dry-run >/dev/null
fi
echo "== pytest (${DATABASE_URL:-sqlite}, ${SEJAHTERA_TEST_WORKERS:-2} workers)"
exec .venv/bin/python -m pytest --create-db -n "${SEJAHTERA_TEST_WORKERS:-2}" --dist worksteal --durations=25 "$@"
