#!/usr/bin/env bash
# Install medtrace into .venv and run the main job on the bundled example:
# create the infusion-pump example project in build/demo (its own git repository,
# baseline v1.0; scripts/demo-project.sh), run its test suite and import the results,
# keep its SOUP in step with its lockfile and audit it against OSV advisories, check
# it, show the verification report, the risk management file and the compliance
# matrix, check the release, and build the document set (HTML, Markdown, PDF, DOCX)
# in build/demo-docs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
install_medtrace '.[example,web]'
bash scripts/demo-project.sh
.venv/bin/medtrace soup sync --dry-run --path build/demo
.venv/bin/medtrace soup audit --path build/demo
.venv/bin/medtrace soup sbom --path build/demo -o build/demo-out/sbom.cdx.json
.venv/bin/medtrace check --path build/demo
.venv/bin/medtrace verify --path build/demo
.venv/bin/medtrace risk --path build/demo --format html > build/demo-out/risk.html
.venv/bin/medtrace risk --path build/demo | tail -n 3
.venv/bin/medtrace gaps --path build/demo
.venv/bin/medtrace release check 1.2.0 --path build/demo
.venv/bin/medtrace docs build --path build/demo --format html,md,pdf,docx --output build/demo-docs
echo "Document set: build/demo-docs/index.html (and .md, .pdf, .docx beside it)"
echo "Risk management file: build/demo-out/risk.html; SBOM: build/demo-out/sbom.cdx.json"
echo "The example project is in build/demo; edit an item and run:" \
    ".venv/bin/medtrace check --path build/demo"
echo "Or open it in a browser: .venv/bin/medtrace serve --path build/demo"
