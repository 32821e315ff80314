#!/usr/bin/env bash
# Runs every libFuzzer target (Fuzz/<Target>) for SECONDS each, seeded from testdata/, with an address
# sanitizer, a 10 s per-input time limit (a hang), and an allocation limit of 2 GiB against the targets'
# 1 GiB memory budget (an allocation past the budget is a finding). Leaks are not findings: Foundation
# itself leaks a path buffer per opened archive. Findings are written to
# .cache/fuzz/findings/<Target>/; the script fails when there is any, printing one line per finding.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all_targets=(FuzzNpy FuzzNpz FuzzTensorProto FuzzONNX FuzzKerasConfig FuzzKerasH5 FuzzKerasArchive)
targets=("${@:-${all_targets[@]}}")
[ $# -eq 0 ] && targets=("${all_targets[@]}")

scratch=.build-fuzz
# gold stops with an internal error on the sanitizer runtimes, so the targets are linked by lld. One
# product per build: SwiftPM keeps only the last --product it is given.
# -enable-testing lets the Keras config target reach the importer's internals.
flags=(-c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
       -Xswiftc -enable-testing)
for target in "${targets[@]}"; do
  ONNX_CONVERT_FUZZ=1 swift build "${flags[@]}" --product "$target" >&2
done
bin=$(ONNX_CONVERT_FUZZ=1 swift build "${flags[@]}" --show-bin-path)

work=.cache/fuzz
mkdir -p "$work"
external=$work/external
mkdir -p "$external"
cp testdata/onnx/external/weights.data "$external/"
export FUZZ_EXTERNAL_DIR=$PWD/$external
# A finding is reported by libFuzzer and ASan; the Swift runtime's backtracer would only add noise.
export SWIFT_BACKTRACE=enable=no
export FUZZ_KERAS_DIR=$PWD/testdata/keras
export ASAN_OPTIONS=detect_leaks=0

seed() {  # seed TARGET FILES…: copies the files into the target's corpus (kept between runs)
  local corpus=$work/corpus/$1
  shift
  mkdir -p "$corpus"
  for file in "$@"; do
    local copy=$corpus/$(echo "$file" | tr '/' '_')
    [ -e "$copy" ] || cp "$file" "$copy"
  done
}
seed FuzzNpy testdata/numpy/*.npy
seed FuzzNpz testdata/numpy/*.npz testdata/keras/k2/cnn.io.npz testdata/keras/k3/mlp.io.npz
seed FuzzTensorProto $(find testdata/tensors -name '*.pb')
seed FuzzONNX testdata/onnx/*.onnx testdata/onnx/external/model.onnx
# The Keras configs: the .json fixtures and the config.json of every .keras zip (same models as the .h5s).
mkdir -p "$work/configs"
for zip in testdata/keras/k3/*.keras testdata/keras/k2/*.keras; do
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("config.json"))' \
    "$zip" > "$work/configs/$(echo "$zip" | tr '/' '_').json"
done
seed FuzzKerasConfig testdata/keras/*/*.json "$work"/configs/*.json
# Whole model files for the targets that reach libhdf5 (each input runs in a forked child, so small seeds
# keep the executions many; the 2 MB MobileNets are left out).
seed FuzzKerasH5 $(find testdata/keras -name '*.h5' -size -200k)
seed FuzzKerasArchive $(find testdata/keras -name '*.keras' -size -200k)
# Their per-process input files, and the inputs that libhdf5 itself crashed or hung on (contained, as in
# the product: counted in the summary line, kept for inspection, not findings).
export FUZZ_WORK_DIR=$PWD/$work/scratch

failures=0
for target in "${targets[@]}"; do
  findings=$work/findings/$target
  mkdir -p "$findings"
  log=$work/$target.log
  set +e
  "$bin/$target" "$work/corpus/$target" -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=2048 \
    -rss_limit_mb=4096 -detect_leaks=0 -artifact_prefix="$findings/" -print_final_stats=1 > "$log" 2>&1
  status=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  found=$(find "$findings" -type f | wc -l)
  contained=""
  if [ -d "$FUZZ_WORK_DIR/$target/contained" ]; then
    contained=", $(grep -c '^==ContainedFuzzing== contained' "$log" || true) contained in libhdf5"
  fi
  echo "$target: ${seconds} s, $runs executions, exit $status, $found finding(s)$contained"
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    failures=$((failures + 1))
    find "$findings" -type f | sed 's/^/  finding: /'
    grep -m3 -E 'ERROR|SUMMARY|Fatal error' "$log" | sed 's/^/  /' || true
  fi
done
[ "$failures" -eq 0 ]
