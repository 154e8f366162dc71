#!/usr/bin/env bash
# Install medtrace into .venv and run the main job on the bundled example:
# create the infusion-pump example project in build/demo (its own git repository),
# run its test suite and import the results, keep its SOUP in step with its lockfile
# and audit it against OSV advisories, check it, show the verification report, the
# risk management file and the compliance matrix, check the release, and build the
# document set (HTML, Markdown, PDF, DOCX) in build/demo-docs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
install_medtrace '.[example,web]'
rm -rf build/demo build/demo-out build/demo-docs   # the demo's own folders, made afresh
mkdir -p build/demo-out
.venv/bin/medtrace init --example infusion-pump build/demo
git -C build/demo init -q
git -C build/demo add -A
git -C build/demo -c user.name="medtrace demo" -c user.email=demo@medtrace.invalid \
    commit -qm "InsuPump controller software, release candidate"
(cd build/demo/code && ../../../.venv/bin/python -m pytest -q -p no:cacheprovider \
    --junitxml=../../demo-out/junit.xml)
.venv/bin/medtrace results import build/demo-out/junit.xml --revision HEAD \
    --path build/demo
git -C build/demo add verification/runs
git -C build/demo -c user.name="medtrace demo" -c user.email=demo@medtrace.invalid \
    commit -qm "Test results of the release candidate"
.venv/bin/medtrace soup sync --dry-run --path build/demo
.venv/bin/medtrace soup audit --path build/demo
.venv/bin/medtrace soup sbom --path build/demo -o build/demo-out/sbom.cdx.json
.venv/bin/medtrace check build/demo
.venv/bin/medtrace verify build/demo
.venv/bin/medtrace risk build/demo --format html > build/demo-out/risk.html
.venv/bin/medtrace risk build/demo | tail -n 3
.venv/bin/medtrace gaps build/demo
.venv/bin/medtrace release check 1.2.0 --path build/demo
.venv/bin/medtrace docs build build/demo --format html,md,pdf,docx --output build/demo-docs
echo "Document set: build/demo-docs/index.html (and .md, .pdf, .docx beside it)"
echo "Risk management file: build/demo-out/risk.html; SBOM: build/demo-out/sbom.cdx.json"
echo "The example project is in build/demo; edit an item and run: .venv/bin/medtrace check build/demo"
echo "Or open it in a browser: .venv/bin/medtrace serve build/demo"
