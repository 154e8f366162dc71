#!/usr/bin/env bash
# Install medtrace into .venv and run the main job on the bundled example:
# create the infusion-pump example project in build/demo (its own git repository),
# run its test suite and import the results, check it, and show the verification
# report and the compliance matrix.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
install_medtrace '.[example]'
rm -rf build/demo                       # the demo's own output folder, made afresh each run
.venv/bin/medtrace init --example infusion-pump build/demo
git -C build/demo init -q
git -C build/demo add -A
git -C build/demo -c user.name="medtrace demo" -c user.email=demo@medtrace.invalid \
    commit -qm "InsuPump controller software, release candidate"
(cd build/demo/code && ../../../.venv/bin/python -m pytest -q -p no:cacheprovider \
    --junitxml=../verification/junit.xml)
.venv/bin/medtrace results import build/demo/verification/junit.xml --revision HEAD \
    --path build/demo
.venv/bin/medtrace soup sync --dry-run --path build/demo
.venv/bin/medtrace soup audit --path build/demo
.venv/bin/medtrace soup sbom --path build/demo -o build/demo/sbom.cdx.json
.venv/bin/medtrace check build/demo
.venv/bin/medtrace verify build/demo
.venv/bin/medtrace risk build/demo --format html > build/demo/risk.html
.venv/bin/medtrace risk build/demo | tail -n 3
.venv/bin/medtrace gaps build/demo
echo "Risk management file: build/demo/risk.html; SBOM: build/demo/sbom.cdx.json"
echo "The example project is in build/demo; edit an item and run: .venv/bin/medtrace check build/demo"
