#!/usr/bin/env bash
# Install what the tests need into .venv (and Debian's Chromium for the browser tests, when
# running as root or with sudo), then run the quality gates and the whole suite.
# DATABASE_URL=postgres://... runs it on PostgreSQL; the default is SQLite.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_setup.sh
# SEJAHTERA_TESTS_ONLY=1 (CI's second pass, same tree): the installs and the quality gates
# below already ran; go straight to pytest.
if [ "${SEJAHTERA_TESTS_ONLY:-0}" != "1" ]; then
  make_venv
  # The `spark` extra (pyspark) too: the Spark path of the record linkage is tested against
  # DuckDB's (it needs Java, which the tests look for and otherwise skip).
  .venv/bin/python -m pip install --quiet -e ".[test,spark]"
  install_pango
  if ! command -v chromium >/dev/null 2>&1; then
    apt_install "Chromium could not be installed: the browser tests will be skipped." chromium
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
