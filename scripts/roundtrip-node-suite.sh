#!/usr/bin/env bash
# Every model.onnx of the ONNX node suite must survive `optimize --rules none` unchanged (compared as
# protobuf messages by onnx itself) and be printed by `inspect` without error.
# Usage: scripts/roundtrip-node-suite.sh [path/to/onnx-convert]
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-.build/release/onnx-convert}
suite=$(scripts/onnx-node-suite.sh)
python=$(scripts/python-env.sh onnx converters/onnx/requirements.txt)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
list=$work/pairs.tsv
: > "$list"
inspect_failures=0
count=0
for model in "$suite"/*/model.onnx; do
  case_name=$(basename "$(dirname "$model")")
  out=$work/$case_name.onnx
  count=$((count + 1))
  if ! "$tool" optimize "$model" -o "$out" --rules none >/dev/null 2>"$work/err"; then
    echo "optimize failed: $case_name: $(cat "$work/err")"
    continue
  fi
  printf '%s\t%s\n' "$model" "$out" >> "$list"
  if ! "$tool" inspect "$model" > /dev/null 2>"$work/err"; then
    echo "inspect failed: $case_name: $(cat "$work/err")"
    inspect_failures=$((inspect_failures + 1))
  fi
done
echo "round trip of $count node-suite models:"
"$python" scripts/check_roundtrip.py "$list" | tail -20
written=$(wc -l < "$list")
echo "optimize wrote $written of $count; inspect failed on $inspect_failures"
[ "$written" -eq "$count" ] && [ "$inspect_failures" -eq 0 ]
