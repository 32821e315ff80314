#!/usr/bin/env bash
# Usage: scripts/latency-bench.sh ONNX_CONVERT [--repeat N]
# Exports ResNet-50, MobileNetV2 and ViT-B/16 with torch.onnx (random weights; once, into .cache/bench/vision,
# through the torch venv — a several-GB install the first time), then prints `onnx-convert run` latency and
# peak memory side by side with onnxruntime (from the onnx venv).
set -euo pipefail
cd "$(dirname "$0")/.."
tool=$1
shift
models=.cache/bench/vision
if [ ! -f "$models/vit_b_16.io.npz" ]; then
  torch_python=$(scripts/python-env.sh torch converters/torch/requirements.txt)
  "$torch_python" converters/torch/export_vision_models.py "$models"
fi
python=$(scripts/python-env.sh onnx converters/onnx/requirements.txt)
"$python" bench/latency_bench.py "$tool" "$models" "$@"
