#!/usr/bin/env python3
"""Converts every Keras fixture with onnx-convert, then checks each written model with onnx.checker and
runs it in onnxruntime against Keras's recorded outputs (max |error| / max |keras| <= 1e-4).

Not part of CI (onnxruntime is not a dependency of the Swift code); run by hand:
    .cache/venv-onnx/bin/python scripts/check_keras_with_onnxruntime.py .build/release/onnx-convert
"""
import glob, os, subprocess, sys, tempfile
import numpy as np
import onnx
import onnxruntime as ort

tool = sys.argv[1]
root = os.path.join(os.path.dirname(__file__), "..", "testdata", "keras")
passed, failed, skipped = 0, [], []
with tempfile.TemporaryDirectory() as out:
    for path in sorted(glob.glob(os.path.join(root, "k*", "*.h5")) + glob.glob(os.path.join(root, "k*", "*.keras"))):
        name = os.path.basename(path).rsplit(".", 1)[0]
        io = os.path.join(os.path.dirname(path), name + ".io.npz")
        if not os.path.exists(io):
            continue
        target = os.path.join(out, os.path.basename(os.path.dirname(path)) + "_" + os.path.basename(path) + ".onnx")
        run = subprocess.run([tool, "keras", path, "-o", target], capture_output=True, text=True)
        if run.returncode == 3:
            skipped.append(f"{path}: {run.stderr.strip()}")
            continue
        if run.returncode != 0:
            failed.append(f"{path}: {run.stderr.strip()}")
            continue
        model = onnx.load(target)
        onnx.checker.check_model(model, full_check=True)
        data = np.load(io)
        session = ort.InferenceSession(target, providers=["CPUExecutionProvider"])
        feeds = {i.name: data[f"input_{k}"] for k, i in enumerate(session.get_inputs())}
        outputs = session.run(None, feeds)
        worst = max(float(np.abs(o - data[f"output_{k}"]).max() / max(np.abs(data[f"output_{k}"]).max(), 1e-12))
                    for k, o in enumerate(outputs))
        if worst <= 1e-4:
            passed += 1
        else:
            failed.append(f"{path}: error {worst:.2e}")
for line in skipped:
    print("unsupported", line)
for line in failed:
    print("FAIL", line)
print(f"{passed} passed onnx.checker and onnxruntime parity, {len(failed)} failed, {len(skipped)} not yet supported")
sys.exit(1 if failed else 0)
