#!/usr/bin/env bash
# Generates the ONNX backend node test suite (onnx's collect_testcases) into .cache/node-suite, once per
# onnx version. Prints the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/python-env.sh onnx converters/onnx/requirements.txt)
out=.cache/node-suite
want="onnx $("$python" -c 'import onnx; print(onnx.__version__)')"
if [ ! -f "$out/VERSION" ] || [ "$(head -1 "$out/VERSION")" != "$want" ]; then
  rm -rf "$out"
  "$python" scripts/write_node_suite.py "$out" >&2
fi
echo "$PWD/$out"
