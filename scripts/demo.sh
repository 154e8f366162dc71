#!/usr/bin/env bash
# Install medtrace into .venv and run the main job on the bundled example:
# create the infusion-pump example project in build/demo, check it, show the result.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
install_medtrace .
rm -rf build/demo                       # the demo's own output folder, made afresh each run
.venv/bin/medtrace init --example infusion-pump build/demo
.venv/bin/medtrace check build/demo
.venv/bin/medtrace gaps build/demo
echo "The example project is in build/demo; edit an item and run: .venv/bin/medtrace check build/demo"
