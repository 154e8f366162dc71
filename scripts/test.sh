#!/usr/bin/env bash
# Install medtrace with its test tools into .venv and run every check and test.
# .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
install_medtrace '.[test]'
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
.venv/bin/mypy --strict bench
.venv/bin/lint-imports
.venv/bin/pytest
# The web tests again, on a throwaway PostgreSQL cluster (tests/postgres.py) instead of
# SQLite; the browser tests drive a served process of their own and run once, above.
if [ "${CI:-}" = true ] || command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    MEDTRACE_TEST_POSTGRESQL=1 .venv/bin/pytest tests/web -q -p no:cacheprovider \
        --deselect tests/web/test_browser.py --deselect tests/web/test_browser_sign.py
else
    echo "PostgreSQL (initdb) is not installed: the web tests ran on SQLite only" >&2
fi
