#!/usr/bin/env bash
# Make the demo project the README's examples run on: the infusion-pump example in
# ROOT/build/demo (its own git repository, with the baseline v1.0 the README's diff
# and change-control examples name), its test suite run and the results imported,
# and the inputs the README names in ROOT/build/demo-out (junit.xml, issues.json).
# scripts/demo.sh calls it; tests/test_readme.py runs the README on what it makes.
# Usage: scripts/demo-project.sh [ROOT] (default: the repository); MEDTRACE and PYTHON
# name the medtrace and Python to use (default: those of .venv).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "${1:-$here}" && pwd)"
medtrace="${MEDTRACE:-$here/.venv/bin/medtrace}"
python="${PYTHON:-$here/.venv/bin/python}"
demo="$root/build/demo"
out="$root/build/demo-out"
commit() {
    git -C "$demo" -c user.name="medtrace demo" -c user.email=demo@medtrace.invalid \
        commit -qm "$1"
}
rm -rf "$demo" "$out" "$root/build/demo-docs"   # the demo's own folders, made afresh
mkdir -p "$out"
"$medtrace" init --example infusion-pump --path "$demo" >/dev/null
git -C "$demo" init -q
git -C "$demo" add -A
commit "InsuPump controller software, release candidate"
"$medtrace" baseline create v1.0 -m "The release candidate as first committed" \
    --path "$demo" >/dev/null
(cd "$demo/code" && "$python" -m pytest -q -p no:cacheprovider --junitxml="$out/junit.xml" \
    >/dev/null)
"$medtrace" results import "$out/junit.xml" --revision HEAD --path "$demo"
git -C "$demo" add verification/runs
commit "Test results of the release candidate"
cat > "$out/issues.json" <<'JSON'
[
  {
    "number": 12,
    "html_url": "https://github.com/insupump/controller/issues/12",
    "title": "Occlusion alarm sounds late after priming",
    "user": {"login": "lbrandt"},
    "labels": [{"name": "bug"}],
    "state": "open",
    "created_at": "2026-03-02T09:12:00Z",
    "closed_at": null,
    "body": "Seen on 1.2.0 during TR-007."
  }
]
JSON
