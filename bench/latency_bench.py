"""Latency and peak memory of `onnx-convert run` against onnxruntime on torchvision models.

Usage: python bench/latency_bench.py ONNX_CONVERT MODELS_DIR [--repeat 30] [--rounds 3] [--threads 2]

MODELS_DIR holds NAME.onnx + NAME.io.npz pairs written by converters/torch/export_vision_models.py
(torch.onnx exports with random weights, and torch's output for a seeded input). For each model this prints:
  ours ms   median of `onnx-convert run MODEL --repeat N` (its own timing of the runs, model already loaded)
  ort ms    median of N onnxruntime InferenceSession.run calls after one warm-up run, same input,
            intra-op threads = --threads (the interpreter uses OpenBLAS's threads plus GCD over 2 cores)
  ratio     ours / ort
Each figure is the best of --rounds rounds that alternate the two tools, because timings on a shared
VM drift by 10-20 % from one minute to the next.
  RSS       peak RSS of the whole onnx-convert process (its VmHWM), against the bound 2 x (weights + the two largest
            activations), from onnx's shape inference
  error     max |ours - torch| / max |torch| over the output
"""
import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

try:
    import onnxruntime
except ImportError:  # the comparison column is left empty
    onnxruntime = None


def run_ours(tool, model, inputs, repeat, out):
    command = [tool, "run", model, "--inputs", inputs, "--repeat", str(repeat), "-o", out]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    stdout, stderr = process.stdout.read().decode(), process.stderr.read().decode()
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr}")
    median = re.search(r"median latency: ([0-9.]+) ms", stdout)
    peak = re.search(r"peak memory: ([0-9.]+) MiB", stdout)
    if not median:
        sys.exit(f"no latency in the output of {' '.join(command)}:\n{stdout}")
    # The tool's own VmHWM: wait4's ru_maxrss would include this Python process's pre-exec footprint.
    return float(median.group(1)), float(peak.group(1)) if peak else usage.ru_maxrss / 1024


def onnxruntime_session(model, threads):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def run_onnxruntime(session, feeds, repeat):
    session.run(None, feeds)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def memory_bound_mib(model_path):
    """2 x (initializer bytes + the two largest activations), the issue's peak-memory budget."""
    model = shape_inference.infer_shapes(onnx.load(model_path))
    weights = sum(numpy_helper.to_array(t).nbytes for t in model.graph.initializer)
    constants = {t.name for t in model.graph.initializer}
    sizes = []
    for info in list(model.graph.value_info) + list(model.graph.output):
        if info.name in constants:  # torch.onnx lists weights in value_info too; they are not activations
            continue
        dims = [d.dim_value for d in info.type.tensor_type.shape.dim]
        if dims and all(d > 0 for d in dims):
            itemsize = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(info.type.tensor_type.elem_type)).itemsize
            sizes.append(int(np.prod(dims)) * itemsize)
    largest = sum(sorted(sizes)[-2:])
    return 2 * (weights + largest) / 2**20, weights / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool")
    parser.add_argument("models_dir")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    names = sorted(f[:-5] for f in os.listdir(args.models_dir) if f.endswith(".onnx"))
    if not names:
        sys.exit(f"no .onnx models in {args.models_dir}")
    print(f"{'model':<14}{'ours ms':>10}{'ort ms':>10}{'ratio':>8}{'RSS MiB':>10}{'bound MiB':>11}"
          f"{'weights MiB':>13}{'error':>10}")
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            model = os.path.join(args.models_dir, f"{name}.onnx")
            io = np.load(os.path.join(args.models_dir, f"{name}.io.npz"))
            inputs, out = os.path.join(scratch, "in.npz"), os.path.join(scratch, "out.npz")
            np.savez(inputs, input=io["input"])
            ours, ort, rss = float("inf"), float("inf") if onnxruntime else None, 0.0
            for _ in range(args.rounds):
                ours_round, rss_round = run_ours(args.tool, model, inputs, args.repeat, out)
                ours, rss = min(ours, ours_round), max(rss, rss_round)
                if onnxruntime:
                    # A live session keeps its pool threads spinning and the model's pages mapped, which
                    # would slow our next run and keep its weight pages resident; one session per round.
                    session = onnxruntime_session(model, args.threads)
                    ort = min(ort, run_onnxruntime(session, {"input": io["input"]}, args.repeat))
                    del session
                    gc.collect()
            error = np.abs(np.load(out)["output"] - io["output"]).max() / np.abs(io["output"]).max()
            bound, weights = memory_bound_mib(model)
            ratio = f"{ours / ort:8.2f}" if ort else f"{'-':>8}"
            ort_text = f"{ort:10.1f}" if ort else f"{'-':>10}"
            print(f"{name:<14}{ours:10.1f}{ort_text}{ratio}{rss:10.0f}{bound:11.0f}{weights:13.0f}{error:10.1e}",
                  flush=True)


if __name__ == "__main__":
    main()
