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
