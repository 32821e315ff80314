#!/usr/bin/env bash
# Runs the ONNX backend node suite (generated from the onnx PyPI package into .cache/node-suite) on the
# reference interpreter and fails if fewer cases pass than the floor kept in conformance-floor.txt.
# Usage: scripts/conformance.sh [path/to/onnx-convert] [extra conformance options…]
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-.build/release/onnx-convert}
shift || true
suite=$(scripts/onnx-node-suite.sh)
floor=$(grep -v '^#' conformance-floor.txt | head -1)
"$tool" conformance "$suite" --min-passed "$floor" "$@"
